"""A slip's QR code opened in Chromium: the partner reports an outcome the office then shows.

A real server process, an office enrolled and synced with the ``baom`` command, an intake
and a referral made at the command line; the slip's URL (its QR payload) is opened in
Debian's headless Chromium at a phone's size.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from tests.helpers import regional
from tests.helpers.browser import chromium
from tests.helpers.intake import answers
from tests.helpers.sync_office import baom, baom_json, enrolled_office

SHOTS = Path("/tmp/partner")
DEMO_DIRECTORY = Path(__file__).resolve().parents[2] / "resources/directory/souss-massa-demo.json"
PERSON = {
    "person__given_name": "Oumou",
    "person__family_name": "Sangaré",
    "person__phone": "0698765432",
    "person__birth_year": 1987,
}
PROVIDED = "Consultation et vaccin"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[regional.Server]:
    """A server process with the demo directory, which the office pulls."""
    with regional.running_server(tmp_path_factory.mktemp("regional")) as running:
        subprocess.run(
            [
                *regional.command(),
                "directory",
                "import",
                str(DEMO_DIRECTORY),
                "--db",
                running.db_url,
            ],
            capture_output=True,
            check=True,
        )
        yield running


def _outcome_changes(server: regional.Server) -> list[dict[str, Any]]:
    """The ``referral_outcome`` changes the server holds (read from its database)."""
    with sqlite3.connect(server.db_url.removeprefix("sqlite:///")) as connection:
        rows = connection.execute(
            "SELECT payload FROM server_change WHERE entity_type = 'referral_outcome'"
        ).fetchall()
    return [json.loads(row[0]) for row in rows]


def _referral(office: Path, case: str, service: str, priority: str) -> dict[str, Any]:
    args = ("--case", case, "--service", service, "--need", "health", "--priority", priority)
    made: dict[str, Any] = baom_json(office, "referral", "create", *args)
    return made


def _shot(driver: WebDriver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(390, max(844, int(height) + 140))  # the whole page in one picture
    driver.save_screenshot(str(SHOTS / name))
    driver.set_window_size(390, 844)


def _type_date(driver: WebDriver, day: str) -> None:
    """Type a date as a person would, in the order the browser's locale shows the field."""
    order = driver.execute_script(
        "return new Intl.DateTimeFormat().formatToParts(new Date(2026, 11, 2))"
        ".map(p => p.type).filter(t => ['day', 'month', 'year'].includes(t))"
    )
    year, month, date_ = day.split("-")
    parts = {"year": year, "month": month, "day": date_}
    field = driver.find_element(By.NAME, "outcome_date")
    field.send_keys("".join(parts[part] for part in order))
    assert field.get_attribute("value") == day


def _wait(driver: WebDriver, condition: Callable[[WebDriver], bool]) -> None:
    """Wait for the next page (the driver may err while the old one goes: asked again)."""
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(condition)


def _follow(driver: WebDriver, text: str, lang: str) -> None:
    """Follow the language link and wait for the page in that language."""
    driver.find_element(By.LINK_TEXT, text).click()
    _wait(driver, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang)


def _submit(driver: WebDriver) -> None:
    """Send the form and wait for the answer page (it has no form)."""
    driver.find_element(By.ID, "submit").click()
    _wait(driver, lambda d: not d.find_elements(By.TAG_NAME, "form"))
    assert "Merci" in driver.find_element(By.TAG_NAME, "body").text, driver.page_source


def _no_policy_violation(driver: WebDriver) -> None:
    """Nothing the page did was refused by its Content-Security-Policy since the last look
    (Chromium reports each refusal on the console; reading the console empties it)."""
    refused = [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]
    assert refused == []


def _policy_is_enforced(driver: WebDriver) -> None:
    """The page's policy refuses a style it does not name, and its own style applies."""
    violated = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "document.addEventListener('securitypolicyviolation',"
        " (event) => done(event.effectiveDirective), {once: true});"
        "const style = document.createElement('style');"
        "style.textContent = 'body { color: red }';"
        "document.head.appendChild(style);"
        "setTimeout(() => done(null), 3000);"
    )
    assert violated == "style-src-elem"
    assert driver.find_element(By.TAG_NAME, "dt").value_of_css_property("font-weight") == "700"
    console = [entry["message"] for entry in driver.get_log("browser")]
    assert any("Content Security Policy" in message for message in console)  # seen, and ours


def _no_personal_data(html: str, token: str) -> None:
    """None of the person's names, phone or birth year (random tokens left out of the check)."""
    text = re.sub(r'name="nonce" value="[0-9a-f]+"', "", html).replace(token, "")
    for value in (*PERSON.values(), "Sangare", "698765432"):
        assert str(value) not in text


def _fits_a_phone(driver: WebDriver) -> None:
    """No sideways scrolling, and every control large enough for a finger."""
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= driver.execute_script("return window.innerWidth")
    for element in driver.find_elements(By.CSS_SELECTOR, "label, select, button, input[type=text]"):
        assert element.size["height"] >= 44, element.get_attribute("outerHTML")


def test_a_partner_reports_an_outcome_that_the_office_shows_after_its_next_sync(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    enrolled_office(office, server, "BAOM Taroudant")
    assert baom_json(office, "config", "show")["sync.server_url"] == server.url
    first = baom_json(office, "sync", "--once")
    assert first["ok"] and first["pull"]["applied"] > 50  # the shared directory

    answers_file = tmp_path / "intake.json"
    answers_file.write_text(json.dumps(answers(**PERSON), ensure_ascii=False), encoding="utf-8")
    saved = baom_json(office, "intake", "submit", str(answers_file))
    case = baom_json(office, "case", "show", saved["case_id"])
    [hit, *_] = baom_json(office, "directory", "search", "hôpital", "--category", "health")
    referral = _referral(office, case["code"], hit["service_id"], "urgent")
    withdrawn = _referral(office, case["code"], hit["service_id"], "normal")
    baom(office, "referral", "set", withdrawn["code"], "--state", "withdrawn")
    slip = baom_json(office, "referral", "show", referral["code"])
    url = slip["url"]  # what the slip's QR code holds
    assert url == f"{server.url}/r/{referral['token']}"
    assert baom_json(office, "sync", "--once")["push"]["accepted"] > 0  # the server learns it

    page = httpx.get(url).text  # a form sent without the browser's checks: a date before it
    nonce = re.search(r'name="nonce" value="([0-9a-f]+)"', page)
    assert nonce is not None
    form = {"nonce": nonce.group(1), "outcome": "done", "outcome_date": "2020-01-01"}
    refused = httpx.post(url, data=form)
    assert refused.status_code == 400 and "ni dans le futur" in refused.text
    assert _outcome_changes(server) == []

    today = datetime.now(UTC).date().isoformat()  # made today: done today at the earliest
    with chromium() as driver:
        driver.get(url)
        _no_policy_violation(driver)
        html = driver.page_source
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
        facts = driver.find_element(By.TAG_NAME, "dl").text
        assert slip["service"] in facts
        assert referral["code"] in facts and "BAOM Taroudant" in facts
        assert "Urgent (72 h)" in facts
        assert today in facts  # the day it was made
        _no_personal_data(html, referral["token"])
        _fits_a_phone(driver)
        _shot(driver, "fr.png")

        _follow(driver, "العربية", "ar")
        root = driver.find_element(By.TAG_NAME, "html")
        assert (root.get_attribute("dir"), root.get_attribute("lang")) == ("rtl", "ar")
        assert "عاجل (72 ساعة)" in driver.find_element(By.TAG_NAME, "dl").text
        _no_personal_data(driver.page_source, referral["token"])
        _fits_a_phone(driver)
        _shot(driver, "ar.png")

        _follow(driver, "Français", "fr")
        driver.find_element(By.CSS_SELECTOR, "input[name=outcome][value=done]").click()
        driver.find_element(By.NAME, "provided").send_keys(PROVIDED)
        _type_date(driver, today)
        _submit(driver)
        _no_policy_violation(driver)  # neither the Arabic page nor the form's sending
        _shot(driver, "thanks.png")
        [reported] = _outcome_changes(server)
        assert (reported["state"], reported["provided"]) == ("done", PROVIDED)
        assert reported["outcome_date"] == today

        driver.get(url)  # the form again, and the same report sent a second time
        _policy_is_enforced(driver)
        driver.find_element(By.CSS_SELECTOR, "input[name=outcome][value=done]").click()
        driver.find_element(By.NAME, "provided").send_keys(PROVIDED)
        _type_date(driver, today)
        _submit(driver)
        assert len(_outcome_changes(server)) == 1  # nothing changed on the server

        driver.get(f"{server.url}/r/{'x' * 43}")
        unknown = driver.page_source
        driver.get(f"{server.url}/r/{withdrawn['token']}")
        assert driver.page_source == unknown
        assert "Introuvable" in unknown
        for secret in (withdrawn["code"], "BAOM", slip["service"], "Taroudant"):
            assert secret not in unknown
    for token in ("x" * 43, withdrawn["token"]):
        assert httpx.get(f"{server.url}/r/{token}").status_code == 404

    pulled = baom_json(office, "sync", "--once")["pull"]
    assert (pulled["applied"], pulled["conflicts"]) == (1, 0)
    shown = baom_json(office, "referral", "show", referral["code"])
    assert (shown["state"], shown["provided"], shown["outcome_on"]) == ("done", PROVIDED, today)
    timeline = baom_json(office, "case", "show", saved["case_id"])["timeline"]
    partner = [item for item in timeline if item.get("source") == "partner"]
    assert [item["kind"] for item in partner] == ["referral_sent", "referral_done"]
    assert {item["referral_id"] for item in partner} == {referral["referral_id"]}
    assert partner[-1]["detail"] == PROVIDED
    assert baom_json(office, "sync", "--once")["pull"]["changes"] == 0

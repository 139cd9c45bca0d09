"""The region's dashboard in headless Chromium: region staff see it in French and Arabic.

A real server process on SQLite holding two offices' statistics records of its last two
published months (by the real clock). Set ``BAOM_SHOTS_DIR`` to keep the whole page in both
languages, and its map as a 1366 by 768 screen shows it.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from regional.clock import utcnow
from regional.database import make_engine, session_factory
from regional.models import DirectoryRow, StatFact
from regional.offices import add_office
from regional.region_accounts import add_account
from regional.stats import latest_published_month
from tests.helpers import regional
from tests.helpers.browser import chromium

LOGIN = ("amina", "correct horse battery")
AOURIR = "09.001.07.03"
TAFAWOUT = "1b1e4f5e-5a5b-4c7e-9d1f-0a0000000001"
"""An association of the CMSM, answering its referrals in two days."""


def _previous(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


LATEST = latest_published_month(utcnow())
EARLIER = _previous(LATEST)


def _fact(
    office: uuid.UUID, month: str, sex: str, commune: str = "09.541.01.11", cmsm: str = "[]"
) -> StatFact:
    return StatFact(
        id=uuid.uuid4(), office_id=office, version=1, month=month, category="rpt", sex=sex,
        age_band="18-29", nationality="SN", commune=commune, needs='["health"]',
        outcomes='[["health", "done"]]', resolutions="[]", cmsm=cmsm,
    )  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[regional.Server]:
    """Agadir: 8 women (2 of Aourir, the others of Taliouine, 6 of whom referred to
    Tafawout, a member of the CMSM) and 4 men of Taliouine in the latest month, 7 women of
    Taliouine before; Tiznit: 6 men of Tiznit."""
    with regional.running_server(tmp_path_factory.mktemp("regional")) as running:
        engine = make_engine(running.db_url)
        with session_factory(engine)() as session, session.begin():
            agadir = add_office(session, "BAOM Agadir", utcnow())[0]
            tiznit = add_office(session, "BAOM Tiznit", utcnow())[0]
            referred = json.dumps([[TAFAWOUT, "done", 2]])
            facts = [_fact(agadir, LATEST, "f", cmsm=referred) for _ in range(6)]
            facts += [_fact(agadir, LATEST, "f", AOURIR) for _ in range(2)]
            facts += [_fact(agadir, LATEST, "m") for _ in range(4)]
            facts += [_fact(tiznit, LATEST, "m", "09.581.01.07") for _ in range(6)]
            facts += [_fact(agadir, EARLIER, "f") for _ in range(7)]
            session.add_all(facts)
            member = {"id": TAFAWOUT, "name": "Association Tafawout", "cmsm_member": True}
            member |= {"translations": {"name": {"ar": "جمعية تفاوت"}}}
            member |= {"cmsm_contact_name": "Fatima Ait Ali"}
            session.add(DirectoryRow(table_name="organization", row_id=TAFAWOUT,
                                     payload=json.dumps(member)))  # fmt: skip
            add_account(session, LOGIN[0], "region", LOGIN[1], utcnow())
        engine.dispose()
        yield running


def _log_in(driver: WebDriver) -> None:
    """Send the region account's HTTP Basic login with every request, as a browser would
    once its login prompt is filled in."""
    token = base64.b64encode(":".join(LOGIN).encode()).decode()
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.setExtraHTTPHeaders", {"headers": {"Authorization": f"Basic {token}"}}
    )


def _shot(driver: WebDriver, name: str, with_map: bool = True) -> None:
    folder = os.environ.get("BAOM_SHOTS_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1366, int(height) + 140)  # the whole page in one picture
    driver.save_screenshot(str(Path(folder) / name))
    if not with_map:
        driver.set_window_size(1366, 900)
        return
    driver.set_window_size(1366, 768)  # the map as a laptop's screen shows it
    driver.execute_script("document.getElementById('communes').scrollIntoView()")
    driver.save_screenshot(str(Path(folder) / name.replace(".png", "-map.png")))
    driver.set_window_size(1366, 900)


def _map(driver: WebDriver) -> dict[str, float]:
    """Where the map's communes and its legend are on the screen, the map's width, and the
    height from the section's heading to the map's foot."""
    box: dict[str, float] = driver.execute_script(
        "const svg = document.querySelector('#map-by-commune svg');"
        "const shapes = svg.querySelector('g').getBoundingClientRect();"
        'const legend = svg.querySelector(\'rect[fill="url(#suppressed)"][width="28"]\')'
        ".getBoundingClientRect();"
        "const whole = svg.getBoundingClientRect();"
        "const heading = document.querySelector('#communes h2').getBoundingClientRect();"
        "return {left: shapes.left, right: shapes.right, legend_left: legend.left,"
        " legend_right: legend.right, width: whole.width, span: whole.bottom - heading.top};"
    )
    return box


def _title(driver: WebDriver, code: str) -> str:
    """What the browser shows on hovering a commune: its shape's title."""
    shape = driver.find_element(By.ID, f"c{code}")
    return str(shape.find_element(By.TAG_NAME, "title").get_attribute("textContent"))


def _row(driver: WebDriver, table: str, label: str) -> list[str]:
    """The texts of a table's row (its label first)."""
    for row in driver.find_elements(By.CSS_SELECTOR, f"#table-{table} tbody tr"):
        cells = [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
        if cells[0] == label:
            return [text for text in cells if text]
    raise AssertionError(f"no row {label!r} in {table}")


def _wait_for_lang(driver: WebDriver, lang: str) -> None:
    """Wait for the page in ``lang`` (the old page may go while it is asked)."""
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    )


def test_region_staff_see_the_dashboard_in_french_then_arabic(server: regional.Server) -> None:
    with chromium(1366, 900) as driver:
        _log_in(driver)
        driver.get(f"{server.url}/dashboard")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Tableau de bord régional"
        assert _row(driver, "by_sex", "Femme") == ["Femme", "8"]
        assert _row(driver, "by_sex", "Homme") == ["Homme", "10"]
        assert _row(driver, "by_office", "BAOM Agadir") == ["BAOM Agadir", "12"]
        assert _row(driver, "trend", LATEST)[:2] == [LATEST, "18"]
        assert _row(driver, "trend", EARLIER)[:2] == [EARLIER, "7"]
        assert _row(driver, "by_category", "Autre") == ["Autre", "0"]
        driver.find_element(By.CSS_SELECTOR, "#communes summary").click()  # the table, opened
        assert _row(driver, "by_commune", AOURIR)[3:] == ["moins de 5", "moins de 5"]
        # the map: every commune of Souss-Massa, a hidden one hatched and never a number
        assert driver.find_element(By.ID, "map-by-commune").is_displayed()
        shapes = driver.find_elements(By.CSS_SELECTOR, "#map-by-commune svg path[id^=c]")
        assert len(shapes) == 175
        assert _title(driver, AOURIR) == "Aourir: moins de 5"
        assert driver.find_element(By.ID, f"c{AOURIR}").get_attribute("fill") == "url(#suppressed)"
        assert _title(driver, "09.541.01.11") == "Taliouine: 10"
        placed = _map(driver)
        assert placed["legend_left"] > placed["right"]  # the legend at the map's right
        # the heading, the choice and the map fit a 1366 by 768 laptop's browser window
        assert placed["span"] <= 768 - 140 and placed["width"] >= 800
        assert driver.find_elements(By.CSS_SELECTOR, "#trend svg rect")  # the chart's bars
        # the page's own style applies (a policy refusing it would leave the header white)
        header = driver.find_element(By.TAG_NAME, "header")
        assert header.value_of_css_property("background-color") == "rgba(23, 54, 93, 1)"
        assert not [e for e in driver.get_log("browser") if "Content Security" in e["message"]]
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= driver.execute_script("return window.innerWidth")
        _shot(driver, "dashboard-fr.png")

        driver.find_element(By.ID, "switch").click()
        _wait_for_lang(driver, "ar")
        html = driver.find_element(By.TAG_NAME, "html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
        assert driver.find_element(By.TAG_NAME, "h1").text == "لوحة القيادة الجهوية"
        assert _row(driver, "by_sex", "امرأة") == ["امرأة", "8"]
        assert _row(driver, "by_category", "أخرى") == ["أخرى", "0"]
        assert _title(driver, AOURIR) == "أورير: أقل من 5"
        placed = _map(driver)
        assert placed["legend_right"] < placed["left"]  # the legend at the map's left
        driver.find_element(By.ID, "measure-rate").click()
        WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(
            lambda d: "measure=rate" in d.current_url
        )
        assert _title(driver, "09.541.01.11") == f"تالوين: {10 * 10_000 / 7040:.1f}".replace(
            ".", ","
        )
        assert _title(driver, AOURIR) == "أورير: أقل من 5 أشخاص"
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ar"
        # right to left: a row's label is at the right of its count
        first = driver.find_element(By.CSS_SELECTOR, "#table-by_office tbody tr")
        label, count = first.find_elements(By.CSS_SELECTOR, "th, td")[:2]
        assert label.location["x"] > count.location["x"]
        _shot(driver, "dashboard-ar.png")

        Select(driver.find_element(By.NAME, "month")).select_by_value(EARLIER)
        driver.find_element(By.CSS_SELECTOR, "form button").click()
        WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(
            lambda d: (
                d.find_element(
                    By.CSS_SELECTOR, "select[name=month] option[selected]"
                ).get_attribute("value")
                == EARLIER
            )
        )
        assert _row(driver, "by_sex", "امرأة") == ["امرأة", "7"]
        assert _row(driver, "by_office", "BAOM Tiznit") == ["BAOM Tiznit", "0"]
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ar"
        assert "measure=rate" in driver.current_url  # the month changed, the map's measure kept


def test_the_cmsm_secretariat_sees_its_members_referrals_in_french_then_arabic(
    server: regional.Server,
) -> None:
    with chromium(1366, 900) as driver:
        _log_in(driver)
        driver.get(f"{server.url}/dashboard")
        driver.find_element(By.ID, "cmsm").click()
        WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(
            lambda d: "/dashboard/cmsm" in d.current_url
        )
        heading = "Réseau du Comité Migration Souss-Massa (CMSM)"
        assert driver.find_element(By.TAG_NAME, "h1").text == heading
        member = ["Association Tafawout", "Fatima Ait Ali"]
        assert _row(driver, "cmsm_members", "Association Tafawout") == member
        assert _row(driver, "cmsm_sent", "Association Tafawout")[-2:] == ["0", "6"]
        assert _row(driver, "cmsm_outcomes", "Association Tafawout")[-1] == "6"
        assert _row(driver, "cmsm_responses", "Association Tafawout")[-1] == "2,0"
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= driver.execute_script("return window.innerWidth")
        _shot(driver, "cmsm-fr.png", with_map=False)
        driver.find_element(By.ID, "switch").click()
        _wait_for_lang(driver, "ar")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
        assert _row(driver, "cmsm_sent", "جمعية تفاوت")[-1] == "6"
        first = driver.find_element(By.CSS_SELECTOR, "#table-cmsm_outcomes tbody tr")
        label, count = first.find_elements(By.CSS_SELECTOR, "th, td")[:2]
        assert label.location["x"] > count.location["x"]  # right to left
        _shot(driver, "cmsm-ar.png", with_map=False)


def test_a_visitor_without_login_gets_no_figure_and_no_office(server: regional.Server) -> None:
    with chromium(1366, 900) as driver:
        for path in (
            "/dashboard",
            "/dashboard?lang=ar&measure=rate",
            "/dashboard.csv",
            "/dashboard.xlsx",
        ):
            driver.get(server.url + path)
            # the browser asks for a login (headless Chromium cancels it): nothing is shown
            assert driver.find_element(By.TAG_NAME, "body").text == ""
            assert "Agadir" not in driver.page_source and "Tiznit" not in driver.page_source
            assert not driver.find_elements(By.TAG_NAME, "svg")  # no map either
            answer = httpx.get(server.url + path)
            assert answer.status_code == 401 and "Basic" in answer.headers["WWW-Authenticate"]
            assert "Agadir" not in answer.text

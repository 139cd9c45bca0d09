"""Debian's headless Chromium driven by selenium, for the pages partners open on a phone.

``chromium()`` yields a WebDriver for ``/usr/bin/chromium`` through ``/usr/bin/chromedriver``
in a phone-sized window (390 by 844) that keeps the console's messages for
``driver.get_log("browser")``. Selenium Manager is kept offline: it never downloads a browser
or a driver. Without Debian's ``chromium`` and ``chromium-driver`` packages the test
fails and says what to install (it does not skip: the test command installs them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PHONE = (390, 844)


def _missing() -> list[str]:
    return [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]


@contextmanager
def chromium(width: int = PHONE[0], height: int = PHONE[1]) -> Iterator[webdriver.Chrome]:
    """A headless Chromium of the size of a phone; closed at exit."""
    missing = _missing()
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: install Debian's browser and its driver "
            "(apt-get install chromium chromium-driver)",
            pytrace=False,
        )
    offline = os.environ.get("SE_OFFLINE")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never download anything
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER), log_output=os.devnull)
    try:
        driver = webdriver.Chrome(options=options, service=service)
    finally:
        if offline is None:
            os.environ.pop("SE_OFFLINE", None)
        else:
            os.environ["SE_OFFLINE"] = offline
    try:
        driver.set_window_size(width, height)
        driver.set_page_load_timeout(30)
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    """A headless phone-sized Chromium for one test."""
    with chromium() as driver:
        yield driver

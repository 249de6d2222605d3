"""Headless Debian Chromium for browser tests, driven by selenium through the system chromedriver."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from tests.conftest import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"
"""Screenshots of the tests (gitignored)."""

INSTALL = "apt-get update && apt-get install -y chromium chromium-driver"

# This machine's network is closed: without these flags Chromium keeps calling home and gets refused.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


def chromium_paths() -> tuple[str, str]:
    """The Chromium binary and its chromedriver; fails the test, saying what to install, when missing."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        missing = [name for name, path in (("chromium", browser), ("chromedriver", driver)) if path is None]
        pytest.fail(
            "The playground's browser tests need Debian's Chromium and its driver, and "
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
            f"not on PATH. Install them with:\n    sudo sh -c '{INSTALL}'\n(.ci/run does this in CI.)",
            pytrace=False,
        )
    return browser, driver


def chromium_driver(profile_dir: Path) -> WebDriver:
    """Start headless Chromium with a fresh profile in `profile_dir`; the browser console is recorded."""
    browser, driver = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = browser  # with both paths given, selenium never looks for a download
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.add_argument("--window-size=1400,1000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)

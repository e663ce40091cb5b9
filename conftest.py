"""Shared fixtures: the real site built once, served on localhost, and headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from swk import ROOT
from tests.support import testing

# "Now" for builds of the real content in tests: after the 2023 Winter Event, the 2024 Job
# Event and the newest article (1 April 2024; an article is on the site from its date on),
# before the Lente Event, so both the agenda and its archive have entries.
SITE_NOW = "2024-04-15T12:00"


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real content, built once with pelicanconf.py; returns the output folder."""
    out = tmp_path_factory.mktemp("site") / "output"
    with testing.env(SWK_NOW=SITE_NOW):
        from swk.build import build

        return build(str(ROOT / "pelicanconf.py"), {"OUTPUT_PATH": str(out)})


@pytest.fixture(scope="session")
def site_url(site):
    with testing.serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=testing.CHROMIUM, args=testing.CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()

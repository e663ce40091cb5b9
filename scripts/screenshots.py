"""Screenshots of the site and the newsletter e-mail, for reviewers who do not build.

    .venv/bin/python -m scripts.screenshots [--output DIR] [--site FOLDER]

Builds the real content (``SWK_NOW=2024-01-15T12:00``, as the tests do) into a temporary
folder, unless ``--site`` names a built site, serves it on 127.0.0.1 and takes the first
screen of home, article, partners, agenda, event, search and the e-mail at 375 and 1280 px
wide in headless Chromium. PNGs go to ``docs/screenshots/`` (``<page>-<width>.png``); the
script prints each file's size and the total.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from swk import ROOT
from tests.support import testing

NOW = "2024-01-15T12:00"
PAGES = {
    "home": "/",
    "artikel": "/artikelen/sociaal-werkkoepel-is-van-ons-allemaal/",
    "partners": "/partners/",
    "agenda": "/agenda/",
    "evenement": "/agenda/2024-03-26-job-event/",
    "zoeken": "/zoeken/?q=werkgevers",
    "e-mail": "/nieuwsbrief/2020-05-nieuwsbrief-3/email.html",
}
WIDTHS = {375: 740, 1280: 800}


def build(folder: Path) -> Path:
    from swk.build import build as swk_build

    with testing.env(SWK_NOW=NOW):
        return swk_build(str(ROOT / "pelicanconf.py"), {"OUTPUT_PATH": str(folder / "output")})


def shoot(site: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    files = []
    with testing.serve(site) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=testing.CHROMIUM, args=testing.CHROMIUM_ARGS)
        for width, height in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="nl-NL", device_scale_factor=1
            )
            page = context.new_page()
            for name, path in PAGES.items():
                page.goto(url + path, wait_until="networkidle")
                page.evaluate("document.fonts.ready")
                if name == "zoeken":  # wait until the query has run (results render lazily)
                    page.wait_for_function(
                        "(document.querySelector('pagefind-summary') || {}).textContent"
                        "?.includes('resulta')",
                        timeout=20_000,
                    )
                    page.wait_for_timeout(500)
                target = out / f"{name}-{width}.png"
                page.screenshot(path=str(target))
                files.append(target)
            context.close()
        browser.close()
    return files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--site", type=Path, help="a built site (default: build the real content)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build(Path(tmp))
        files = shoot(site, args.output)
    total = 0
    for f in files:
        size = f.stat().st_size
        total += size
        print(f"{f.relative_to(ROOT) if f.is_relative_to(ROOT) else f}: {size / 1024:.0f} KB")
    print(f"total: {total / 1024:.0f} KB in {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())

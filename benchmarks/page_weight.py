"""Print what a first visit to one page of every template costs, compressed, fonts included.

    .venv/bin/python -m benchmarks.page_weight [--site FOLDER]

Builds the real content (``SWK_NOW=2024-01-15T12:00``) unless ``--site`` names a built site,
serves it on 127.0.0.1 and opens one page of every template (``<body data-template>``) in a
fresh headless Chromium (empty cache). Every file the browser fetches counts as a server would
send it: text (HTML, CSS, JavaScript, SVG, JSON) gzip-compressed, fonts and images as they are.
The icon in the tab counts too (headless Chromium does not fetch it). Goal: at most 75 KB for
every page but search (``/zoeken/``, measured by benchmarks/search.py); over it is marked.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from swk import ROOT
from tests.support import sitecheck, testing

BUDGET = 75 * 1024
NOT_BUDGETED = {"search"}
TEXT = {".html", ".css", ".js", ".svg", ".json", ".webmanifest", ".xml", ".txt", ""}


def wire_size(path: Path) -> int:
    """Bytes on the wire: gzip (level 6, as common servers) for text, as is for the rest."""
    data = path.read_bytes()
    return len(gzip.compress(data, 6)) if path.suffix in TEXT else len(data)


def kind(path: Path) -> str:
    return {".html": "html", ".css": "css", ".js": "js", ".woff2": "fonts"}.get(
        path.suffix, "other"
    )


def measure(site: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    pages = sitecheck.parse_site(site)
    chosen = sitecheck.one_page_per_template(pages)
    rows = []
    with testing.serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=testing.CHROMIUM, args=testing.CHROMIUM_ARGS)
        for template, page_info in sorted(chosen.items()):
            context = browser.new_context(viewport={"width": 375, "height": 740})
            page = context.new_page()
            fetched: list[str] = []
            page.on("requestfinished", lambda r, fetched=fetched: fetched.append(r.url))
            page.goto(base + page_info.url, wait_until="networkidle")
            icon = page.evaluate("""() => { const l = document.querySelector('link[rel=icon][type="image/svg+xml"]')
                                           || document.querySelector('link[rel=icon]'); return l && l.href; }""")
            context.close()
            if icon and icon not in fetched:
                fetched.append(icon)
            sizes = {"html": 0, "css": 0, "js": 0, "fonts": 0, "other": 0}
            for url in dict.fromkeys(fetched):
                parts = urlsplit(url)
                if not url.startswith(base):
                    continue  # nothing comes from elsewhere (tests/test_site_checks.py)
                rel = unquote(parts.path).lstrip("/")
                target = sitecheck.target_file(site, rel)
                if target is not None:
                    sizes[kind(target)] += wire_size(target)
            rows.append(
                {
                    "template": template,
                    "url": page_info.url,
                    "files": len(set(fetched)),
                    **sizes,
                    "total": sum(sizes.values()),
                }
            )
        browser.close()
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the real content)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            from swk.build import build

            with testing.env(SWK_NOW="2024-01-15T12:00"):
                site = build(
                    str(ROOT / "pelicanconf.py"), {"OUTPUT_PATH": str(Path(tmp) / "output")}
                )
        rows = measure(site)
    print(
        f"{'template':24} {'files':>5} {'html':>6} {'css':>6} {'js':>6} {'fonts':>6} {'other':>6} "
        f"{'total KB':>8}  page"
    )
    over = 0
    for r in rows:
        flag = ""
        if r["template"] in NOT_BUDGETED:
            flag = "  (no budget: search)"
        elif r["total"] > BUDGET:
            flag, over = "  OVER 75 KB", over + 1
        kb = {k: r[k] / 1024 for k in ("html", "css", "js", "fonts", "other", "total")}
        print(
            f"{r['template']:24} {r['files']:5} {kb['html']:6.1f} {kb['css']:6.1f} {kb['js']:6.1f} "
            f"{kb['fonts']:6.1f} {kb['other']:6.1f} {kb['total']:8.1f}  {r['url']}{flag}"
        )
    budgeted = [r for r in rows if r["template"] not in NOT_BUDGETED]
    print(
        f"\nlargest page but search: {max(r['total'] for r in budgeted) / 1024:.1f} KB "
        f"(budget 75 KB); pages over budget: {over}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

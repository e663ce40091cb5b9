"""Lighthouse scores of every page template: performance, accessibility, best practices, SEO.

    .venv/bin/python -m benchmarks.lighthouse                 # build the real content, then measure
    .venv/bin/python -m benchmarks.lighthouse --site output   # measure an existing build
    .venv/bin/python -m benchmarks.lighthouse --runs 3        # median of 3 runs per page
    .venv/bin/python -m benchmarks.lighthouse --desktop       # Lighthouse's desktop preset

Lighthouse is the npm package pinned in package.json (``npm ci`` installs it; it runs Debian's
Chromium, ``/usr/bin/chromium`` or ``SWK_CHROMIUM``). The mobile preset (the default) is a
Moto G Power on slow 4G with a 4x slower CPU, simulated. The site is served on 127.0.0.1 by
Python's http.server, without compression (GitHub Pages compresses), so transfer sizes are
the uncompressed ones. Pages: the first page of each template found in the output (as in
the site-wide checks, ``tests.support.sitecheck.one_page_per_template``; not a redirect page, which
leaves at once), plus the search page with a query (``/zoeken/?q=werkgevers``), which loads
Pagefind.

Prints one row per page: the four scores (0-100), LCP, TBT, CLS and the bytes transferred.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from swk import ROOT
from tests.support import sitecheck, testing

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
EXTRA = [("search (with a query)", "/zoeken/?q=werkgevers")]
SITE_NOW = "2024-01-15T12:00"  # as the tests: the agenda and its archive both have events


def build_site(folder: Path) -> Path:
    from swk.build import build

    with testing.env(SWK_NOW=SITE_NOW):
        return build(str(ROOT / "pelicanconf.py"), {"OUTPUT_PATH": str(folder / "output")})


def pages_to_measure(site: Path) -> list[tuple[str, str]]:
    chosen = sitecheck.one_page_per_template(sitecheck.parse_site(site))
    chosen.pop("redirect", None)  # a redirect page's meta refresh leaves it at once
    return [(template, page.url) for template, page in sorted(chosen.items())] + EXTRA


def lighthouse(url: str, desktop: bool) -> dict:
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `npm ci --ignore-scripts` first")
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if desktop:
        cmd.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": testing.CHROMIUM}
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    audits = report["audits"]
    return {
        **{c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES},
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "kb": audits["total-byte-weight"]["numericValue"] / 1024,
    }


def median_run(url: str, runs: int, desktop: bool) -> dict:
    results = [lighthouse(url, desktop) for _ in range(runs)]
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the real content)")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median is shown")
    parser.add_argument(
        "--desktop", action="store_true", help="the desktop preset instead of mobile"
    )
    parser.add_argument("--only", nargs="*", default=None, help="only these templates")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="swk-lighthouse-") as tmp:
        site = args.site.resolve() if args.site else build_site(Path(tmp))
        pages = pages_to_measure(site)
        if args.only:
            pages = [(t, u) for t, u in pages if t in args.only]
        rows = []
        with testing.serve(site) as base:
            for template, url in pages:
                rows.append((template, url, median_run(base + url, args.runs, args.desktop)))

    head = (
        f"{'template':<22} {'perf':>4} {'a11y':>4} {'bp':>4} {'seo':>4} {'LCP s':>6} "
        f"{'TBT ms':>6} {'CLS':>6} {'KB':>6}  page"
    )
    print(head)
    print("-" * len(head))
    for template, url, r in rows:
        print(
            f"{template:<22} {r['performance']:>4.0f} {r['accessibility']:>4.0f} "
            f"{r['best-practices']:>4.0f} {r['seo']:>4.0f} {r['lcp']:>6.2f} {r['tbt']:>6.0f} "
            f"{r['cls']:>6.3f} {r['kb']:>6.0f}  {url}"
        )
    preset = "desktop" if args.desktop else "mobile"
    print(
        f"\nLighthouse {preset} preset, {args.runs} run(s) per page (median); served uncompressed on 127.0.0.1"
    )


if __name__ == "__main__":
    main()

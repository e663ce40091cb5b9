"""Benchmark the search index: for N generated articles, the time Pagefind adds to a build,
the index size on disk, and the bytes a browser fetches for the search page and its first query.

    .venv/bin/python -m benchmarks.search            # N = 200 and 3000
    .venv/bin/python -m benchmarks.search 500 1000   # other sizes

For each N it builds the site twice (search plugin with and without indexing), runs the
Pagefind CLI on the same output for comparison, then opens /zoeken/ in headless Chromium
(the bytes before any query: the page, its CSS and search.js, nothing of Pagefind), types
the query and waits for the results (the bytes after the first query: Pagefind's script,
worker, WebAssembly, index chunks and the first ten results' fragments). Sizes are response
bodies (Playwright network events); the local server does not compress.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support import testing
from tests.support.testing import build_project, make_project, write

WORDS = (
    "werk werkgever werkgevers werknemer werknemers baan banen begeleiding jobcoach coaching "
    "opleiding training sociaal inclusief Amsterdam gemeente partner partners netwerk kans "
    "kansen talent ervaring praktijk leerwerkplek stage vacature vacatures matching "
    "doorstroom ondersteuning samenwerking ondernemer onderneming sociale firma wijk stad "
    "toekomst regeling subsidie loonkostensubsidie participatie arbeidsmarkt zorg groen "
    "schoonmaak horeca techniek logistiek catering zelfvertrouwen collega team afspraak "
    "gesprek resultaat verhaal interview nieuws evenement bijeenkomst regio uitdaging"
).split()
QUERY = "werkgevers"


def article(i: int, rng: random.Random) -> str:
    paragraphs = []
    for _ in range(6):
        words = [rng.choice(WORDS) for _ in range(rng.randint(50, 90))]
        words[0] = words[0].capitalize()
        paragraphs.append(" ".join(words) + ".")
    day = f"20{10 + i % 14:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"
    return (
        f"---\ntitle: Artikel {i} over {rng.choice(WORDS)}\ndate: {day}\n"
        f"category: {'Interview' if i % 2 else 'Nieuws'}\n"
        f"summary: Samenvatting van artikel {i}, over {rng.choice(WORDS)} en {rng.choice(WORDS)}.\n"
        f"---\n" + "\n\n".join(paragraphs) + "\n"
    )


def make_site(folder: Path, n: int) -> Path:
    rng = random.Random(n)
    project = make_project(folder)
    for i in range(n):
        write(project / f"content/articles/artikel-{i:05d}.md", article(i, rng))
    return project


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def first_query_bytes(site: Path, query: str) -> tuple[int, int, int, int]:
    """(bytes before a query, bytes after the first query, of which Pagefind, results shown)
    for /zoeken/ in Chromium: the page is opened, then the query typed."""
    from playwright.sync_api import sync_playwright

    with testing.serve(site) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=testing.CHROMIUM, args=testing.CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sizes: dict[str, int] = {}
        page.on(
            "requestfinished",
            lambda req: sizes.__setitem__(req.url, req.sizes()["responseBodySize"]),
        )
        page.goto(f"{url}/zoeken/")
        page.wait_for_load_state("networkidle")
        before = sum(sizes.values())
        page.get_by_label("Zoekterm").fill(query)
        page.wait_for_selector(".search-result-link", timeout=30_000)
        page.wait_for_load_state("networkidle")
        shown = page.locator(".search-result-link").count()
        browser.close()
    total = sum(sizes.values())
    pagefind = sum(v for k, v in sizes.items() if "/pagefind/" in k)
    return before, total, pagefind, shown


def pagefind_cli(site: Path) -> float:
    from pagefind.service import get_executable

    out = site.parent / "cli-bundle"
    cmd = [str(get_executable()), "--site", str(site), "--output-path", str(out), "--quiet"]
    seconds, _ = timed(subprocess.run, cmd, check=True, capture_output=True)
    return seconds


def run(n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"swk-search-{n}-") as tmp:
        project = make_site(Path(tmp), n)
        plain, _ = timed(build_project, project, SEARCH_INDEX=False)
        full, out = timed(build_project, project)
        cli = pagefind_cli(out)
        before, total, pagefind, shown = first_query_bytes(out, QUERY)
        return {
            "n": n,
            "build": plain,
            "build+index": full,
            "index": full - plain,
            "cli": cli,
            "size": folder_size(out / "pagefind"),
            "files": sum(1 for p in (out / "pagefind").rglob("*") if p.is_file()),
            "page": before,
            "fetch": total,
            "fetch_pf": pagefind,
            "shown": shown,
        }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "sizes", nargs="*", type=int, default=[200, 3000], help="numbers of articles"
    )
    args = parser.parse_args(argv)
    rows = [run(n) for n in args.sizes]
    head = (
        f"{'articles':>8}  {'build s':>8}  {'+index s':>8}  {'index s':>8}  {'CLI s':>6}  "
        f"{'index MB':>8}  {'files':>6}  {'page KB':>7}  {'after 1st query KB':>18}  {'of which Pagefind KB':>20}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['n']:>8}  {r['build']:>8.2f}  {r['build+index']:>8.2f}  {r['index']:>8.2f}  "
            f"{r['cli']:>6.2f}  {r['size'] / 1e6:>8.2f}  {r['files']:>6}  {r['page'] / 1024:>7.0f}  "
            f"{r['fetch'] / 1024:>18.0f}  "
            f"{r['fetch_pf'] / 1024:>20.0f}"
        )
    print(
        f"\nquery: {QUERY!r} typed on /zoeken/ (uncompressed bytes); 'page KB' = before any query, "
        "'after 1st query KB' = all bytes once the first results show; 'index s' = build+index - build"
    )


if __name__ == "__main__":
    main()

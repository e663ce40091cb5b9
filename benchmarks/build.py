"""Build-time benchmark: our whole pipeline against stock Pelican (+ the Pagefind CLI).

    .venv/bin/python benchmarks/build.py            # N = 200 and 3000
    .venv/bin/python benchmarks/build.py 500 1000   # other sizes
    .venv/bin/python benchmarks/build.py --keep 200 # keep the generated projects in /tmp
    .venv/bin/python benchmarks/build.py --runs 3   # fastest of 3 runs each (a busy machine)

For each N it generates, with a fixed random seed, N articles, N/6 partners and N/6 events
in the content contract's format (YAML front matter; articles refer to partners and events),
then measures three builds, each in its own child process:

- **ours**: ``python -m swk build`` with pelicanconf.py (every plugin in PLUGINS, our theme,
  validation, the atomic swap) on articles, partners, events and the fixed pages;
- **stock**: ``pelican`` with no plugins and the default theme on the same N articles,
  written in Pelican's own Markdown metadata format (``Title: ...``), nothing else in PATH;
- **pagefind**: the Pagefind CLI indexing stock Pelican's output.

It prints wall-clock seconds, CPU seconds (user + system; steadier on a busy machine), the
peak memory (max RSS of the child process, from ``os.wait4``'s rusage), the ratios
ours/stock and ours/(stock + pagefind) in wall-clock time, and ours/(stock + pagefind) in CPU
time ("cpu ratio"). The target is ours within 1.3x of stock + pagefind, growing linearly
with N. Pagefind's CLI runs several threads, so its CPU time can exceed its wall time.

Every run starts from nothing: the output folders (ours: ``output``, ``output.new``,
``output.old``; stock's ``output``; stock's ``output/pagefind``) are moved out of the way,
untimed, before each run. Otherwise a repeated run would measure other work: Pagefind skips
writing every bundle file that already exists (a second run over the same pages writes
nothing, about 1 to 3 s less at N=3000 on this machine), stock Pelican overwrites files
instead of creating them, and ours would also delete the previous site after the swap.
They are moved (into the project's ``trash/``, deleted with the project), not deleted: on
this machine's ext4 (no journal) creating a file right after thousands were deleted is slow,
as the kernel skips recently deleted inodes one by one, which made the measured run pay for
the harness's own cleanup (several seconds of system time at N=3000, varying from run to run).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SEED = 2024
NOW = "2024-01-15T12:00"

WORDS = (
    "werk werkgever sociaal firma participatie begeleiding jobcoach Amsterdam netwerk werkplek "
    "doorstroom ondersteuning kandidaat opleiding training gemeente partner inclusief duurzaam "
    "loonkostensubsidie samenwerking werkzoekende ervaring kans toekomst ontmoeting evenement "
    "vakmanschap regio wijk ondernemer"
).split()
TAGS = [f"thema-{i}" for i in range(30)]
DISTRICTS = ["Centrum", "Nieuw-West", "Noord", "Oost", "West", "Zuid", "Zuidoost", "Weesp", "regio"]
PARTNER_KINDS = ["werkgever", "sociale-firma", "opleider", "jobcoaching", "maatschappelijke-organisatie",
                 "gemeente", "overig"]
EVENT_KINDS = ["netwerkevent", "job-event", "doorstroomsessie", "training", "overig"]


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, paragraphs: int = 6) -> str:
    """About 450 words of Markdown: paragraphs, a heading, a list, a link, emphasis."""
    parts = []
    for i in range(paragraphs):
        if i == 2:
            parts.append(f"## {sentence(rng, 4)[:-1]}")
        if i == 4:
            parts.append("\n".join(f"- {sentence(rng, 6)}" for _ in range(4)))
        text = " ".join(sentence(rng) for _ in range(5))
        parts.append(text.replace(" werk ", " **werk** ", 1).replace(" netwerk ", " [netwerk](https://www.amsterdam.nl/) ", 1))
    return "\n\n".join(parts) + "\n"


def generate(project: Path, n: int) -> dict:
    """Write the contract project (content/...) and the stock project (stock/content)."""
    rng = random.Random(SEED + n)
    n_side = max(1, n // 6)
    content, stock = project / "content", project / "stock" / "content"
    for folder in ("articles", "partners", "events", "pages"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    (project / "newsletters").mkdir(parents=True, exist_ok=True)
    stock.mkdir(parents=True, exist_ok=True)
    for page in (ROOT / "content" / "pages").glob("*.md"):
        shutil.copy(page, content / "pages" / page.name)

    partners = [f"partner-{i:05d}" for i in range(n_side)]
    events = [f"event-{i:05d}" for i in range(n_side)]
    for i, slug in enumerate(partners):
        (content / "partners" / f"{slug}.md").write_text(textwrap.dedent(f"""\
            ---
            title: "Partner {i} {rng.choice(WORDS).capitalize()}"
            kind: {rng.choice(PARTNER_KINDS)}
            sector: {rng.choice(WORDS)}
            district: {rng.choice(DISTRICTS)}
            website: https://www.voorbeeld.nl/{slug}
            email: info@{slug}.nl
            since: {rng.randint(2018, 2024)}
            summary: "{sentence(rng, 10)}"
            ---
            """) + body(rng, 2), encoding="utf-8")
    for i, slug in enumerate(events):
        day = f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        where = "online: true" if rng.random() < 0.3 else f'location: "Zaal {i}, Amsterdam"'
        (content / "events" / f"{slug}.md").write_text(textwrap.dedent(f"""\
            ---
            title: "Bijeenkomst {i}"
            start: {day}T15:00
            end: {day}T17:00
            kind: {rng.choice(EVENT_KINDS)}
            {where}
            registration: mailto:aanmelden@voorbeeld.nl
            partners: [{", ".join(rng.sample(partners, min(2, len(partners))))}]
            summary: "{sentence(rng, 10)}"
            ---
            """) + body(rng, 2), encoding="utf-8")
    for i in range(n):
        slug = f"artikel-{i:05d}"
        title = f"Artikel {i}: {sentence(rng, 5)[:-1]}"
        date = f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        category = rng.choice(["Interview", "Nieuws"])
        summary = sentence(rng, 20)
        tags = rng.sample(TAGS, 3)
        text = body(rng)
        (content / "articles" / f"{slug}.md").write_text(textwrap.dedent(f"""\
            ---
            title: "{title}"
            date: {date}
            category: {category}
            summary: "{summary}"
            tags: [{", ".join(tags)}]
            people: ["Persoon {i}"]
            partners: [{rng.choice(partners)}]
            events: [{rng.choice(events)}]
            ---
            """) + text, encoding="utf-8")
        (stock / f"{slug}.md").write_text(
            f"Title: {title}\nDate: {date}\nCategory: {category}\nTags: {', '.join(tags)}\n"
            f"Slug: {slug}\nSummary: {summary}\n\n{text}",
            encoding="utf-8",
        )
    return {"articles": n, "partners": n_side, "events": n_side}


def settings_files(project: Path) -> tuple[Path, Path]:
    ours = project / "ours.py"
    ours.write_text(
        "from pelicanconf import *\n"
        f"PATH = {str(project / 'content')!r}\n"
        f"NEWSLETTER_PATH = {str(project / 'newsletters')!r}\n"
        f"OUTPUT_PATH = {str(project / 'output')!r}\n",
        encoding="utf-8",
    )
    stock = project / "stock" / "stock.py"
    stock.write_text(
        'SITENAME = "Stock"\nSITEURL = ""\nTIMEZONE = "Europe/Amsterdam"\nDEFAULT_LANG = "nl"\n'
        f"PATH = {str(project / 'stock' / 'content')!r}\n"
        f"OUTPUT_PATH = {str(project / 'stock' / 'output')!r}\n"
        "PLUGINS = []\n",
        encoding="utf-8",
    )
    return ours, stock


def measure(args: list[str], cwd: Path, env: dict, clean: tuple[Path, ...] = (),
            trash: Path | None = None) -> tuple[float, float, float]:
    """Run a command in a child process; return (wall seconds, peak RSS in MB, CPU seconds).

    The folders in ``clean`` are first moved into ``trash`` (not timed), so every run starts
    from nothing without deleting thousands of files just before it (see the module text)."""
    for folder in clean:
        if folder.exists():
            trash.mkdir(parents=True, exist_ok=True)
            folder.rename(trash / f"{len(list(trash.iterdir()))}-{folder.name}")
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{output.decode(errors='replace')[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # maxrss is in KB


def best(runs: int, *args) -> tuple[float, float, float]:
    """The fastest of several runs (the least disturbed by other work on the machine)."""
    return min((measure(*args) for _ in range(runs)), key=lambda m: m[0])


def run(n: int, keep: bool, runs: int = 1) -> dict:
    project = Path(tempfile.mkdtemp(prefix=f"swk-bench-{n}-"))
    try:
        counts = generate(project, n)
        ours_settings, stock_settings = settings_files(project)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SWK_NOW": NOW}
        output, stock_output, trash = project / "output", project / "stock" / "output", project / "trash"
        ours = best(runs, [PYTHON, "-m", "swk", "build", "-s", str(ours_settings)], ROOT, env,
                    (output, output.with_name("output.new"), output.with_name("output.old")), trash)
        stock = best(runs, [PYTHON, "-m", "pelican", "-s", str(stock_settings), "-q"], project / "stock", env,
                     (stock_output,), trash)
        pagefind = best(runs, [PYTHON, "-m", "pagefind", "--site", str(stock_output)],
                        project / "stock", env, (stock_output / "pagefind",), trash)
        pages = sum(1 for _ in (project / "output").rglob("*.html"))
        stock_pages = sum(1 for _ in (project / "stock" / "output").rglob("*.html"))
        return {"n": n, **counts, "ours": ours, "stock": stock, "pagefind": pagefind,
                "pages": pages, "stock_pages": stock_pages, "project": project}
    finally:
        if not keep:
            shutil.rmtree(project, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[200, 3000], help="numbers of articles")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument("--runs", type=int, default=1, help="runs per build; the fastest counts (default 1)")
    args = parser.parse_args(argv)

    rows = []
    for n in args.sizes:
        print(f"N = {n}: generating and building ...", file=sys.stderr, flush=True)
        rows.append(run(n, args.keep, args.runs))

    head = (f"{'N':>6} {'partners':>8} {'events':>6} | {'ours s':>7} {'cpu':>6} {'MB':>5} {'pages':>6} | "
            f"{'stock s':>7} {'cpu':>6} {'MB':>5} {'pages':>6} | {'pagefind s':>10} {'cpu':>6} {'MB':>5} | "
            f"{'ours/stock':>10} {'ours/(stock+pf)':>15} {'cpu ratio':>9}")
    print(head)
    print("-" * len(head))
    for r in rows:
        (o, om, oc), (s, sm, sc), (p, pm, pc) = r["ours"], r["stock"], r["pagefind"]
        print(f"{r['n']:>6} {r['partners']:>8} {r['events']:>6} | {o:>7.2f} {oc:>6.2f} {om:>5.0f} {r['pages']:>6} | "
              f"{s:>7.2f} {sc:>6.2f} {sm:>5.0f} {r['stock_pages']:>6} | {p:>10.2f} {pc:>6.2f} {pm:>5.0f} | "
              f"{o / s:>10.2f} {o / (s + p):>15.2f} {oc / (sc + pc):>9.2f}")
        if args.keep:
            print(f"       kept in {r['project']}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = (last["ours"][0] / first["ours"][0]) / (last["n"] / first["n"])
        print(f"\nours grows {growth:.2f}x as fast as N between N={first['n']} and N={last['n']} "
              "(1.00 = linear; below 1 start-up costs dominate small N)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

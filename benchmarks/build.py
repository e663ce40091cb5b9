"""Build-time benchmark: our whole pipeline against stock Pelican (+ the Pagefind CLI).

    .venv/bin/python -m benchmarks.build            # N = 1000 and 3000
    .venv/bin/python -m benchmarks.build 500 1000   # other sizes
    .venv/bin/python -m benchmarks.build --keep 200 # keep the generated projects
    .venv/bin/python -m benchmarks.build --dir /tmp # the projects on another file system
    .venv/bin/python -m benchmarks.build --runs 3   # fastest of 3 runs each (a busy machine)

For each N it generates, with a fixed random seed, N articles, N/6 partners and N/6 events
in the content contract's format (YAML front matter; articles refer to partners and events),
then measures four builds, each in its own child process:

- **ours**: ``python -m swk build`` with pelicanconf.py (every plugin in PLUGINS, our theme,
  validation, the atomic swap) on articles, partners, events and the fixed pages; with the
  compiled templates in ``cache/``, as ``make build`` keeps them (on a fresh checkout the
  first run compiles them, about 0.3 s more);
- **stock**: ``pelican`` with no plugins and the default theme on the same N articles,
  written in Pelican's own Markdown metadata format (``Title: ...``), nothing else in PATH;
- **pagefind**: the Pagefind CLI indexing stock Pelican's output;
- **serial**: ours with ``BUILD_WORKERS = 1`` (everything in one process).

It prints wall-clock seconds, CPU seconds (user + system of the process tree; steadier on a
busy machine), the peak memory (the summed PSS of the build's processes), the ratios
ours/(stock + pagefind) in wall-clock time and in CPU time ("cpu ratio"), and ours/serial.
The targets (issue 13): ours at most 0.6x stock + pagefind at N = 3000, at most 500 MB,
growing linearly with N. Pagefind's CLI runs several threads, so its CPU time can exceed its
wall time.

Time and memory are measured in separate runs. The memory sampler reads every process's
``/proc/<pid>/smaps_rollup`` every 20 ms, which walks its page tables under its memory lock
and takes CPU of its own; on 2 cores that slowed our build (four processes, both cores busy)
by 0.7 to 1.0 s at N = 3000, stock Pelican (one process, one core) by 0 to 0.3 s and Pagefind
by about 0.2 s. So the ``--runs`` timed runs of each build are not sampled, and one more run
of each, not timed, gives its memory.

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

The projects are made in the system's temporary folder, or in ``--dir``. On this machine's
ext4 that history matters: creating files where thousands were deleted stays slow long after
(5,000 folders with a file each: 0.23 s the first time, 1.4 s right after deleting them, 2.8
s when made again 40 s after a delete), while a fresh project folder, as made here, measured
close to a tmpfs. ``--dir /dev/shm`` (a tmpfs) takes the disk out of the comparison; it
favours ours, which writes more files than stock Pelican (5,179 pages against 3,037 at
N = 3000), so the disk is the default: users build on one.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from swk import ROOT
from tests.support.testing import free_port

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
PARTNER_KINDS = [
    "werkgever",
    "sociale-firma",
    "opleider",
    "jobcoaching",
    "maatschappelijke-organisatie",
    "gemeente",
    "overig",
]
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
        parts.append(
            text.replace(" werk ", " **werk** ", 1).replace(
                " netwerk ", " [netwerk](https://www.amsterdam.nl/) ", 1
            )
        )
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
        (content / "partners" / f"{slug}.md").write_text(
            textwrap.dedent(f"""\
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
            """)
            + body(rng, 2),
            encoding="utf-8",
        )
    for i, slug in enumerate(events):
        day = f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        where = "online: true" if rng.random() < 0.3 else f'location: "Zaal {i}, Amsterdam"'
        (content / "events" / f"{slug}.md").write_text(
            textwrap.dedent(f"""\
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
            """)
            + body(rng, 2),
            encoding="utf-8",
        )
    for i in range(n):
        slug = f"artikel-{i:05d}"
        title = f"Artikel {i}: {sentence(rng, 5)[:-1]}"
        date = f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        category = rng.choice(["Interview", "Nieuws"])
        summary = sentence(rng, 20)
        tags = rng.sample(TAGS, 3)
        text = body(rng)
        (content / "articles" / f"{slug}.md").write_text(
            textwrap.dedent(f"""\
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
            """)
            + text,
            encoding="utf-8",
        )
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


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (from /proc/<pid>/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return found


def _pss_mb(pids: list[int]) -> float:
    """Proportional set size of the processes, summed: memory shared after a fork is
    counted once in all, not once per process."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total / 1024


class Peak:
    """Samples the summed PSS of a process tree every 20 ms in a thread."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _pss_mb(_tree(self.pid)))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and its children
    rss: float  # MB, the largest resident set of any one process of the tree
    pss: float  # MB, the largest summed PSS of the tree (forked workers share memory)


def measure(
    args: list[str],
    cwd: Path,
    env: dict,
    clean: tuple[Path, ...] = (),
    trash: Path | None = None,
    memory: bool = False,
) -> Run:
    """Run a command in a child process and measure its time, or with ``memory`` its peak
    memory (the sampler slows the build it samples: see the module text).

    The folders in ``clean`` are first moved into ``trash`` (not timed), so every run starts
    from nothing without deleting thousands of files just before it (see the module text)."""
    for folder in clean:
        if folder.exists():
            trash.mkdir(parents=True, exist_ok=True)
            folder.rename(trash / f"{len(list(trash.iterdir()))}-{folder.name}")
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    peak = Peak(proc.pid) if memory else None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    pss = peak.stop() if peak else 0.0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(
            f"{' '.join(args)} failed ({proc.returncode}):\n{output.decode(errors='replace')[-3000:]}"
        )
    # maxrss is in KB, and for a process that waited for children the largest of them all
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, pss)


def best(runs: list[Run], memory: Run) -> Run:
    """The least disturbed of several timed runs (the fastest wall time, the least CPU), with
    the memory of the sampled run."""
    return Run(min(r.wall for r in runs), min(r.cpu for r in runs), memory.rss, memory.pss)


# --- warm rebuilds in the dev server ---------------------------------------------------------------


def _wait(condition, timeout: float, step: float = 0.01) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if condition():
            return time.perf_counter() - start
        time.sleep(step)
    return None


def _contains(path: Path, text: str) -> bool:
    try:
        return text in path.read_text(encoding="utf-8")
    except OSError:
        return False


def rebuilds(
    project: Path, settings: Path, env: dict
) -> list[tuple[str, float, float, float, int]]:
    """Start ``python -m swk serve`` on the project, then edit, add and delete an article.
    For each: seconds from the save until every page checked shows the change on disk
    (the article's page, its partner's and event's pages, its tag and category pages, the
    home page where it belongs, the feed), until the server reports it done, until the
    search index is swapped in; and the pages it rendered."""
    port = free_port()
    log = project / "serve.log"
    out = project / "output"
    with open(log, "wb") as f:
        proc = subprocess.Popen(
            [PYTHON, "-m", "swk", "serve", "-s", str(settings), "--port", str(port)],
            cwd=ROOT,
            env={**env, "SWK_TIMING": "1"},
            stdout=f,
            stderr=subprocess.STDOUT,
        )
    done = re.compile(r"Site bijgewerkt in [0-9,]+ s \((alles|(\d+) pagina's)")
    results = []

    def reports() -> list:
        return done.findall(log.read_text(errors="replace"))

    def cpus() -> list[float]:  # CPU seconds of each build, in order (SWK_TIMING)
        return [
            float(x) for x in re.findall(r"build cpu ([0-9.]+) s", log.read_text(errors="replace"))
        ]

    try:
        if _wait(lambda: "De site staat op" in log.read_text(errors="replace"), 1200, 0.2) is None:
            sys.exit(f"the dev server did not start:\n{log.read_text()[-3000:]}")
        articles = project / "content" / "articles"
        source = (articles / "artikel-00007.md").read_text(encoding="utf-8")
        meta = dict(re.findall(r"^(\w+): (.*)$", source.split("---")[1], re.M))
        tags = [t.strip() for t in meta["tags"].strip("[]").split(",")]
        partner, event = meta["partners"].strip("[]"), meta["events"].strip("[]")
        category = meta["category"].lower()

        def pages_with(text: str, slug: str) -> list[Path]:
            found = [
                out / "artikelen" / slug / "index.html",
                out / "partners" / partner / "index.html",
                out / "agenda" / event / "index.html",
            ]
            for folder in [out / "tag" / t for t in tags] + [out / "rubriek" / category]:
                found.append(folder)  # some page of the listing shows it
            return found

        def shows(paths: list[Path], text: str, present: bool = True) -> bool:
            for path in paths:
                if path.suffix == ".html":
                    ok = _contains(path, text)
                else:
                    try:  # pages of the listing may come and go meanwhile
                        ok = any(_contains(p, text) for p in path.rglob("index.html"))
                    except OSError:
                        return False
                if ok != present:
                    return False
            return True

        def step(label: str, change, check) -> None:
            index = out / "pagefind" / "pagefind-entry.json"
            before_index = index.stat().st_mtime_ns if index.exists() else 0
            n = len(reports())
            times: dict[str, float] = {}
            conditions = {
                "disk": check,
                "reported": lambda: len(reports()) > n,
                "index": lambda: index.exists() and index.stat().st_mtime_ns != before_index,
            }
            start = time.perf_counter()
            change()
            while len(times) < 3 and time.perf_counter() - start < 300:
                for key, condition in conditions.items():
                    if key not in times and condition():
                        times[key] = time.perf_counter() - start
                time.sleep(0.01)
            if "disk" not in times or "reported" not in times:
                sys.exit(f"{label}: the change did not reach the pages:\n{log.read_text()[-3000:]}")
            rendered = reports()[-1][1] or "all"
            _wait(lambda: len(cpus()) > n, 10)
            cpu = cpus()[n] if len(cpus()) > n else float("nan")
            results.append(
                (
                    label,
                    times["disk"],
                    times["reported"],
                    times.get("index", float("nan")),
                    rendered,
                    cpu,
                )
            )

        title = "Gewijzigde titel zeppelinbloem"
        step(
            "edit an article",
            lambda: (articles / "artikel-00007.md").write_text(
                source.replace(meta["title"], f'"{title}"'), encoding="utf-8"
            ),
            lambda: shows(pages_with(title, "artikel-00007"), title),
        )
        # the newest published article: dated on NOW's day (a later date is scheduled, not
        # published, since articles dated after "now" wait for their date)
        new = source.replace(meta["title"], '"Nieuw artikel kwartelkoning"').replace(
            f"date: {meta['date']}", f"date: {NOW[:10]}"
        )
        step(
            "add an article",
            lambda: (articles / "nieuw-artikel.md").write_text(new, encoding="utf-8"),
            lambda: shows(
                pages_with("Nieuw artikel kwartelkoning", "nieuw-artikel") + [out / "index.html"],
                "Nieuw artikel kwartelkoning",
            ),
        )
        step(
            "delete an article",
            lambda: (articles / "nieuw-artikel.md").unlink(),
            lambda: (
                not (out / "artikelen/nieuw-artikel/index.html").exists()
                and shows(
                    pages_with("Nieuw artikel kwartelkoning", "nieuw-artikel")[1:]
                    + [out / "index.html"],
                    "Nieuw artikel kwartelkoning",
                    present=False,
                )
            ),
        )
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return results


def real_site(env: dict, runs: int, folder: Path | None = None) -> tuple[float, float, float]:
    """The real content, cold (no output): (seconds of the build inside the process, i.e.
    without the interpreter's start, and the whole process's seconds, the fastest of ``runs``
    with the compiled templates kept from the run before; the build's seconds of the first
    run, which compiles them, as the first build of a fresh checkout does)."""
    code = (
        "import time; t = time.perf_counter(); from swk.cli import main; import sys; "
        "rc = main(['build', '-s', 'pelicanconf.py']); "
        "print('BUILD', time.perf_counter() - t, file=sys.stderr); sys.exit(rc)"
    )
    best_inner, best_outer, first = float("inf"), float("inf"), None
    with tempfile.TemporaryDirectory(prefix="swk-real-", dir=folder) as tmp:
        tmp = Path(tmp)
        settings = tmp / "real.py"
        settings.write_text(
            f"from pelicanconf import *\nOUTPUT_PATH = {str(tmp / 'output')!r}\n"
            f"CACHE_PATH = {str(tmp / 'cache')!r}\n"
        )
        code = code.replace("'pelicanconf.py'", repr(str(settings)))
        for i in range(runs + 1):
            if (tmp / "output").exists():  # moved, not deleted: see the module text
                (tmp / "output").rename(tmp / f"output-{i}")
            start = time.perf_counter()
            result = subprocess.run(
                [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
            )
            outer = time.perf_counter() - start
            if result.returncode != 0:
                sys.exit(result.stderr[-3000:])
            inner = float(re.search(r"BUILD ([0-9.]+)", result.stderr).group(1))
            if first is None:
                first = inner
            else:
                best_inner, best_outer = min(best_inner, inner), min(best_outer, outer)
    return best_inner, best_outer, first


def file_system(path: Path) -> str:
    """The type of the file system that holds ``path`` (from /proc/mounts), or "?"."""
    path, best_mount, kind = str(path.resolve()), "", "?"
    try:
        with open("/proc/mounts") as f:
            for line in f:
                _, mount, fs, *_ = line.split()
                mount = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), mount)
                inside = path == mount or path.startswith(mount.rstrip("/") + "/")
                if inside and len(mount) >= len(best_mount):  # the last of stacked mounts
                    best_mount, kind = mount, fs
    except OSError:
        pass
    return kind


def run(n: int, runs: int = 1, folder: Path | None = None) -> dict:
    project = Path(tempfile.mkdtemp(prefix=f"swk-bench-{n}-", dir=folder))
    try:
        counts = generate(project, n)
        ours_settings, stock_settings = settings_files(project)
        serial_settings = project / "serial.py"
        serial_settings.write_text("from ours import *\nBUILD_WORKERS = 1\n", encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": f"{ROOT}:{project}", "SWK_NOW": NOW}
        output, stock_output, trash = (
            project / "output",
            project / "stock" / "output",
            project / "trash",
        )
        ours_clean = (output, output.with_name("output.new"), output.with_name("output.old"))
        builds = {  # name: (command, folder it runs in, folders it must not find)
            "ours": ([PYTHON, "-m", "swk", "build", "-s", str(ours_settings)], ROOT, ours_clean),
            "stock": (
                [PYTHON, "-m", "pelican", "-s", str(stock_settings), "-q"],
                project / "stock",
                (stock_output,),
            ),
            "pagefind": (
                [PYTHON, "-m", "pagefind", "--site", str(stock_output)],
                project / "stock",
                (stock_output / "pagefind",),
            ),
            "serial": (
                [PYTHON, "-m", "swk", "build", "-s", str(serial_settings)],
                ROOT,
                ours_clean,
            ),
        }
        measured = {name: [] for name in builds}
        for _ in range(runs):  # interleaved, so each sees the same load on a shared machine
            for name, (args, cwd, clean) in builds.items():
                measured[name].append(measure(args, cwd, env, clean, trash))
        memory = {  # one more run each, sampled, for the peak memory alone
            name: measure(args, cwd, env, clean, trash, memory=True)
            for name, (args, cwd, clean) in builds.items()
        }
        timed = {name: best(times, memory[name]) for name, times in measured.items()}
        pages = sum(1 for _ in output.rglob("*.html"))
        stock_pages = sum(1 for _ in stock_output.rglob("*.html"))
        return {
            "n": n,
            **counts,
            **timed,
            "env": env,
            "pages": pages,
            "stock_pages": stock_pages,
            "project": project,
            "settings": ours_settings,
        }
    except BaseException:
        shutil.rmtree(project, ignore_errors=True)
        raise


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sizes", nargs="*", type=int, default=[1000, 3000], help="numbers of articles"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument(
        "--runs", type=int, default=1, help="runs per build; the fastest counts (default 1)"
    )
    parser.add_argument(
        "--no-serve", action="store_true", help="skip the dev server's warm rebuilds"
    )
    parser.add_argument("--no-real", action="store_true", help="skip the real site's cold build")
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="folder for the generated projects and their output (default: the system's "
        "temporary folder; /dev/shm takes the disk out of the comparison)",
    )
    args = parser.parse_args(argv)
    args.dir = (args.dir or Path(tempfile.gettempdir())).resolve()

    load = os.getloadavg()
    print(f"{os.cpu_count()} CPUs; load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"projects and output in {args.dir} ({file_system(args.dir)})")
    rows = []
    try:
        for n in args.sizes:
            print(f"N = {n}: generating and building ...", file=sys.stderr, flush=True)
            rows.append(run(n, args.runs, args.dir))
        report(rows, args)
    finally:
        if not args.keep:
            for r in rows:
                shutil.rmtree(r["project"], ignore_errors=True)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    return 0


def report(rows: list[dict], args) -> None:

    head = (
        f"{'N':>6} {'pages':>6} | {'ours s':>7} {'cpu':>6} {'MB':>5} | {'serial s':>8} {'cpu':>6} {'MB':>5} | "
        f"{'stock s':>7} {'cpu':>6} {'MB':>5} {'pages':>5} | {'pagefind s':>10} {'cpu':>6} {'MB':>5} | "
        f"{'ours/(stock+pf)':>15} {'cpu':>5} | {'ours/serial':>11}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        o, se, st, pf = r["ours"], r["serial"], r["stock"], r["pagefind"]
        print(
            f"{r['n']:>6} {r['pages']:>6} | {o.wall:>7.2f} {o.cpu:>6.2f} {o.pss:>5.0f} | "
            f"{se.wall:>8.2f} {se.cpu:>6.2f} {se.pss:>5.0f} | "
            f"{st.wall:>7.2f} {st.cpu:>6.2f} {st.pss:>5.0f} {r['stock_pages']:>5} | {pf.wall:>10.2f} {pf.cpu:>6.2f} {pf.pss:>5.0f} | "
            f"{o.wall / (st.wall + pf.wall):>15.2f} {o.cpu / (st.cpu + pf.cpu):>5.2f} | {o.wall / se.wall:>11.2f}"
        )
        if args.keep:
            print(f"       kept in {r['project']}")
    print(
        "MB: peak memory of the build, all its processes together (summed PSS, sampled every 20 ms"
        " in a run of its own, not timed);"
        f" largest single process RSS: ours {max(r['ours'].rss for r in rows):.0f} MB"
    )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = (last["ours"].wall / first["ours"].wall) / (last["n"] / first["n"])
        cpu_growth = (last["ours"].cpu / first["ours"].cpu) / (last["n"] / first["n"])
        print(
            f"\nours grows {growth:.2f}x as fast as N between N={first['n']} and N={last['n']} "
            f"(CPU {cpu_growth:.2f}x; 1.00 = linear; below 1 start-up costs dominate small N)"
        )
    sys.stdout.flush()
    if not args.no_serve:
        r = rows[-1]
        print(f"\nDev server, N = {r['n']}: seconds from saving a file until", flush=True)
        print(
            f"  {'change':<20} {'pages on disk':>13} {'reported':>9} {'search index':>13} {'rendered':>9}"
            f" {'build cpu':>9}"
        )
        for label, on_disk, reported, indexed, rendered, cpu in rebuilds(
            r["project"], r["settings"], r["env"]
        ):
            print(
                f"  {label:<20} {on_disk:>13.2f} {reported:>9.2f} {indexed:>13.2f} {rendered:>9}"
                f" {cpu:>9.2f}",
                flush=True,
            )
    if not args.no_real:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SWK_NOW": NOW}
        inner, outer, first = real_site(env, max(args.runs, 3), args.dir)
        print(
            f"\nThe real site, cold `swk build`: {inner:.2f} s of build (imports included, "
            f"interpreter start not), {outer:.2f} s for the whole process; the first build, "
            f"compiling the templates: {first:.2f} s of build"
        )


if __name__ == "__main__":
    sys.exit(main())

"""The dev server (``make serve``, ``python -m swk serve``): the site on http://localhost:8000,
rebuilt within about a second of every save.

- The first build is a full one (``swk.engine.FastPelican`` with dependency tracking), into
  ``output.new/`` and swapped in, like ``swk build``.
- After a change under ``PATH`` (articles, partners, events, pages, images) or in another
  source folder named in the settings (``NEWSLETTER_PATH``), the same Pelican instance
  builds again from the cached reader results: only changed files are converted, and only
  the pages whose inputs changed are rendered and written (``FastPelican.run(previous=...)``;
  what generators write themselves goes to ``output.direct/`` and only files that differ
  are moved over). Pages no longer produced are removed. Pagefind follows in the background.
- A commit (or checkout, reset, pull) in the Git work tree of the content also builds
  again: the agenda's iCalendar dates come from the last commit of each event's file
  (once HEAD is where its log says: Git logs the move before it makes it).
  A ``*_FILE`` data file outside the watched folders restarts the server, as the settings.
- The watch is in place before the first build (``Watcher``): a save while it runs is
  built next; saves made while a build runs are built together after it.
- A template change (``THEME``/templates) rebuilds everything; a change to the settings or to
  Python code (plugins) restarts the server process, as modules cannot be reloaded safely.
- Bad content prints the problems (Dutch, one line each) and leaves the site as it was; any
  other failure is printed and the next change builds everything again.
"""

from __future__ import annotations

import functools
import gc
import http.server
import os
import queue
import shutil
import socketserver
import sys
import tempfile
import threading
import time
from pathlib import Path

from content_model.history import head_log, wait_for_head
from content_model.problems import ContentError

from .build import BuildError, build_into, load_settings
from .engine import FastPelican


class DevSite:
    """The builds of one dev-server process: a full build, then incremental updates."""

    def __init__(self, settings_file: str, override: dict | None = None):
        from pelican import log

        log.init(level=os.environ.get("SWK_LOG_LEVEL", "WARNING"), fatal="errors")
        self.settings_file = os.path.abspath(settings_file)
        self.pelican = FastPelican(load_settings(settings_file, override))
        settings = self.pelican.settings
        self.output = Path(settings["OUTPUT_PATH"]).resolve()
        # what generators write themselves goes here first: in memory (/dev/shm) where there
        # is one, as creating and deleting hundreds of files on disk for every save is slow
        shm = Path("/dev/shm")
        base = shm if shm.is_dir() and os.access(shm, os.W_OK) else self.output.parent
        self.scratch = Path(tempfile.mkdtemp(prefix="swk-direct-", dir=base))
        self.state = None
        self.last_report = None

    def close(self) -> None:
        """Wait for background work and remove the scratch folder."""
        self.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)

    @property
    def settings(self) -> dict:
        return self.pelican.settings

    def wait(self) -> None:
        """Wait for background work (the search index) to finish."""
        for thread in list(self.pelican.background_tasks):
            thread.join()
        self.pelican.background_tasks.clear()

    def full(self) -> None:
        """Build everything into ``output.new/`` and swap it in."""
        self.wait()  # an index still being written into the old folder
        self.state = None
        staging = self.output.with_name(self.output.name + ".new")
        self.pelican.set_output_path(str(staging))
        result = {}

        def run():
            result["state"] = self.pelican.run(track=True)

        try:
            build_into(self.output, run)
        finally:
            self.pelican.set_output_path(str(self.output))
        self.state = result.get("state")
        self.last_report = self.pelican.report

    def update(self) -> None:
        """Rebuild what the changes since the last build affect (everything after a failure)."""
        if self.state is None or not self.output.is_dir():
            return self.full()
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(parents=True)
        self.pelican.set_output_path(str(self.output))
        try:
            state = self.pelican.run(track=True, previous=self.state, direct_path=str(self.scratch))
        except ContentError:
            raise  # found before anything is written: the site and the state stay as they were
        except BaseException:
            self.state = None  # the next change builds everything
            raise
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
        if state is None:  # the engine fell back to Pelican's serial run: no dependencies
            self.state = None
        else:
            self.state = state
        self.last_report = self.pelican.report


# --- what a change means -------------------------------------------------------------------------


def _under(path: str, folder: str) -> bool:
    folder = os.path.abspath(folder)
    return path == folder or path.startswith(folder + os.sep)


class ChangeFilter:
    """watchfiles' default filter (no editors' swap files, nothing under ``.git``, ...), but
    for Git's log of HEAD (``content_model.history.head_log``; its folder is watched, as Git
    may replace the file): a commit, and the agenda's iCalendar dates are the last commit of
    each event's file. Nothing else in that folder passes (a fetch logs remote branches)."""

    def __init__(self, head_log: str | None):
        from watchfiles import DefaultFilter

        self.head_log, self.default = head_log, DefaultFilter()

    def __call__(self, change, path: str) -> bool:
        if self.head_log is not None and _under(path, os.path.dirname(self.head_log)):
            return path == self.head_log
        return self.default(change, path)


def data_files(settings) -> set[str]:
    """The existing files named by ``*_FILE`` settings (``REDIRECTS_FILE``)."""
    return {
        os.path.abspath(value)
        for key, value in settings.items()
        if key.endswith("_FILE") and isinstance(value, str) and os.path.isfile(value)
    }


def watched(settings, settings_file: str) -> tuple[list[str], list[str]]:
    """(folders, files) to watch: the content (PATH and other existing ``*_PATH`` folders of
    the settings outside it), the theme, the plugins, the settings' Python files, and the
    ``data_files`` outside those folders (a ``REDIRECTS_FILE`` kept elsewhere; a change to
    one restarts the server, as to the settings: a file watched on its own is lost when an
    editor saves it by replacing it). Git's log of HEAD (``head_log``) is added by ``serve``."""
    skip = {settings.get("OUTPUT_PATH"), settings.get("CACHE_PATH")}
    folders = [settings["PATH"], settings["THEME"], *settings.get("PLUGIN_PATHS", [])]
    for key, value in settings.items():
        if key.endswith("_PATH") and isinstance(value, str) and value not in skip:
            path = value if os.path.isabs(value) else os.path.join(settings["PATH"], value)
            if os.path.isdir(path) and not any(_under(os.path.abspath(path), f) for f in folders):
                folders.append(path)
    folders = [os.path.abspath(f) for f in folders if os.path.isdir(f)]
    here = os.path.dirname(os.path.abspath(settings_file))
    files = sorted(
        {
            os.path.abspath(settings_file),
            *(os.path.join(here, n) for n in os.listdir(here) if n.endswith(".py")),
            *(f for f in data_files(settings) if not any(_under(f, d) for d in folders)),
        }
    )
    return folders, files


def classify(changes, settings, settings_file: str) -> str:
    """ "restart" (settings, code, or a data file watched on its own), "full" (templates)
    or "update" (content)."""
    plugin_paths = settings.get("PLUGIN_PATHS", [])
    templates = os.path.join(settings["THEME"], "templates")
    _, alone = watched(settings, settings_file)
    kind = "update"
    for _, path in changes:
        path = os.path.abspath(path)
        if path.endswith(".py") or path in alone or any(_under(path, p) for p in plugin_paths):
            return "restart"
        if _under(path, templates):
            kind = "full"
    return kind


# --- serving -------------------------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Cache-Control", "no-store")  # editors always see the last build
        super().end_headers()

    def log_message(self, format, *args):  # the base class's name
        if args and str(args[1]).startswith(("4", "5")) and str(args[1]) != "404":
            super().log_message(format, *args)


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def start_http(folder: Path, bind: str, port: int) -> _Server:
    handler = functools.partial(_Handler, directory=str(folder))
    server = _Server((bind, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True, name="http").start()
    return server


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _seconds(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def build_once(site: DevSite, kind: str) -> bool:
    """Run a full build or an update and report it (Dutch, for editors); True if it worked."""
    start = time.perf_counter()
    cpu = os.times()
    try:
        site.full() if kind == "full" else site.update()
    except ContentError as exc:
        _say(f"{exc}\nDe site hierboven is niet bijgewerkt; verbeter de fout en sla opnieuw op.")
        return False
    except BuildError as exc:
        _say(f"Fout: {exc}")
        return False
    except Exception as exc:  # the server keeps running
        _say(
            f"Fout bij het bouwen: {type(exc).__name__}: {exc}; bij de volgende wijziging "
            "wordt de hele site opnieuw gebouwd."
        )
        return False
    report = site.last_report
    what = "alles" if kind == "full" or site.state is None else f"{report.rendered} pagina's"
    _say(
        f"Site bijgewerkt in {_seconds(time.perf_counter() - start)} s ({what}"
        + (f", {report.removed} verwijderd" if report and report.removed else "")
        + ")."
    )
    if os.environ.get("SWK_TIMING"):
        now = os.times()
        used = sum(now[:4]) - sum(cpu[:4])  # user + system, this process and ended workers
        _say(f"  build cpu {used:.3f} s")
    return True


def _stop(signum, frame):
    raise KeyboardInterrupt  # SIGTERM ends the server like Ctrl-C: with its cleanup


class Watcher:
    """watchfiles' ``watch`` in a thread of its own, in place before the first build: a save
    while the site builds, or just after, is queued and built next, not lost (a watch set up
    after the first build would miss it, and the site would show the old page until the next
    save). Iterating gives the change sets; ``close`` ends the watch."""

    READY_MS = 200  # watchfiles yields an empty set after this long without changes

    def __init__(self, paths: list[str], watch_filter):
        self._queue: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(paths, watch_filter), daemon=True, name="watch"
        )
        self._thread.start()
        self._first = self._get(block=True)  # the first yield: the watches are in place

    def _run(self, paths: list[str], watch_filter) -> None:
        from watchfiles import watch

        try:
            for changes in watch(
                *paths,
                watch_filter=watch_filter,
                step=50,
                debounce=1600,
                rust_timeout=self.READY_MS,
                yield_on_timeout=True,
                stop_event=self._stop,
            ):
                self._queue.put(changes)
        except BaseException as exc:  # handed to the server's thread
            self._queue.put(exc)

    def _get(self, block: bool) -> set:
        changes = self._queue.get(block=block)
        if isinstance(changes, BaseException):
            raise changes
        return changes

    def __iter__(self):
        changes = self._first
        while True:
            while True:  # saves made while the last build ran are built once, together
                try:
                    changes = changes | self._get(block=False)
                except queue.Empty:
                    break
            if changes:
                yield changes
            changes = self._get(block=True)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def serve(settings_file: str, bind: str = "127.0.0.1", port: int = 8000) -> int:
    import signal

    signal.signal(signal.SIGTERM, _stop)
    site = DevSite(settings_file)
    server = watcher = None
    try:
        folders, files = watched(site.settings, settings_file)
        log = head_log(site.settings["PATH"])
        watcher = Watcher(
            [*folders, *([os.path.dirname(log)] if log else []), *files], ChangeFilter(log)
        )
        build_once(site, "full")
        site.output.mkdir(parents=True, exist_ok=True)
        server = start_http(site.output, bind, port)
        _say(
            f"De site staat op http://{'localhost' if bind == '127.0.0.1' else bind}:{port}/ "
            "en wordt bijgewerkt bij elke wijziging. Stoppen: Ctrl-C."
        )
        for changes in watcher:
            if log and any(path == log for _, path in changes):  # a commit, checkout, reset
                wait_for_head(site.settings["PATH"], log)
            kind = classify(changes, site.settings, settings_file)
            if kind == "restart":
                _say("Instellingen of code gewijzigd: de server start opnieuw.")
                server.server_close()
                site.close()
                os.execv(sys.executable, [sys.executable, "-m", "swk", *sys.argv[1:]])
            build_once(site, kind)
            gc.collect()  # builds run without the cyclic collector; the last one's objects go now
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if watcher is not None:
            watcher.close()
        if server is not None:
            server.shutdown()
        site.close()
    return 0

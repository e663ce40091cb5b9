"""Run Pagefind over the written site: the real binary from the ``pagefind_bin`` package.

A failure raises ``SearchIndexError`` and removes the half-written bundle, so a build never
ends with a partial index (``swk build`` then also keeps the last good site).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from pathlib import Path

from pagefind.service import get_executable

BUNDLE = "pagefind"
log = logging.getLogger(__name__)


class SearchIndexError(Exception):
    """Pagefind could not build the search index."""


def pagefind_executable() -> Path:
    exe = get_executable()  # PAGEFIND_BINARY_PATH, else the pagefind_bin package
    if exe is None or not Path(exe).exists():
        raise SearchIndexError(
            "Pagefind is niet gevonden; installeer de pakketten uit requirements.txt "
            "(pagefind[bin]) of zet PAGEFIND_BINARY_PATH"
        )
    return Path(exe)


class Indexing:
    """A Pagefind run that was started (``start_index``); ``wait()`` ends it: it returns the
    bundle folder or raises ``SearchIndexError`` (the half-written bundle removed);
    ``cancel()`` stops it and removes what it wrote."""

    def __init__(self, site: Path, final: Path, bundle: Path, swap: bool, timeout: float, cmd):
        self.site, self.final, self.bundle = site, final, bundle
        self.swap, self.timeout = swap, timeout
        try:
            self.proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        except OSError as exc:
            shutil.rmtree(bundle, ignore_errors=True)
            raise SearchIndexError(f"Pagefind is mislukt: {exc}") from exc

    def wait(self) -> Path:
        try:
            out, err = self.proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired as exc:
            self.cancel()
            raise SearchIndexError(f"Pagefind is mislukt: {exc}") from exc
        problems = (err + out).strip()
        bundle = self.bundle
        if self.proc.returncode != 0 or not (bundle / "pagefind.js").is_file():
            shutil.rmtree(bundle, ignore_errors=True)
            raise SearchIndexError(
                f"Pagefind is mislukt (code {self.proc.returncode}): {problems or 'geen uitvoer'}"
            )
        if self.swap:
            final = self.final
            old = self.site / (final.name + ".swk-old")
            shutil.rmtree(old, ignore_errors=True)
            if final.exists():
                final.rename(old)
            bundle.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        return self.final

    def cancel(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()
        shutil.rmtree(self.bundle, ignore_errors=True)


def start_index(
    site: Path,
    *,
    glob: str | None = None,
    bundle: str = BUNDLE,
    timeout: float = 600,
    swap: bool = False,
) -> Indexing:
    """Start Pagefind indexing the HTML under ``site`` into ``site/<bundle>/``; the returned
    ``Indexing``'s ``wait()`` finishes it (see ``build_index``)."""
    site = Path(site)
    final = site / bundle
    staging = site / (final.name + ".swk-new") if swap else final
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [
        str(pagefind_executable()),
        "--site",
        str(site),
        "--output-subdir",
        staging.name,
        "--quiet",
    ]
    if glob:
        cmd += ["--glob", glob]
    return Indexing(site, final, staging, swap, timeout, cmd)


def build_index(
    site: Path,
    *,
    glob: str | None = None,
    bundle: str = BUNDLE,
    timeout: float = 600,
    swap: bool = False,
) -> Path:
    """Index the HTML under ``site`` into ``site/<bundle>/`` (``pagefind``); return that folder.

    ``glob`` (Pagefind's ``--glob``, relative to ``site``) limits which files Pagefind reads;
    without it Pagefind parses every HTML file. ``swap``: build next to the current bundle
    and swap it in when complete (a site being served keeps a working index meanwhile).
    """
    return start_index(site, glob=glob, bundle=bundle, timeout=timeout, swap=swap).wait()


def build_index_later(site: Path, tasks: list, **kwargs) -> threading.Thread:
    """``build_index(..., swap=True)`` in a thread, after the threads already in ``tasks``
    (earlier requests) have finished; the thread is appended to ``tasks``. A failure is
    logged: the previous index stays."""
    earlier = list(tasks)

    def run():
        for thread in earlier:
            thread.join()
        try:
            build_index(site, swap=True, **kwargs)
        except SearchIndexError as exc:
            log.error("%s", exc)

    thread = threading.Thread(target=run, name="pagefind", daemon=True)
    tasks[:] = [t for t in tasks if t.is_alive()] + [thread]
    thread.start()
    return thread

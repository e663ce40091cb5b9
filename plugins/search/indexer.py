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
    site = Path(site)
    final = site / bundle
    bundle = site / (final.name + ".swk-new") if swap else final
    shutil.rmtree(bundle, ignore_errors=True)
    cmd = [
        str(pagefind_executable()),
        "--site",
        str(site),
        "--output-subdir",
        bundle.name,
        "--quiet",
    ]
    if glob:
        cmd += ["--glob", glob]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(bundle, ignore_errors=True)
        raise SearchIndexError(f"Pagefind is mislukt: {exc}") from exc
    problems = (result.stderr + result.stdout).strip()
    if result.returncode != 0 or not (bundle / "pagefind.js").is_file():
        shutil.rmtree(bundle, ignore_errors=True)
        raise SearchIndexError(
            f"Pagefind is mislukt (code {result.returncode}): {problems or 'geen uitvoer'}"
        )
    if swap:
        old = site / (final.name + ".swk-old")
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            final.rename(old)
        bundle.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    return final


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

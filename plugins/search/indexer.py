"""Run Pagefind over the written site: the real binary from the ``pagefind_bin`` package.

A failure raises ``SearchIndexError`` and removes the half-written bundle, so a build never
ends with a partial index (``swk build`` then also keeps the last good site).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pagefind.service import get_executable

BUNDLE = "pagefind"


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
    site: Path, *, glob: str | None = None, bundle: str = BUNDLE, timeout: float = 600
) -> Path:
    """Index the HTML under ``site`` into ``site/<bundle>/`` (``pagefind``); return that folder.

    ``glob`` (Pagefind's ``--glob``, relative to ``site``) limits which files Pagefind reads;
    without it Pagefind parses every HTML file.
    """
    site = Path(site)
    subdir = bundle
    bundle = site / subdir
    shutil.rmtree(bundle, ignore_errors=True)
    cmd = [str(pagefind_executable()), "--site", str(site), "--output-subdir", subdir, "--quiet"]
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
    return bundle

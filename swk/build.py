"""Build the site into a fresh folder and swap it in only when everything succeeded.

A failed build (bad content, a template error, a failing plugin) leaves the last good
``output/`` exactly as it was.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from pelican import Pelican, log

from content_model import check
from content_model.problems import ContentError
from content_model.settings import load_settings


class BuildError(Exception):
    exitcode = 1


def validate(settings_file: str, override: dict | None = None):
    """Check all content (and the redirect map); return the collections or raise ContentError.

    Pelican is set up (not run) first, so every plugin's settings have their defaults: the
    check compares content addresses with the pages the plugins generate."""
    from redirects import check as check_redirects

    settings = Pelican(load_settings(settings_file, override)).settings
    cols = check(settings)
    check_redirects(settings)
    return cols


def _forget_unfinished_sitemap() -> None:
    """pelican-sitemap keeps, in one object per process, the Pelican run it started with and
    the pages queued so far; it writes the sitemap only when that run finishes. A run that
    failed halfway never finishes, so the next build in the same process (tests, a long-lived
    process) would get no sitemap, or another site's pages in it. Start it afresh."""
    try:
        from pelican.plugins.sitemap.sitemap import generator
    except ImportError:  # pragma: no cover - the plugin is in requirements.txt
        return
    generator._main_pelican = None
    generator.page_queue = []


def build(
    settings_file: str = "pelicanconf.py", override: dict | None = None, *, stock: bool = False
) -> Path:
    """Build into ``OUTPUT_PATH.new`` and swap it in; return the output folder.

    Content is checked by the content_model plugin when Pelican asks for its generators,
    before any file is read or written; a ContentError lists every problem. The build runs
    on ``swk.engine.FastPelican`` (reading and writing in worker processes); ``stock=True``
    runs Pelican's own single-process ``run`` instead (the reference the tests compare with)."""
    from swk.engine import FastPelican

    settings = load_settings(settings_file, override)
    output = Path(settings["OUTPUT_PATH"]).resolve()
    staging = output.with_name(output.name + ".new")
    settings = load_settings(settings_file, {**(override or {}), "OUTPUT_PATH": str(staging)})
    log.init(level=logging.WARNING, fatal="errors")
    pelican = (Pelican if stock else FastPelican)(settings)
    return build_into(output, lambda: pelican.run())


def build_into(output: Path, run) -> Path:
    """Run a build (``run()``, writing into ``output.new``) and swap its result in for
    ``output``; a failed build removes ``output.new`` and leaves ``output`` as it was."""
    staging = output.with_name(output.name + ".new")
    previous = output.with_name(output.name + ".old")
    for leftover in (staging, previous):
        shutil.rmtree(leftover, ignore_errors=True)
    _forget_unfinished_sitemap()
    try:
        run()
    except ContentError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except Exception as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"de site is niet gebouwd ({exc}); de vorige versie staat er nog") from exc

    if output.exists():
        output.rename(previous)
    staging.rename(output)
    shutil.rmtree(previous, ignore_errors=True)
    return output

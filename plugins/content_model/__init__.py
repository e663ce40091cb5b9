"""content_model: the content contract, enforced on every build.

- reads Markdown with YAML front matter (``reader.YamlMarkdownReader``), renders every body
  as CommonMark (``body``, markdown-it-pyrs) and cleans it against an allowlist
  (``sanitize``, nh3),
- checks every file of every content type before anything is built and stops the build
  with one message listing all problems (``loading``), including images that are not files
  of the site (``images``) and items whose address the site already uses for a page of its
  own (``outputs``); the reader takes the items that check parsed (each file is parsed once;
  a full build on our engine parses them in its workers: ``pelican.map_in_workers``);
  in a dev-server rebuild on our engine the check runs in a forked process while the build
  goes on (``pelican.background_checks``), and the engine raises what it finds before
  anything is written,
- reads partners, events and newsletter issues into the context and writes their pages
  (``generator.CollectionsGenerator``), and resolves cross-references and backlinks
  (``links``) right after reading, so every other plugin finds the content complete at
  ``all_generators_finalized`` wherever it is listed in ``PLUGINS``,
- the facts every output states about an event (when, where, upcoming, lead) are functions
  in ``eventtext``, read by the agenda and the newsletter alike,
- takes the build's "now" once, when the build starts (``SWK_NOW`` overrides the clock),
  and puts it in the context as ``now``: the check, the readers and every template decide
  with the same moment, even when the clock passes one while the build runs,
- leaves out an item whose publication moment (an article's ``date``, an event's
  ``publish``) is after "now", as it does a draft: the first build after it publishes it
  (a preview build, ``SWK_PREVIEW=1``, shows it).
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from .clock import NOW_KEY, build_now, preview_build, settings_now, site_zone
from .generator import CollectionsGenerator
from .images import check_images
from .loading import PARSED_KEY, load_all, parsed_files, sources
from .outputs import check_outputs
from .problems import ContentError
from .reader import YamlMarkdownReader
from .settings import use_defaults

# the content types' folders, relative to PATH (newsletters: anywhere); the README's table
DEFAULTS = {
    "PARTNER_PATHS": ["partners"],
    "EVENT_PATHS": ["events"],
    "NEWSLETTER_PATH": lambda s: str(Path(s["PATH"]) / "newsletters"),
}


def check(settings, map_in_workers=None):
    """Validate all content; raise ContentError listing every problem.

    ``settings`` must have every plugin's defaults in it (Pelican's ``initialized``), so
    ``check_outputs`` knows every address the site generates. ``map_in_workers`` (our
    engine's): the files are parsed through it, in shares in forked processes."""
    now = None if preview_build() else settings_now(settings)
    files = sources(settings)
    parsed = parsed_files(settings)
    if map_in_workers is not None:
        parsed.parse_all(files, map_in_workers)
    cols = load_all(files, now, parsed=parsed)
    problems = cols.problems + check_images(cols, settings) + check_outputs(cols, settings)
    if problems:
        raise ContentError(problems)
    return cols


def _readers_init(readers):
    readers.reader_classes["md"] = YamlMarkdownReader


def _start_the_clock(pelican) -> None:
    """Take the build's "now" once (``NOW_KEY`` in the settings, which the dev server's
    builds share). Our engine keeps the reader's results between the dev server's builds,
    and a published item's result is kept as long as its file stays the same: the clock
    only moves on. When it went back since the last build (a corrected system clock), an
    item published then may wait for its moment again, so the kept results are dropped and
    every file is read again."""
    now = build_now(site_zone(pelican.settings))
    last = pelican.settings.get(NOW_KEY)
    forget = getattr(pelican, "forget_kept_results", None)
    if last is not None and now < last and forget is not None:
        forget()
    pelican.settings[NOW_KEY] = now


def _get_generators(pelican):
    _start_the_clock(pelican)
    checks = getattr(pelican, "background_checks", None)
    if getattr(pelican, "incremental", False) and checks is not None:
        # a dev-server rebuild on our engine: checked in a forked process next to the
        # build, which raises what it finds before anything is written
        checks.append(lambda: check(pelican.settings))
    else:
        # before any file is read or written; on our engine, parsed in its worker processes
        check(pelican.settings, getattr(pelican, "map_in_workers", None))
    return CollectionsGenerator


def _now(generator):
    # the parsed files are the readers', not the templates' (Pelican copies the settings)
    generator.context.pop(PARSED_KEY, None)
    generator.context.pop(NOW_KEY, None)
    generator.context.setdefault("now", settings_now(generator.settings))


def register():
    use_defaults(DEFAULTS)
    signals.readers_init.connect(_readers_init)
    signals.get_generators.connect(_get_generators)
    signals.generator_init.connect(_now)

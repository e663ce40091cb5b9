"""search: site search with Pagefind, built on every build.

- gives every article, partner, event and newsletter issue a ``search_record`` (type,
  facets, meta, date sort key; ``records.py``) that ``partials/search_meta.html`` writes
  as ``data-pagefind-*`` attributes; pages whose template sets ``search_item`` get
  ``data-pagefind-body`` on ``<main>``, so only their main content is indexed;
- puts the search page's filters in the context as ``search_facets`` (``records.facets``:
  every filter value that occurs, with its number of pages);
- writes the search page (``SEARCH_SAVE_AS``, template ``search.html``, script
  ``theme/static/js/search.js``: our own result list over Pagefind's JS API);
- after Pelican has written everything, runs the Pagefind binary over ``OUTPUT_PATH``
  (the staging folder during ``swk build``, so the index is complete before the swap).
  A Pagefind failure raises and fails the build. Pagefind reads only the files the indexed
  types are saved as (``ARTICLE_SAVE_AS``, ``PARTNER_SAVE_AS``, ``EVENT_SAVE_AS``,
  ``NEWSLETTER_SAVE_AS`` with each ``{...}`` as ``*``, see ``index_glob``): the other pages
  have no ``data-pagefind-body``, so Pagefind would parse them only to skip them.
  In the dev server's incremental rebuilds (``pelican.incremental``) Pagefind runs in a
  thread (``pelican.background_tasks``) and swaps the new bundle in when it is complete.
  On our engine (``pelican.after_finalized``) Pagefind is started after the last
  ``finalized`` handler, and the engine drops the build's objects and gives their memory
  back while Pagefind runs, then waits for it: the same index, a smaller peak.

Settings and their defaults: ``DEFAULTS`` (documented in the README's plugin table).
"""

from __future__ import annotations

import re
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from content_model.settings import use_defaults

from .indexer import SearchIndexError, build_index, build_index_later, start_index
from .records import facets, make_record

__all__ = ["SearchIndexError", "register"]

DEFAULTS = {
    "SEARCH_URL": "zoeken/",
    "SEARCH_SAVE_AS": "zoeken/index.html",
    "SEARCH_INDEX": True,
    "SEARCH_BUNDLE_PATH": "pagefind",
}
COLLECTIONS = {
    "article": "articles",
    "partner": "partners",
    "event": "events",
    "newsletter": "newsletters",
}
# The settings that say where the pages of the indexed types are written.
SAVE_AS = ("ARTICLE_SAVE_AS", "PARTNER_SAVE_AS", "EVENT_SAVE_AS", "NEWSLETTER_SAVE_AS")


def _records(generators):
    from dutch_dates import nl_date

    context = generators[0].context
    records = []
    for type_name, key in COLLECTIONS.items():
        for item in context.get(key, []):
            item.search_record = make_record(type_name, item, nl_date)
            records.append(item.search_record)
    context["search_facets"] = facets(records)


class SearchPageGenerator(Generator):
    """Writes the search page."""

    def generate_output(self, writer):
        if not self.settings["SEARCH_SAVE_AS"]:
            return
        writer.write_file(
            self.settings["SEARCH_SAVE_AS"],
            self.get_template("search"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=self.settings["SEARCH_URL"],
        )


def _get_generators(pelican):
    return SearchPageGenerator


def index_glob(settings) -> str | None:
    """Pagefind's ``--glob`` for the pages of the indexed types, e.g.
    ``{artikelen/*/index.html,partners/*/index.html,...}``; None (every file) if one of the
    save-as settings is missing or empty."""
    patterns = []
    for key in SAVE_AS:
        save_as = settings.get(key)
        if not save_as:
            return None
        pattern = re.sub(r"\{[^}]*\}", "*", save_as)
        if pattern not in patterns:
            patterns.append(pattern)
    return "{" + ",".join(patterns) + "}"


def _index(pelican):
    if not pelican.settings["SEARCH_INDEX"]:
        return
    glob = index_glob(pelican.settings)
    bundle = pelican.settings["SEARCH_BUNDLE_PATH"]
    tasks = getattr(pelican, "background_tasks", None)
    later = getattr(pelican, "after_finalized", None)
    if getattr(pelican, "incremental", False) and tasks is not None:
        # the dev server's rebuilds: the pages are on disk at once, the index follows
        build_index_later(Path(pelican.output_path), tasks, glob=glob, bundle=bundle)
    elif later is not None:
        # our engine starts Pagefind once every finalized handler has run, and gives the
        # build's memory back while Pagefind indexes, before it waits for it
        site = Path(pelican.output_path)
        later.append(lambda: start_index(site, glob=glob, bundle=bundle))
    else:
        build_index(Path(pelican.output_path), glob=glob, bundle=bundle)


def register():
    use_defaults(DEFAULTS)
    signals.get_generators.connect(_get_generators)
    signals.all_generators_finalized.connect(_records)
    signals.finalized.connect(_index)

"""search: site search with Pagefind, built on every build.

- gives every article, partner, event and newsletter issue a ``search_record`` (type,
  facets, meta, date sort key; ``records.py``) that ``partials/search_meta.html`` writes
  as ``data-pagefind-*`` attributes; pages whose template sets ``search_item`` get
  ``data-pagefind-body`` on ``<main>``, so only their main content is indexed;
- writes the search page (``SEARCH_SAVE_AS``, template ``search.html``);
- after Pelican has written everything, runs the Pagefind binary over ``OUTPUT_PATH``
  (the staging folder during ``swk build``, so the index is complete before the swap).
  A Pagefind failure raises and fails the build.

Settings: ``SEARCH_URL`` (``"zoeken/"``), ``SEARCH_SAVE_AS`` (``"zoeken/index.html"``),
``SEARCH_INDEX`` (``True``; ``False`` writes the pages without running Pagefind).
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from .indexer import SearchIndexError, build_index
from .records import make_record

__all__ = ["SearchIndexError", "register"]

DEFAULTS = {"SEARCH_URL": "zoeken/", "SEARCH_SAVE_AS": "zoeken/index.html", "SEARCH_INDEX": True}
COLLECTIONS = {"article": "articles", "partner": "partners", "event": "events", "newsletter": "newsletters"}


def _defaults(pelican):
    for key, value in DEFAULTS.items():
        pelican.settings.setdefault(key, value)


def _records(generators):
    from dutch_dates import nl_date

    context = generators[0].context
    for type_name, key in COLLECTIONS.items():
        for item in context.get(key, []):
            item.search_record = make_record(type_name, item, nl_date)


class SearchPageGenerator(Generator):
    """Writes the search page."""

    def generate_output(self, writer):
        if not self.settings.get("SEARCH_SAVE_AS"):
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


def _index(pelican):
    if pelican.settings.get("SEARCH_INDEX", True):
        build_index(Path(pelican.output_path))


def register():
    signals.initialized.connect(_defaults)
    signals.get_generators.connect(_get_generators)
    signals.all_generators_finalized.connect(_records)
    signals.finalized.connect(_index)

"""One search record per content item: what Pagefind should know besides the page text.

The record is data (filters, meta, sort key); the partial ``partials/search_meta.html``
turns it into ``data-pagefind-*`` attributes on the page, so the template stays thin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from content_model.schema import DISTRICT_LABELS, EVENT_KIND_LABELS, PARTNER_KIND_LABELS
from dutch_dates import nl_month

# The filter names are what visitors see as facet headings: Dutch, from the word list in
# docs/redactie.md ("Soort", not "Type"; "Evenement", not "Agenda").
TYPE = "Soort"
PARTNER_KIND = "Soort partner"
DISTRICT = "Stadsdeel"
EVENT_KIND = "Soort evenement"
YEAR = "Jaar"

TYPE_LABELS = {
    "article": "Artikel",
    "partner": "Partner",
    "event": "Evenement",
    "newsletter": "Nieuwsbrief",
}

# Pagefind drops pages without the sort key when a sort is applied, so every record has
# one. Partners have no date: the year they became a partner, else the start of the era.
NO_DATE = "0000-01-01"


@dataclass(frozen=True)
class SearchRecord:
    type_label: str
    filters: list[tuple[str, str]] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)
    sort_date: str = NO_DATE


def _clean(value: str) -> str:
    # Pagefind separates several key:value pairs with commas; keep values single.
    return " ".join(str(value).replace(",", " ").split())


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def make_record(type_name: str, item, nl_date) -> SearchRecord:
    """The search record of an article, partner, event or newsletter issue."""
    label = TYPE_LABELS[type_name]
    filters = [(TYPE, label)]
    when = None
    if type_name == "article":
        when = _day(item.date)
    elif type_name == "newsletter":
        when = _day(item.date)
    elif type_name == "event":
        when = _day(item.start)
        if getattr(item, "kind", None):
            filters.append((EVENT_KIND, EVENT_KIND_LABELS.get(item.kind, item.kind)))
    elif type_name == "partner":
        filters.append((PARTNER_KIND, PARTNER_KIND_LABELS.get(item.kind, item.kind)))
        if getattr(item, "district", None):
            filters.append((DISTRICT, DISTRICT_LABELS.get(item.district, item.district)))

    meta = [("type", label)]
    if when is not None:
        filters.append((YEAR, str(when.year)))
        month_only = getattr(item, "date_month_only", False)  # a newsletter dated by month
        meta.append(("datum", nl_month(when) if month_only else nl_date(when)))
        sort_date = when.isoformat()
    elif getattr(item, "since", None):
        sort_date = f"{int(item.since):04d}-01-01"
    else:
        sort_date = NO_DATE
    return SearchRecord(
        type_label=label,
        filters=[(k, _clean(v)) for k, v in filters],
        meta=[(k, _clean(v)) for k, v in meta],
        sort_date=sort_date,
    )


@dataclass(frozen=True)
class Facet:
    """One filter of the search page with the values that occur and how many pages have each."""

    name: str  # what visitors see, e.g. "Soort partner"
    values: list[tuple[str, int]]


# The search page's filters, in this order; values in the vocabulary's order (years: newest first).
FACET_ORDER = {
    TYPE: list(TYPE_LABELS.values()),
    PARTNER_KIND: list(PARTNER_KIND_LABELS.values()),
    DISTRICT: list(DISTRICT_LABELS.values()),
    EVENT_KIND: list(EVENT_KIND_LABELS.values()),
    YEAR: None,
}


def facets(records) -> list[Facet]:
    """The filters of the search page from all search records, as Pagefind will count them.

    Rendered into the page at build time, so the filter panel is there (and takes its room)
    before Pagefind is loaded; counts are then updated from each query's results."""
    counts: dict[str, dict[str, int]] = {name: {} for name in FACET_ORDER}
    for record in records:
        for key, value in record.filters:
            if key in counts:
                counts[key][value] = counts[key].get(value, 0) + 1
    out = []
    for name, order in FACET_ORDER.items():
        found = counts[name]
        if not found:
            continue
        if order is None:
            keys = sorted(found, reverse=True)
        else:
            keys = [v for v in order if v in found] + sorted(v for v in found if v not in order)
        out.append(Facet(name, [(v, found[v]) for v in keys]))
    return out

"""dutch_dates: Jinja filters that write dates and times in Dutch, through Babel.

Never the machine's locale: ``16 februari 2023`` on every machine.

Filters: ``nl_date`` (16 februari 2023), ``nl_day`` (donderdag 16 februari 2023),
``nl_month`` (februari 2023), ``nl_time`` (15.00, 9.00: no leading zero, as the City writes
times), ``iso`` (2023-02-16T15:00:00+01:00).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date, format_time
from pelican import signals

LOCALE = "nl_NL"


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


@lru_cache(maxsize=4096)
def _format(day: date, pattern: str) -> str:
    """Babel is slow-ish and a list page shows the same dates again and again."""
    return format_date(day, pattern, locale=LOCALE)


def nl_date(value) -> str:
    return _format(_as_date(value), "d MMMM y")


def nl_day(value) -> str:
    return _format(_as_date(value), "EEEE d MMMM y")


def nl_month(value) -> str:
    return _format(_as_date(value), "MMMM y")


def nl_time(value) -> str:
    return format_time(value, "H.mm", locale=LOCALE)


def iso(value) -> str:
    return value.isoformat()


FILTERS = {
    "nl_date": nl_date,
    "nl_day": nl_day,
    "nl_month": nl_month,
    "nl_time": nl_time,
    "iso": iso,
}


def _add_filters(generator):
    generator.env.filters.update(FILTERS)


def register():
    signals.generator_init.connect(_add_filters)

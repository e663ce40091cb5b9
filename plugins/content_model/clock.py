"""Time for content: the site's time zone, reading dates, and the build's "now".

The time zone is Pelican's ``TIMEZONE`` setting (pelicanconf.py); code that runs without
Pelican's settings (a command-line check, tests) uses ``DEFAULT_TIMEZONE``, the one default.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

from .problems import ContentError, Invalid, Problem

DEFAULT_TIMEZONE = "Europe/Amsterdam"


def site_zone(settings: dict | None = None) -> ZoneInfo:
    """The site's time zone: ``TIMEZONE`` from the settings, else ``DEFAULT_TIMEZONE``."""
    return ZoneInfo((settings or {}).get("TIMEZONE") or DEFAULT_TIMEZONE)


def parse_datetime(value, tz: tzinfo) -> tuple[datetime, bool]:
    """Return (aware datetime in ``tz``, is_all_day) for an ISO date or date-time."""
    if isinstance(value, datetime):  # pragma: no cover - our loader yields strings
        dt, all_day = value, False
    elif isinstance(value, date):  # pragma: no cover
        dt, all_day = datetime.combine(value, time()), True
    else:
        text = str(value).strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                dt, all_day = datetime.combine(date.fromisoformat(text), time()), True
            elif re.fullmatch(
                r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", text
            ):
                dt, all_day = datetime.fromisoformat(text.replace("Z", "+00:00")), False
            else:
                raise ValueError
        except ValueError:
            raise Invalid(
                f'"{text}" is geen datum; schrijf 2023-02-16 of 2023-02-16T15:00'
            ) from None
    if dt.tzinfo is None:
        # Without an offset: local time. A time that occurs twice (the night the clocks go
        # back) is the first of the two; write an offset (+02:00 or +01:00) to choose.
        local = dt
        dt = dt.replace(tzinfo=tz)
        if dt.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
            raise Invalid(
                f'"{str(value).strip()}" bestaat niet in Amsterdamse tijd: die nacht gaat de klok van 2.00 '
                "naar 3.00 uur vooruit; kies een tijd vóór 2.00 of vanaf 3.00 uur"
            )
    else:
        dt = dt.astimezone(tz)  # the same instant; fold marks the second of a double hour
    return dt, all_day


def preview_build() -> bool:
    """``SWK_PREVIEW=1``: a preview of an editor's change (the site workflow builds one per
    pull request): items scheduled for later are shown as they will look."""
    return os.environ.get("SWK_PREVIEW", "") not in ("", "0")


# The moment of the build a Pelican instance is running (until its next build starts, the
# last one's), taken once when the build starts (``content_model``'s ``get_generators``):
# the check, the readers (also in worker processes), the templates' ``now`` and the sitemap
# then decide with the same moment, even when the clock passes one meanwhile. Not a setting
# anyone writes.
NOW_KEY = "CONTENT_MODEL_NOW"


def settings_now(settings) -> datetime:
    """The running build's "now" (``NOW_KEY``; after a build, that build's until the next
    one starts); for settings that never saw a build (``swk check``, a reader on its own)
    SWK_NOW or the clock."""
    now = settings.get(NOW_KEY)
    return now if now is not None else build_now(site_zone(settings))


def build_now(tz: tzinfo) -> datetime:
    """The moment the build takes as "now": SWK_NOW (ISO date or date-time) or the clock."""
    value = os.environ.get("SWK_NOW")
    if not value:
        return datetime.now(tz)
    try:
        return parse_datetime(value, tz)[0]
    except Invalid as exc:
        raise ContentError([Problem("omgevingsvariabele SWK_NOW", None, str(exc))]) from None

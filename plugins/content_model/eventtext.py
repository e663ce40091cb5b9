"""The facts about an event that every output states, computed once.

The agenda (event pages, lists, JSON-LD, ``.ics``, ``registration.json``) and the newsletter
(web page, ``email.html``, ``email.txt``) read these functions and nothing else, so the site
and the e-mail say the same ("donderdag 16 februari 2023, 15.00–18.00 uur", the City's
style) and agree on which events are upcoming. Neither plugin depends on the other.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from dutch_dates import nl_day, nl_time

from .contents import editor_summary


def _midnight_after(moment: datetime) -> datetime:
    """The midnight after ``moment``'s day, in its time zone (the site's ``TIMEZONE``)."""
    return datetime.combine(moment.date() + timedelta(days=1), time(), tzinfo=moment.tzinfo)


def starts_at(event) -> datetime:
    """The moment an event begins (midnight for a date alone)."""
    return (
        datetime.combine(event.start.date(), time(), tzinfo=event.start.tzinfo)
        if event.start_all_day
        else event.start
    )


def ends_at(event) -> datetime:
    """The moment an event is over: its end, or its start without one; for a date alone
    (all day) the midnight after that day."""
    end = getattr(event, "end", None)
    if end is not None:
        return _midnight_after(end) if event.end_all_day else end
    return _midnight_after(event.start) if event.start_all_day else event.start


def is_past(event, now: datetime) -> bool:
    """Past once its end (``ends_at``) is at or before ``now`` (the build's "now")."""
    return ends_at(event) <= now


def upcoming(events, now: datetime) -> list:
    """The events that have not ended at ``now``, soonest first."""
    return sorted((e for e in events if not is_past(e, now)), key=lambda e: e.start)


def registration_closes_at(event) -> datetime:
    """When registration on the site closes: ``registration_closes`` (a date alone: the
    midnight after that day), never later than the start."""
    closes = getattr(event, "registration_closes", None)
    start = starts_at(event)
    if closes is None:
        return start
    moment = _midnight_after(closes) if event.registration_closes_all_day else closes
    return min(moment, start)


def _part(moment: datetime, all_day: bool) -> str:
    return nl_day(moment) if all_day else f"{nl_day(moment)}, {nl_time(moment)} uur"


def when_text(event) -> str:
    """ "donderdag 16 februari 2023, 15.00–18.00 uur"; a date alone without a time; several
    days "… tot …" (up to a time) or "… tot en met …" (up to and including a day)."""
    start, start_all_day = event.start, event.start_all_day
    end = getattr(event, "end", None)
    if end is None:
        return _part(start, start_all_day)
    end_all_day = event.end_all_day
    if start.date() == end.date():
        if start_all_day or end_all_day:
            return _part(start, start_all_day)
        if start == end:
            return _part(start, False)
        return f"{nl_day(start)}, {nl_time(start)}–{nl_time(end)} uur"
    joiner = " tot en met " if end_all_day else " tot "
    return _part(start, start_all_day) + joiner + _part(end, end_all_day)


def iso_moment(moment: datetime, all_day: bool) -> str:
    """A date (``2023-02-16``) for a date alone, else the moment with its offset."""
    return moment.date().isoformat() if all_day else moment.isoformat()


def when_iso(event) -> str:
    """The start as ``<time datetime>`` and JSON-LD ``startDate`` write it."""
    return iso_moment(event.start, event.start_all_day)


def place_text(event) -> str | None:
    """ "Tolhuistuin", "online", "Tolhuistuin en online", or None."""
    location = getattr(event, "location", None)
    online = getattr(event, "online", False)
    if location and online:
        return f"{location} en online"
    if location:
        return location
    return "online" if online else None


def lead(event) -> str:
    """The editor's ``summary`` as plain text, or "" (never Pelican's HTML from the body)."""
    return editor_summary(event)


def closes_text(closes: datetime) -> str:
    """ "tot en met vrijdag 9 februari 2024" (midnight: that day included) or
    "tot vrijdag 9 februari 2024, 12.00 uur"."""
    if closes.time() == time():
        return f"tot en met {nl_day(closes - timedelta(minutes=1))}"
    return f"tot {nl_day(closes)}, {nl_time(closes)} uur"

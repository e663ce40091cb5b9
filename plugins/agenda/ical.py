"""iCalendar (RFC 5545) files of events, made with the ``icalendar`` library.

- times carry ``TZID=`` the site's ``TIMEZONE`` (Europe/Amsterdam) and the calendar a
  matching ``VTIMEZONE``,
- a date alone is an all-day event: ``VALUE=DATE``, ``DTEND`` the day after the last day,
- a time whose Amsterdam wall-clock time occurs twice (the night the clocks go back) or not at
  all is written in UTC (``...Z``): a ``TZID`` time cannot say which of the two hours it is,
- ``UID`` is ``<slug>@<AGENDA_UID_DOMAIN>``: the same in every build and for every SITEURL,
- ``DTSTAMP``/``LAST-MODIFIED`` are the time of the last Git commit of the event's file
  (``content_model.history``; its modification time when it has uncommitted changes or is
  not in Git), never the build clock: a fresh checkout gives the same bytes, and they change
  only when the event's file changes,
- ``ORGANIZER`` is the site (``SITENAME``, ``mailto:CONTACT_EMAIL``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from content_model.clock import site_zone
from content_model.eventtext import lead, place_text
from content_model.history import History
from content_model.schema import EVENT_KIND_LABELS as KIND_LABELS
from content_model.settings import site_url

PRODID = "-//Sociaal Werkkoepel Amsterdam//Agenda//NL"


def uid(event, settings) -> str:
    return f"{event.slug}@{settings['AGENDA_UID_DOMAIN']}"


def stamp(event, history: History | None = None) -> datetime:
    """When the event's source was last changed (UTC, whole seconds)."""
    return (history or History()).last_changed(event.source_path)


def _plain(value: datetime, tz: ZoneInfo) -> datetime:
    """A datetime with a plain ZoneInfo (Pelican's SafeDatetime aside): time in ``tz``, or
    UTC when that wall-clock time is ambiguous (it occurs twice when the clocks go back;
    ``fold`` says which) or does not exist: a TZID time cannot say which hour it is."""
    local = datetime(*value.timetuple()[:6], tzinfo=tz, fold=value.fold)
    first, second = local.replace(fold=0), local.replace(fold=1)
    if first.utcoffset() != second.utcoffset():
        return local.astimezone(UTC)
    return local


def organizer(settings) -> vCalAddress | None:
    email = settings.get("CONTACT_EMAIL")
    if not email:
        return None
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(settings["SITENAME"])
    return address


def span(event, tz: ZoneInfo) -> tuple[date | datetime, date | datetime | None]:
    """DTSTART and DTEND values; both dates (all day) or both date-times (in ``tz``)."""
    end = getattr(event, "end", None)
    if event.start_all_day:
        last = end.date() if end is not None else event.start.date()
        return event.start.date(), last + timedelta(days=1)
    start = _plain(event.start, tz)
    if end is None:
        return start, None
    if event.end_all_day:
        midnight = datetime.combine(end.date() + timedelta(days=1), datetime.min.time())
        return start, midnight.replace(tzinfo=tz)
    return start, _plain(end, tz)


def vevent(event, settings, history: History | None = None) -> Event:
    url = f"{site_url(settings)}/{event.url}"
    start, end = span(event, site_zone(settings))
    changed = stamp(event, history)
    ev = Event()
    ev.add("uid", uid(event, settings))
    ev.add("dtstamp", changed)
    ev.add("last-modified", changed)
    ev.add("dtstart", start)
    if end is not None:
        ev.add("dtend", end)
    ev.add("summary", event.title)
    description = "\n\n".join(t for t in (lead(event), url) if t)
    ev.add("description", description)
    place = place_text(event)
    if place:
        ev.add("location", place[0].upper() + place[1:])
    ev.add("url", url)
    who = organizer(settings)
    if who is not None:
        ev.add("organizer", who)
    kind = getattr(event, "kind", None)
    if kind:
        ev.add("categories", [KIND_LABELS[kind]])
    ev.add("status", "CONFIRMED")
    ev.add("transp", "OPAQUE")
    return ev


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The time zone for these years, from zoneinfo; made once, shared read-only."""
    return Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )


def _years(events) -> tuple[int, int] | None:
    years = [e.start.year for e in events] + [e.end.year for e in events if getattr(e, "end", None)]
    return (min(years), max(years)) if years else None


def _empty_calendar(name: str, tzid: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tzid)
    return cal


def calendar(events, settings, name: str) -> Calendar:
    tzid = site_zone(settings).key
    cal = _empty_calendar(name, tzid)
    # Always a VTIMEZONE (X-WR-TIMEZONE names it), spanning the years of the events.
    years = _years(events)
    if years:
        cal.add_component(_vtimezone(tzid, *years))
    history = History()
    for event in events:
        cal.add_component(vevent(event, settings, history))
    return cal


END = b"END:VCALENDAR\r\n"
_HEADS: dict[tuple[str, str], bytes] = {}  # calendar headers by name and time zone


class IcsWriter:
    """The bytes of ``calendar(events, settings, name).to_ical()``, but each VEVENT and each
    VTIMEZONE is serialized once per build, not once per file it appears in (an event is in
    its own file and in the whole agenda; serializing is most of the iCalendar cost)."""

    def __init__(self, settings):
        self.settings = settings
        self.tzid = site_zone(settings).key
        self._history = History()
        self._events: dict[int, bytes] = {}
        self._zones: dict[tuple[int, int], bytes] = {}

    def _vevent(self, event) -> bytes:
        key = id(event)
        if key not in self._events:
            self._events[key] = vevent(event, self.settings, self._history).to_ical()
        return self._events[key]

    def _zone(self, years: tuple[int, int]) -> bytes:
        if years not in self._zones:
            self._zones[years] = _vtimezone(self.tzid, *years).to_ical()
        return self._zones[years]

    def ics(self, events, name: str) -> bytes:
        """One calendar file: the header, a VTIMEZONE for the events' years, the events."""
        head = _HEADS.get((name, self.tzid))
        if head is None:  # BEGIN:VCALENDAR, properties, END:VCALENDAR; by calendar name
            if len(_HEADS) > 20_000:
                _HEADS.clear()
            head = _HEADS[(name, self.tzid)] = _empty_calendar(name, self.tzid).to_ical()
        parts = [head[: -len(END)]]
        years = _years(events)
        if years:
            parts.append(self._zone(years))
        parts += [self._vevent(event) for event in events]
        parts.append(END)
        return b"".join(parts)

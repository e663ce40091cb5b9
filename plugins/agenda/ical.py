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


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(email)
    address.params["CN"] = vText(name)
    return address


def organizer(settings) -> tuple[str, str] | None:
    """The ORGANIZER as plain values, (address, name): the site's contact address, if any."""
    email = settings.get("CONTACT_EMAIL")
    return (f"mailto:{email}", settings["SITENAME"]) if email else None


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


def properties(event, settings, history: History | None = None) -> tuple:
    """What the event's VEVENT says, in order: ``(name, value)`` pairs of plain values (the
    organizer as ``(address, name)``, the categories as a tuple). Every input of its bytes
    is in them: the settings only through these values."""
    url = f"{site_url(settings)}/{event.url}"
    start, end = span(event, site_zone(settings))
    changed = stamp(event, history)
    props = [
        ("uid", uid(event, settings)),
        ("dtstamp", changed),
        ("last-modified", changed),
        ("dtstart", start),
    ]
    if end is not None:
        props.append(("dtend", end))
    props.append(("summary", event.title))
    props.append(("description", "\n\n".join(t for t in (lead(event), url) if t)))
    place = place_text(event)
    if place:
        props.append(("location", place[0].upper() + place[1:]))
    props.append(("url", url))
    who = organizer(settings)
    if who is not None:
        props.append(("organizer", who))
    kind = getattr(event, "kind", None)
    if kind:
        props.append(("categories", (KIND_LABELS[kind],)))
    props += [("status", "CONFIRMED"), ("transp", "OPAQUE")]
    return tuple(props)


def _component(props: tuple) -> Event:
    ev = Event()
    for name, value in props:
        if name == "organizer":
            value = _address(*value)
        elif name == "categories":
            value = list(value)
        ev.add(name, value)
    return ev


def vevent(event, settings, history: History | None = None) -> Event:
    return _component(properties(event, settings, history))


def _exact(value) -> tuple:
    """A key equal only for values that are written the same: its type, and for a date-time
    its wall-clock time, offset, zone and fold (two datetimes are equal when they are the
    same instant, in any zone)."""
    if isinstance(value, datetime):
        return (type(value), value.isoformat(), repr(value.tzinfo), value.fold)
    if isinstance(value, tuple):
        return tuple(map(_exact, value))
    return (type(value), value)


# The bytes of each VEVENT, by every value it is made of (``properties``): a dev server
# serializes only the events whose values changed since the last build. Bounded: emptied
# when it holds more than _VEVENTS_MAX.
_VEVENTS: dict[tuple, bytes] = {}
_VEVENTS_MAX = 20_000


def vevent_ical(props: tuple) -> bytes:
    """``_component(props).to_ical()``, made once per process for the same values."""
    key = tuple((name, _exact(value)) for name, value in props)
    data = _VEVENTS.get(key)
    if data is None:
        if len(_VEVENTS) >= _VEVENTS_MAX:
            _VEVENTS.clear()
        data = _VEVENTS[key] = _component(props).to_ical()
    return data


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The time zone for these years, from zoneinfo; made once, shared read-only."""
    return Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )


@lru_cache(maxsize=64)
def _vtimezone_ical(tzid: str, first_year: int, last_year: int) -> bytes:
    return _vtimezone(tzid, first_year, last_year).to_ical()


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
    VTIMEZONE is serialized once, not once per file it appears in (an event is in its own
    file and in the whole agenda; serializing is most of the iCalendar cost), and kept for
    the process: a VEVENT by all the values it is made of (``vevent_ical``), so a dev-server
    rebuild serializes only the events that changed."""

    def __init__(self, settings):
        self.settings = settings
        self.tzid = site_zone(settings).key
        self._history = History()
        self._events: dict[int, bytes] = {}  # by id(): each event's bytes once per build

    def _vevent(self, event) -> bytes:
        key = id(event)
        if key not in self._events:
            props = properties(event, self.settings, self._history)
            self._events[key] = vevent_ical(props)
        return self._events[key]

    def _zone(self, years: tuple[int, int]) -> bytes:
        return _vtimezone_ical(self.tzid, *years)

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

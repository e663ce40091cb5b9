"""Events as data for every output: past or upcoming, Dutch date lines, JSON-LD."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from itertools import groupby
from pathlib import Path

from content_model.contents import editor_summary
from content_model.problems import display_path
from content_model.schema import EVENT_KIND_LABELS as KIND_LABELS
from dutch_dates import nl_day, nl_month, nl_time
from feeds import site_url
from partners.directory import organization_ref

from .settings import setting

log = logging.getLogger(__name__)


def _midnight_after(moment: datetime) -> datetime:
    """The midnight after ``moment``'s day, in its time zone (the site's)."""
    return datetime.combine(moment.date() + timedelta(days=1), time(), tzinfo=moment.tzinfo)


def ends_at(event) -> datetime:
    """The moment an event is over: its end, or its start without one; for a date alone
    (all day) the midnight after that day."""
    end = getattr(event, "end", None)
    if end is not None:
        return _midnight_after(end) if event.end_all_day else end
    return _midnight_after(event.start) if event.start_all_day else event.start


def is_past(event, now: datetime) -> bool:
    return ends_at(event) <= now


def starts_at(event) -> datetime:
    """The moment an event begins (midnight for a date alone)."""
    return (
        datetime.combine(event.start.date(), time(), tzinfo=event.start.tzinfo)
        if event.start_all_day
        else event.start
    )


def registration_closes_at(event) -> datetime:
    """When registration on the site closes: ``registration_closes`` (a date alone: the
    midnight after that day), never later than the start."""
    closes = getattr(event, "registration_closes", None)
    start = starts_at(event)
    if closes is None:
        return start
    moment = _midnight_after(closes) if event.registration_closes_all_day else closes
    return min(moment, start)


def registration_data(event, settings, ics: bytes) -> dict:
    """What the site service needs to take registrations for an event (the build writes it as
    ``EVENT_REGISTRATION_SAVE_AS``): when it starts, ends and closes, its capacity and its
    iCalendar file (attached to the confirmation mail)."""
    return {
        "slug": event.slug,
        "title": event.title,
        "url": f"{site_url(settings)}/{event.url}",
        "when": event.when_text,
        "place": event.place_text,
        "starts_at": starts_at(event).isoformat(),
        "ends_at": ends_at(event).isoformat(),
        "closes_at": registration_closes_at(event).isoformat(),
        "capacity": getattr(event, "capacity", None),
        "ics": ics.decode("utf-8"),
    }


def _part(moment: datetime, all_day: bool) -> str:
    return nl_day(moment) if all_day else f"{nl_day(moment)}, {nl_time(moment)} uur"


def when_text(event) -> str:
    """ "donderdag 16 februari 2023, 15.00–18.00 uur"; a date alone without a time."""
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
    return moment.date().isoformat() if all_day else moment.isoformat()


def place_text(event) -> str | None:
    location = getattr(event, "location", None)
    online = getattr(event, "online", False)
    if location and online:
        return f"{location} en online"
    if location:
        return location
    return "online" if online else None


def event_jsonld(event, settings, partners_by_slug: dict) -> dict | None:
    """schema.org ``Event``; None for an event without a place (``location`` or ``online``):
    search engines require one, so the build warns the editor instead of writing invalid data."""
    base = site_url(settings)
    page = f"{base}/{event.url}"
    location = getattr(event, "location", None)
    online = getattr(event, "online", False)
    mode = "Mixed" if location and online else "Online" if online else "Offline"
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": iso_moment(event.start, event.start_all_day),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": f"https://schema.org/{mode}EventAttendanceMode",
        "url": page,
        "inLanguage": "nl",
    }
    if getattr(event, "end", None) is not None:
        data["endDate"] = iso_moment(event.end, event.end_all_day)
    if event.lead:
        data["description"] = event.lead
    places = []
    if location:
        places.append({"@type": "Place", "name": location, "address": location})
    if online:
        places.append({"@type": "VirtualLocation", "url": page})
    if not places:
        log.warning(
            "%s: geen 'location' en geen 'online: true'; zoekmachines tonen een evenement "
            "zonder plaats niet in hun agenda. Vul 'location' in (bv. location: Tolhuistuin) "
            "of zet 'online: true'",
            display_path(Path(event.source_path)),
        )
        return None
    data["location"] = places[0] if len(places) == 1 else places
    organizers = [{"@type": "Organization", "name": settings["SITENAME"], "url": f"{base}/"}]
    organizers += [
        organization_ref(p, settings)
        for p in (
            partners_by_slug[s] for s in getattr(event, "partners", []) if s in partners_by_slug
        )
    ]
    data["organizer"] = organizers if len(organizers) > 1 else organizers[0]
    registration = getattr(event, "registration", None)
    if registration == "site" and settings.get("SERVICE_URL"):
        data["offers"] = {"@type": "Offer", "url": page}
    elif registration and registration.startswith("http"):
        data["offers"] = {"@type": "Offer", "url": registration}
    return data


def by_month(events) -> list[tuple[str, list]]:
    """Consecutive events grouped by their start month: [("februari 2023", [...]), ...]."""
    return [
        (nl_month(date(year, month, 1)), list(group))
        for (year, month), group in groupby(events, key=lambda e: (e.start.year, e.start.month))
    ]


def annotate(context, settings) -> None:
    """Attach display data to every event and put the agenda's lists in the context."""
    now = context["now"]
    events = sorted(context.get("events", []), key=lambda e: e.start)
    partners_by_slug = {p.slug: p for p in context.get("partners", [])}
    for e in events:
        e.lead = editor_summary(e)
        e.is_past = is_past(e, now)
        e.when_text = when_text(e)
        e.when_iso = iso_moment(e.start, e.start_all_day)
        e.place_text = place_text(e)
        e.kind_label = KIND_LABELS.get(getattr(e, "kind", None))
        # shown above the title, unless it says the same ("Job Event" / "Job Event")
        same = e.kind_label and e.kind_label.casefold() == e.title.casefold()
        e.kind_badge = None if same else e.kind_label
        e.ics_url = setting(settings, "EVENT_ICS_SAVE_AS").format(slug=e.slug)
        e.jsonld = event_jsonld(e, settings, partners_by_slug)
        e.registration_site = getattr(e, "registration", None) == "site"
        if e.registration_site:
            closes = registration_closes_at(e)
            e.registration_closes_text = (
                f"tot en met {nl_day(closes - timedelta(minutes=1))}"
                if closes.time() == time()
                else f"tot {nl_day(closes)}, {nl_time(closes)} uur"
            )
            e.registration_open = now < closes
    upcoming = [e for e in events if not e.is_past]
    past = [e for e in reversed(events) if e.is_past]
    context["EVENT_KIND_LABELS"] = KIND_LABELS
    context["upcoming_events"] = upcoming
    context["past_events"] = past
    context["upcoming_by_month"] = by_month(upcoming)
    context["past_by_month"] = by_month(past)
    context["home_events"] = upcoming[: setting(settings, "AGENDA_HOME_COUNT")]
    for name in ("AGENDA_URL", "AGENDA_ARCHIVE_URL", "AGENDA_ICS_PATH"):
        context[name] = setting(settings, name)

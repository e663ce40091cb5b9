"""Events as data for every output: past or upcoming, Dutch date lines, JSON-LD."""

from __future__ import annotations

import logging
from datetime import date
from itertools import groupby
from pathlib import Path

from content_model.eventtext import (
    closes_text,
    ends_at,
    is_past,
    iso_moment,
    lead,
    place_text,
    registration_closes_at,
    starts_at,
    upcoming,
    when_iso,
    when_text,
)
from content_model.problems import display_path
from content_model.schema import EVENT_KIND_LABELS as KIND_LABELS
from content_model.settings import site_url
from dutch_dates import nl_month
from partners.directory import organization_ref

log = logging.getLogger(__name__)


def registration_data(event, settings, ics: bytes) -> dict:
    """What the site service needs to take registrations for an event (the build writes it as
    ``EVENT_REGISTRATION_SAVE_AS``): when it starts, ends and closes, its capacity and its
    iCalendar file (attached to the confirmation mail)."""
    return {
        "slug": event.slug,
        "title": event.title,
        "url": f"{site_url(settings)}/{event.url}",
        "when": when_text(event),
        "place": place_text(event),
        "starts_at": starts_at(event).isoformat(),
        "ends_at": ends_at(event).isoformat(),
        "closes_at": registration_closes_at(event).isoformat(),
        "capacity": getattr(event, "capacity", None),
        "ics": ics.decode("utf-8"),
    }


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
        "startDate": when_iso(event),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": f"https://schema.org/{mode}EventAttendanceMode",
        "url": page,
        "inLanguage": "nl",
    }
    if getattr(event, "end", None) is not None:
        data["endDate"] = iso_moment(event.end, event.end_all_day)
    description = lead(event)
    if description:
        data["description"] = description
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
        e.lead = lead(e)
        e.is_past = is_past(e, now)
        e.when_text = when_text(e)
        e.when_iso = when_iso(e)
        e.place_text = place_text(e)
        e.kind_label = KIND_LABELS.get(getattr(e, "kind", None))
        # shown above the title, unless it says the same ("Job Event" / "Job Event")
        same = e.kind_label and e.kind_label.casefold() == e.title.casefold()
        e.kind_badge = None if same else e.kind_label
        e.ics_url = settings["EVENT_ICS_SAVE_AS"].format(slug=e.slug)
        e.jsonld = event_jsonld(e, settings, partners_by_slug)
        e.registration_site = getattr(e, "registration", None) == "site"
        if e.registration_site:
            closes = registration_closes_at(e)
            e.registration_closes_text = closes_text(closes)
            e.registration_open = now < closes
    coming = upcoming(events, now)
    past = [e for e in reversed(events) if e.is_past]
    context["EVENT_KIND_LABELS"] = KIND_LABELS
    context["upcoming_events"] = coming
    context["past_events"] = past
    context["upcoming_by_month"] = by_month(coming)
    context["past_by_month"] = by_month(past)
    context["home_events"] = coming[: settings["AGENDA_HOME_COUNT"]]

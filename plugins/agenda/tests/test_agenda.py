"""The agenda: real Pelican builds of small projects with a fixed "now" (SWK_NOW)."""

import json
import re

import pytest

from tests.support.testing import build_project, env, make_project

NOW = "2024-01-15T12:00"


def event(title, start, **fields):
    lines = [f"title: {title}", f"start: {start}"] + [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\nOver " + title + ".\n"


EVENTS = {
    # past
    "content/events/oud.md": event(
        "Oud event",
        "2023-02-16T15:00",
        end="2023-02-16T18:00",
        location="Tolhuistuin",
        registration="https://voorbeeld.nl/oud",
    ),
    "content/events/vanochtend.md": event("Vanochtend", "2024-01-15T09:00", end="2024-01-15T11:00"),
    "content/events/zonder-einde.md": event("Zonder einde", "2024-01-15T11:59"),
    # upcoming: an all-day event today lasts until midnight
    "content/events/vandaag.md": event("Vandaag hele dag", "2024-01-15", online="true"),
    "content/events/middag.md": event(
        "Middagsessie",
        "2024-01-15T15:00",
        end="2024-01-15T18:00",
        location="Pakhuis de Zwijger",
        registration="https://voorbeeld.nl/aanmelden",
        summary="Praat mee over werk.",
    ),
    "content/events/februari.md": event(
        "Winter Event",
        "2024-02-16T15:00",
        end="2024-02-16T18:00",
        kind="netwerkevent",
        location="Tolhuistuin",
        online="true",
        partners="[wsp]",
    ),
    "content/events/meerdaags.md": event(
        "Meerdaagse training",
        "2024-03-04",
        end="2024-03-06",
        kind="training",
        registration="mailto:aanmelden@voorbeeld.nl",
    ),
    "content/events/nacht.md": event(
        "Over middernacht", "2024-03-08T20:00", end="2024-03-09T02:00"
    ),
    "content/events/concept.md": event("Geheim concept", "2024-05-01", status="draft"),
    "content/partners/wsp.md": "---\ntitle: WSP\nkind: gemeente\n---\n",
    "content/articles/verslag.md": (
        "---\ntitle: Vooruitblik op de winter\ndate: 2024-01-10\ncategory: Nieuws\n"
        "summary: Kort.\nevents: [februari]\n---\nTekst.\n"
    ),
}
UPCOMING = [
    "Vandaag hele dag",
    "Middagsessie",
    "Winter Event",
    "Meerdaagse training",
    "Over middernacht",
]
PAST = ["Zonder einde", "Vanochtend", "Oud event"]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("agenda"), EVENTS)
    with env(SWK_NOW=NOW):
        return build_project(project, SITEURL="https://swk.example")


def titles(html):
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def text(html):
    return re.sub(r"<[^>]+>", "", html)


def main(out, rel):
    html = (out / rel / "index.html").read_text()
    return html[html.index("<main") : html.index("</main>")]


def test_upcoming_soonest_first_grouped_by_dutch_month(out):
    html = main(out, "agenda")
    assert titles(html) == UPCOMING
    months = re.findall(r'<h2 class="month-title"[^>]*>([^<]+)</h2>', html)
    assert months == ["januari 2024", "februari 2024", "maart 2024"]
    assert 'href="https://swk.example/agenda/archief/"' in html
    assert "Geheim concept" not in html


def test_archive_newest_first(out):
    html = main(out, "agenda/archief")
    assert titles(html) == PAST
    assert re.findall(r'<h2 class="month-title"[^>]*>([^<]+)</h2>', html) == [
        "januari 2024",
        "februari 2023",
    ]


def test_dutch_date_and_time_lines(out):
    lines = {
        "oud": "donderdag 16 februari 2023, 15.00–18.00 uur",
        "zonder-einde": "maandag 15 januari 2024, 11.59 uur",
        "vandaag": "maandag 15 januari 2024<",  # all day: no time
        "meerdaags": "maandag 4 maart 2024 tot en met woensdag 6 maart 2024<",
        "nacht": "vrijdag 8 maart 2024, 20.00 uur tot zaterdag 9 maart 2024, 2.00 uur",  # 2.00, not 02.00
    }
    for slug, line in lines.items():
        assert line in main(out, f"agenda/{slug}"), slug
    assert '<time datetime="2023-02-16T15:00:00+01:00">' in main(out, "agenda/oud")
    assert '<time datetime="2024-01-15">' in main(out, "agenda/vandaag")


def test_event_page_place_registration_partners_and_backlinks(out):
    page = main(out, "agenda/februari")
    assert "<dd>Tolhuistuin en online</dd>" in page
    assert '<a href="https://swk.example/partners/wsp/">WSP</a>' in page
    assert 'href="https://swk.example/artikelen/verslag/">Vooruitblik op de winter</a>' in page
    assert re.search(
        r'<a class="button secondary" href="https://swk.example/agenda/februari/februari.ics" '
        r"download>.*?Zet in uw agenda<",
        page,
    )

    assert "<dd>online</dd>" in main(out, "agenda/vandaag")
    upcoming = main(out, "agenda/middag")
    assert '<a class="button" href="https://voorbeeld.nl/aanmelden">Aanmelden' in upcoming
    assert "Dit evenement is voorbij" not in upcoming
    mail = main(out, "agenda/meerdaags")
    assert '<a class="button" href="mailto:aanmelden@voorbeeld.nl">Aanmelden per e-mail' in mail

    past = main(out, "agenda/oud")
    assert "Dit evenement is voorbij." in past
    assert "voorbeeld.nl/oud" not in past and "Aanmelden" not in past  # no button once past
    assert ".ics" not in past and "Zet in uw agenda" not in past  # nor a calendar file to add
    assert 'href="https://swk.example/agenda/archief/">Archief</a>' in past  # breadcrumb


def jsonld(out, rel):
    html = (out / rel / "index.html").read_text()
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(data)


def test_event_jsonld(out):
    data = jsonld(out, "agenda/oud")
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Oud event"
    assert data["startDate"] == "2023-02-16T15:00:00+01:00"
    assert data["endDate"] == "2023-02-16T18:00:00+01:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {"@type": "Place", "name": "Tolhuistuin", "address": "Tolhuistuin"}
    assert data["url"] == "https://swk.example/agenda/oud/"

    online = jsonld(out, "agenda/vandaag")
    assert online["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert online["location"]["@type"] == "VirtualLocation"
    assert online["startDate"] == "2024-01-15" and "endDate" not in online

    mixed = jsonld(out, "agenda/februari")
    assert mixed["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [p["@type"] for p in mixed["location"]] == ["Place", "VirtualLocation"]
    assert [o["name"] for o in mixed["organizer"]] == ["Sociaal Werkkoepel Amsterdam", "WSP"]
    # a partner as organizer: its own website or no url, never our page about it
    assert mixed["organizer"][1] == {
        "@type": "Organization",
        "@id": "https://swk.example/partners/wsp/#organisatie",
        "name": "WSP",
    }


def test_an_event_without_a_place_gets_no_jsonld_and_the_editor_a_warning(out, tmp_path, caplog):
    html = (out / "agenda/vanochtend/index.html").read_text()  # no location, not online
    assert "application/ld+json" not in html  # search engines reject an Event without location
    project = make_project(
        tmp_path, {"content/events/ergens.md": event("Ergens", "2024-02-01T10:00")}
    )
    with env(SWK_NOW=NOW), caplog.at_level("WARNING"):
        build_project(project)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(
        "content/events/ergens.md: geen 'location' en geen 'online: true'" in w
        and "Vul 'location' in" in w
        for w in warnings
    ), warnings


def test_home_shows_the_next_three(out):
    html = main(out, ".")
    section = html[html.index('class="home-events"') :]
    section = section[: section.index("</section>")]
    assert re.findall(r'<li><a href="[^"]+">([^<]+)</a>', section) == UPCOMING[:3]
    assert "maandag 15 januari 2024, 15.00–18.00 uur, Pakhuis de Zwijger" in text(section)


def test_nothing_upcoming_says_so_and_links_the_archive(tmp_path):
    project = make_project(tmp_path, {"content/events/oud.md": EVENTS["content/events/oud.md"]})
    with env(SWK_NOW=NOW):
        out = build_project(project)
    html = main(out, "agenda")
    assert "Er staan op dit moment geen evenementen gepland." in html
    assert '<a href="/agenda/archief/">archief</a>' in html
    assert titles(main(out, "agenda/archief")) == ["Oud event"]
    assert "Er staan op dit moment geen evenementen gepland." in main(out, ".")


def test_now_decides_past_and_upcoming(tmp_path):
    """The same content, built a day later: today's all-day event has moved to the archive."""
    project = make_project(
        tmp_path, {"content/events/vandaag.md": EVENTS["content/events/vandaag.md"]}
    )
    with env(SWK_NOW="2024-01-15T23:59"):
        assert titles(main(build_project(project), "agenda")) == ["Vandaag hele dag"]
    with env(SWK_NOW="2024-01-16"):
        out = build_project(project)
    assert titles(main(out, "agenda")) == []
    assert titles(main(out, "agenda/archief")) == ["Vandaag hele dag"]


def test_real_agenda(site):
    assert titles(main(site, "agenda")) == ["Lente Event"]
    assert re.findall(r'<h2 class="month-title"[^>]*>([^<]+)</h2>', main(site, "agenda")) == [
        "juni 2024"
    ]
    past = titles(main(site, "agenda/archief"))
    assert past[:2] == ["Job Event", "Winter Event"] and len(past) == 6
    home = main(site, ".")
    assert "Lente Event" in home and "Job Event" not in home and "Winter Event" not in home
    assert "dinsdag 11 juni 2024, Pakhuis de Zwijger" in text(home)


@pytest.mark.parametrize(
    "start, end, text, over",
    [
        ("2024-01-15T15:00", None, "maandag 15 januari 2024, 15.00 uur", "2024-01-15T15:00"),
        ("2024-01-15", "2024-01-15", "maandag 15 januari 2024", "2024-01-16T00:00"),
        (
            "2024-01-15T15:00",
            "2024-01-16",
            "maandag 15 januari 2024, 15.00 uur tot en met dinsdag 16 januari 2024",
            "2024-01-17T00:00",
        ),
        (
            "2024-01-15",
            "2024-01-16T12:00",
            "maandag 15 januari 2024 tot dinsdag 16 januari 2024, 12.00 uur",
            "2024-01-16T12:00",
        ),
        (
            "2024-07-01T10:00",
            "2024-07-01T10:00",
            "maandag 1 juli 2024, 10.00 uur",
            "2024-07-01T10:00",
        ),
    ],
)
def test_when_text_and_end_of_every_shape(start, end, text, over):
    """The rules on the values the reader makes (aware Amsterdam datetimes + all-day flags)."""
    from types import SimpleNamespace

    from content_model.clock import parse_datetime, site_zone
    from content_model.eventtext import ends_at, when_text

    s, s_all = parse_datetime(start, site_zone())
    fields = {"start": s, "start_all_day": s_all}
    if end:
        fields["end"], fields["end_all_day"] = parse_datetime(end, site_zone())
    item = SimpleNamespace(**fields)
    assert when_text(item) == text
    assert ends_at(item) == parse_datetime(over, site_zone())[0]


REGISTRATION_EVENTS = {
    "content/events/open.md": event(
        "Lente Event",
        "2024-03-21T15:00",
        registration="site",
        capacity="30",
        registration_closes="2024-03-14",
    ),
    "content/events/gesloten.md": event(
        "Doorstroomsessie januari",
        "2024-01-20T10:00",
        registration="site",
        registration_closes="2024-01-10T12:00",
    ),
    "content/events/voorbij.md": event("Oude sessie", "2023-12-01T10:00", registration="site"),
}


@pytest.mark.parametrize("service", ["https://dienst.example", ""])
def test_registration_on_the_site(tmp_path, service):
    project = make_project(tmp_path, REGISTRATION_EVENTS)
    with env(SWK_NOW=NOW):
        out = build_project(project, SITEURL="https://swk.example", SERVICE_URL=service)
    page = (out / "agenda/open/index.html").read_text()
    closed = (out / "agenda/gesloten/index.html").read_text()
    past = (out / "agenda/voorbij/index.html").read_text()
    if service:
        assert 'action="https://dienst.example/agenda/aanmelden"' in page
        assert 'name="event" value="open"' in page and 'name="consent"' in page
        assert 'data-places-url="https://dienst.example/agenda/plaatsen/open"' in page
        assert "registration.js" in page
        assert "Aanmelden kan tot en met donderdag 14 maart 2024." in text(page)
    else:  # no service: no form, a mail link instead
        assert 'action="' not in page.split('id="inhoud"', 1)[1]
        assert "mailto:" in page and "Mail ons" in page
    for gone in (closed, past):
        assert "/agenda/aanmelden" not in gone and 'name="consent"' not in gone
    assert "Aanmelden is gesloten." in text(closed)
    # what the service reads: start, closing moment, capacity and the event's iCalendar file
    data = json.loads((out / "agenda/open/registration.json").read_text())
    assert data["slug"] == "open" and data["capacity"] == 30
    assert (
        data["starts_at"] == "2024-03-21T15:00:00+01:00"
        and data["closes_at"] == "2024-03-15T00:00:00+01:00"
    )
    assert data["ics"].startswith("BEGIN:VCALENDAR") and "Lente Event" in data["ics"]
    assert (
        json.loads((out / "agenda/gesloten/registration.json").read_text())["closes_at"]
        == "2024-01-10T12:00:00+01:00"
    )
    assert not (out / "agenda/februari/registration.json").exists()

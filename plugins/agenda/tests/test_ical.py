"""iCalendar output: valid RFC 5545, read back by icalendar and by vobject (independent)."""

import json
import os
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from tests.support.testing import build_project, env, git, make_project, write

AMS = ZoneInfo("Europe/Amsterdam")
FILES = {
    "content/events/winter.md": """
        ---
        title: Winter Event
        start: 2023-02-16T15:00
        end: 2023-02-16T18:00
        location: Tolhuistuin
        summary: Netwerken; met komma's, en puntkomma's.
        ---
        """,
    "content/events/zomer.md": "---\ntitle: Zomerdag\nstart: 2023-07-01\nonline: true\n---\n",
    "content/events/training.md": "---\ntitle: Training\nstart: 2023-10-30\nend: 2023-11-01\nkind: training\n---\n",
    "content/events/concept.md": "---\ntitle: Concept\nstart: 2023-05-01\nstatus: draft\n---\n",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("ical"), FILES)


@pytest.fixture(scope="module")
def out(project):
    with env(SWK_NOW="2023-01-01"):
        return build_project(project, SITEURL="https://swk.example")


def events_by_uid(raw: bytes):
    cal = icalendar.Calendar.from_ical(raw)
    return cal, {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_all_events_in_agenda_ics(out):
    raw = (out / "agenda.ics").read_bytes()
    cal, events = events_by_uid(raw)
    assert set(events) == {
        "winter@sociaalwerkkoepel-amsterdam",
        "zomer@sociaalwerkkoepel-amsterdam",
        "training@sociaalwerkkoepel-amsterdam",
    }  # no draft
    assert str(cal["VERSION"]) == "2.0" and "PRODID" in cal
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Amsterdam"
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded lines (RFC 5545 3.1)


def test_timed_event_has_tzid_and_url(out):
    raw = (out / "agenda/winter/winter.ics").read_bytes()
    assert b"DTSTART;TZID=Europe/Amsterdam:20230216T150000\r\n" in raw
    assert b"DTEND;TZID=Europe/Amsterdam:20230216T180000\r\n" in raw
    _, events = events_by_uid(raw)
    ev = events["winter@sociaalwerkkoepel-amsterdam"]
    assert ev.decoded("DTSTART") == datetime(2023, 2, 16, 15, tzinfo=AMS)
    assert str(ev["URL"]) == "https://swk.example/agenda/winter/"
    assert str(ev["LOCATION"]) == "Tolhuistuin"
    assert str(ev["SUMMARY"]) == "Winter Event"
    assert str(ev["DESCRIPTION"]).startswith("Netwerken; met komma's, en puntkomma's.")


def test_all_day_events_are_dates_with_exclusive_end(out):
    _, events = events_by_uid((out / "agenda.ics").read_bytes())
    zomer = events["zomer@sociaalwerkkoepel-amsterdam"]
    assert zomer["DTSTART"].params["VALUE"] == "DATE"
    assert zomer.decoded("DTSTART") == date(2023, 7, 1)
    assert zomer.decoded("DTEND") == date(2023, 7, 2)
    assert str(zomer["LOCATION"]) == "Online"
    training = events["training@sociaalwerkkoepel-amsterdam"]
    assert (training.decoded("DTSTART"), training.decoded("DTEND")) == (
        date(2023, 10, 30),
        date(2023, 11, 2),
    )
    assert [str(c) for c in training["CATEGORIES"].cats] == ["Training"]


def test_an_independent_parser_reads_it(out):
    for rel in ("agenda.ics", "agenda/winter/winter.ics", "agenda/zomer/zomer.ics"):
        cal = vobject.readOne((out / rel).read_text(encoding="utf-8"))
        assert cal.name == "VCALENDAR"
        for ev in cal.vevent_list:
            assert ev.uid.value.endswith("@sociaalwerkkoepel-amsterdam")
            assert ev.url.value.startswith("https://swk.example/agenda/")
    cal = vobject.readOne((out / "agenda/winter/winter.ics").read_text(encoding="utf-8"))
    start = cal.vevent.dtstart.value
    assert start.utcoffset() == timedelta(hours=1) and start.hour == 15  # the VTIMEZONE is used
    assert cal.vevent.dtend.value - start == timedelta(hours=3)
    summer = vobject.readOne((out / "agenda/zomer/zomer.ics").read_text(encoding="utf-8"))
    assert summer.vevent.dtstart.value == date(2023, 7, 1)


def test_rebuild_is_identical_and_uids_stable(project, out):
    before = {p.name: p.read_bytes() for p in out.rglob("*.ics")}
    with env(SWK_NOW="2024-06-01"):  # another day, other SITEURL: still the same UIDs
        again = build_project(project, SITEURL="https://swk.example")
        other = build_project(project, OUTPUT_PATH=str(project / "other"))
    assert {p.name: p.read_bytes() for p in again.rglob("*.ics")} == before
    uids = lambda folder: sorted(events_by_uid((folder / "agenda.ics").read_bytes())[1])  # noqa: E731
    assert uids(other) == uids(again)
    _, events = events_by_uid((other / "agenda.ics").read_bytes())
    assert (
        str(events["zomer@sociaalwerkkoepel-amsterdam"]["URL"])
        == "http://localhost:8000/agenda/zomer/"
    )


def test_outside_git_dtstamp_follows_the_source_file_not_the_clock(tmp_path):
    project = make_project(tmp_path, {"content/events/zomer.md": FILES["content/events/zomer.md"]})
    source = project / "content/events/zomer.md"
    os.utime(source, (1_700_000_000, 1_700_000_000))
    out = build_project(project)
    _, events = events_by_uid((out / "agenda/zomer/zomer.ics").read_bytes())
    stamp = events["zomer@sociaalwerkkoepel-amsterdam"].decoded("DTSTAMP")
    assert stamp == datetime.fromtimestamp(1_700_000_000, tz=ZoneInfo("UTC"))

    write(source, FILES["content/events/zomer.md"].replace("Zomerdag", "Zomerdag (gewijzigd)"))
    out = build_project(project)
    _, events = events_by_uid((out / "agenda/zomer/zomer.ics").read_bytes())
    ev = events["zomer@sociaalwerkkoepel-amsterdam"]  # same UID after an edit
    assert str(ev["SUMMARY"]) == "Zomerdag (gewijzigd)"
    assert ev.decoded("DTSTAMP") > stamp


def test_real_agenda_ics(site):
    cal, events = events_by_uid((site / "agenda.ics").read_bytes())
    assert len(events) == 7
    assert cal.walk("VTIMEZONE")
    assert vobject.readOne((site / "agenda.ics").read_text(encoding="utf-8")).vevent_list
    html = (site / "agenda/2024-06-11-lente-event/index.html").read_text()
    assert 'href="/agenda/2024-06-11-lente-event/2024-06-11-lente-event.ics"' in html
    assert (site / "agenda/2024-06-11-lente-event/2024-06-11-lente-event.ics").is_file()
    assert re.search(
        r'href="/agenda.ics">.*?Agenda in uw agenda-app \(iCalendar\)</a>', html
    )  # footer


def test_bad_event_stops_the_build_and_keeps_the_last_good_agenda(tmp_path):
    from content_model.problems import ContentError

    project = make_project(tmp_path, {"content/events/zomer.md": FILES["content/events/zomer.md"]})
    out = build_project(project)
    before = {
        p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.suffix in (".ics", ".html")
    }
    write(
        project / "content/events/kapot.md",
        "---\ntitle: Kapot\nstart: 2023-07-02\nend: 2023-07-01\n---\n",
    )
    with pytest.raises(ContentError) as err:
        build_project(project)
    assert 'kapot.md: veld "Einde" (end): ligt vóór het begin' in str(err.value)
    assert {p: p.read_bytes() for p in before} == before
    assert not (out / "agenda/kapot").exists()


def test_files_are_the_bytes_of_one_calendar_per_file(project, tmp_path):
    """The generator serializes each VEVENT and VTIMEZONE once and joins the bytes
    (``IcsWriter``); the files must be exactly what ``calendar(...).to_ical()`` gives."""
    from pelican import signals

    from agenda.ical import calendar

    seen = {}

    def capture(generators):
        seen["context"], seen["settings"] = generators[0].context, generators[0].settings

    signals.all_generators_finalized.connect(capture)
    try:
        with env(SWK_NOW="2023-01-01"):
            out = build_project(project, OUTPUT_PATH=str(tmp_path / "out"))
    finally:
        signals.all_generators_finalized.disconnect(capture)
    events, settings = seen["context"]["events"], seen["settings"]
    assert len(events) == 3
    for event in events:
        expected = calendar([event], settings, event.title).to_ical()
        assert (out / event.ics_url).read_bytes() == expected
    expected = calendar(events, settings, f"{settings['SITENAME']}: agenda").to_ical()
    assert (out / "agenda.ics").read_bytes() == expected


# --- changes only when the event changes (Git history), organizer, the double hour --------


def stamps(out) -> dict[str, tuple[datetime, datetime]]:
    _, events = events_by_uid((out / "agenda.ics").read_bytes())
    return {
        uid.split("@")[0]: (ev.decoded("DTSTAMP"), ev.decoded("LAST-MODIFIED"))
        for uid, ev in events.items()
    }


def test_dtstamp_is_the_last_commit_of_the_event_so_fresh_checkouts_agree(tmp_path):
    """CI checks out a fresh copy every night: file times are then the checkout's time. The
    stamps must not change unless the event's file changed (else every subscribed calendar
    sees every event as changed every night)."""
    origin = make_project(
        tmp_path / "origin", {k: v for k, v in FILES.items() if "concept" not in k}
    )
    git(origin, "init", "-q")
    git(origin, "add", ".")
    git(origin, "commit", "-qm", "agenda", when=1_600_000_000)

    clones = []
    for name, mtime in (("eerste", 1_700_000_000), ("tweede", 1_750_000_000)):
        clone = tmp_path / name
        git(tmp_path, "clone", "-q", str(origin), str(clone))
        for path in clone.rglob("*.md"):
            os.utime(path, (mtime, mtime))  # as if checked out at different times
        clones.append(build_project(clone, SITEURL="https://swk.example"))
    first, second = clones
    assert {p.name: p.read_bytes() for p in first.rglob("*.ics")} == {
        p.name: p.read_bytes() for p in second.rglob("*.ics")
    }
    committed = datetime.fromtimestamp(1_600_000_000, tz=UTC)
    assert set(stamps(first).values()) == {(committed, committed)}

    # an edit to one event, committed later, changes that event's stamps only
    clone = tmp_path / "tweede"
    write(
        clone / "content/events/zomer.md",
        FILES["content/events/zomer.md"].replace("Zomerdag", "Zomerfeest"),
    )
    uncommitted = stamps(build_project(clone, SITEURL="https://swk.example"))
    assert uncommitted["zomer"][0] > committed  # local work: the file's own time
    git(clone, "commit", "-qam", "zomer", when=1_650_000_000)
    after = stamps(build_project(clone, SITEURL="https://swk.example"))
    edited = datetime.fromtimestamp(1_650_000_000, tz=UTC)
    assert after == {**stamps(first), "zomer": (edited, edited)}


def test_every_event_names_its_organizer(out):
    raw = (out / "agenda.ics").read_bytes()
    unfolded = raw.replace(b"\r\n ", b"")
    assert (
        unfolded.count(
            b'ORGANIZER;CN="Sociaal Werkkoepel Amsterdam":mailto:sociaalwerkkoepel@amsterdam.nl\r\n'
        )
        == 3
    )
    cal = vobject.readOne(raw.decode("utf-8"))
    for ev in cal.vevent_list:
        assert ev.organizer.value == "mailto:sociaalwerkkoepel@amsterdam.nl"
        assert ev.organizer.params["CN"] == ["Sociaal Werkkoepel Amsterdam"]


DOUBLE_HOUR = {
    # 27 October 2024: at 03:00 summer time the clocks go back to 02:00, so 02:30 happens twice
    "content/events/zomertijd.md": "---\ntitle: Zomertijd\nstart: 2024-10-27T02:30+02:00\nend: 2024-10-27T02:45+01:00\nonline: true\n---\n",
    "content/events/wintertijd.md": "---\ntitle: Wintertijd\nstart: 2024-10-27T02:30+01:00\nend: 2024-10-27T03:30\nlocation: Tolhuistuin\n---\n",
    "content/events/utc.md": "---\ntitle: UTC\nstart: 2024-10-27T01:15Z\nend: 2024-10-27T04:00+01:00\nonline: true\n---\n",
}
INSTANTS = {  # the same moments in UTC
    "zomertijd": (
        datetime(2024, 10, 27, 0, 30, tzinfo=UTC),
        datetime(2024, 10, 27, 1, 45, tzinfo=UTC),
    ),
    "wintertijd": (
        datetime(2024, 10, 27, 1, 30, tzinfo=UTC),
        datetime(2024, 10, 27, 2, 30, tzinfo=UTC),
    ),
    "utc": (
        datetime(2024, 10, 27, 1, 15, tzinfo=UTC),
        datetime(2024, 10, 27, 3, 0, tzinfo=UTC),
    ),
}


def test_an_explicit_utc_offset_keeps_its_instant_also_in_the_double_hour(tmp_path):
    project = make_project(tmp_path, DOUBLE_HOUR)
    with env(SWK_NOW="2024-01-01"):
        out = build_project(project, SITEURL="https://swk.example")
    raw = (out / "agenda.ics").read_bytes()
    _, events = events_by_uid(raw)
    for slug, (start, end) in INSTANTS.items():
        ev = events[f"{slug}@sociaalwerkkoepel-amsterdam"]
        assert (ev.decoded("DTSTART"), ev.decoded("DTEND")) == (start, end), slug
    for ev in vobject.readOne(raw.decode("utf-8")).vevent_list:  # an independent reader
        slug = ev.uid.value.split("@")[0]
        assert (ev.dtstart.value, ev.dtend.value) == INSTANTS[slug], slug
    # the double hour is written in UTC; an ordinary time keeps TZID=Europe/Amsterdam
    assert (
        b"DTSTART:20241027T013000Z\r\n" in raw
        and b"DTEND;TZID=Europe/Amsterdam:20241027T033000\r\n" in raw
    )
    # and the page's JSON-LD says the same instant
    html = (out / "agenda/wintertijd/index.html").read_text()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert datetime.fromisoformat(data["startDate"]) == INSTANTS["wintertijd"][0]


def test_a_time_that_does_not_exist_in_amsterdam_is_a_content_error(tmp_path):
    from content_model.problems import ContentError

    project = make_project(
        tmp_path, {"content/events/gat.md": "---\ntitle: Gat\nstart: 2024-03-31T02:30\n---\n"}
    )
    with pytest.raises(ContentError) as err:
        build_project(project)
    assert (
        'gat.md: veld "Begin" (start): "2024-03-31T02:30" bestaat niet in Amsterdamse tijd'
        in str(err.value)
    )


# --- the bytes of each VEVENT are kept for the process, by every value they are made of -----


def test_a_dev_server_rebuild_writes_the_changed_event_never_a_kept_one(tmp_path):
    """The dev server builds many times in one process, and the VEVENT bytes of an event are
    kept by its values (``vevent_ical``): after an edit to an event's title, time and place,
    and after putting it back, each .ics is what an uncached ``calendar(...)`` gives."""
    from pelican import signals

    from agenda.ical import calendar
    from swk.devserver import DevSite
    from tests.support.testing import ROOT, overrides

    project = make_project(tmp_path, {k: v for k, v in FILES.items() if "concept" not in k})
    source = project / "content/events/winter.md"
    original = source.read_text(encoding="utf-8")
    edited = (
        original.replace("Winter Event", "Winterfeest")
        .replace("T15:00", "T16:30")
        .replace("Tolhuistuin", "Pakhuis de Zwijger")
    )
    seen = {}

    def capture(generators):
        seen["context"], seen["settings"] = generators[0].context, generators[0].settings

    def check(output) -> bytes:
        events, settings = seen["context"]["events"], seen["settings"]
        for event in events:
            expected = calendar([event], settings, event.title).to_ical()
            assert (output / event.ics_url).read_bytes() == expected, event.slug
        expected = calendar(events, settings, f"{settings['SITENAME']}: agenda").to_ical()
        assert (output / "agenda.ics").read_bytes() == expected
        return (output / "agenda/winter/winter.ics").read_bytes().replace(b"\r\n ", b"")

    signals.all_generators_finalized.connect(capture)
    try:
        with env(SWK_NOW="2023-01-01"):
            site = DevSite(
                str(ROOT / "pelicanconf.py"),
                overrides(project, SEARCH_INDEX=False, SITEURL="https://swk.example"),
            )
            try:
                site.full()
                first = check(site.output)
                assert b"SUMMARY:Winter Event\r\n" in first
                write(source, edited)
                site.update()
                changed = check(site.output)
                assert b"SUMMARY:Winterfeest\r\n" in changed
                assert b"DTSTART;TZID=Europe/Amsterdam:20230216T163000\r\n" in changed
                assert b"LOCATION:Pakhuis de Zwijger\r\n" in changed
                assert b"Winter Event" not in changed and b"Tolhuistuin" not in changed
                write(source, original)
                site.update()
                again = check(site.output)
                assert b"SUMMARY:Winter Event\r\n" in again and b"T150000\r\n" in again
            finally:
                site.close()
    finally:
        signals.all_generators_finalized.disconnect(capture)


def test_kept_vevents_tell_apart_what_compares_equal():
    """Date-times at the same instant in other zones are equal in Python (and hash the
    same), but are written otherwise: each has its own bytes, as has each other value; and
    what is written once is served again the same."""
    from agenda.ical import _component, vevent_ical

    stamp = datetime(2024, 1, 1, tzinfo=UTC)

    def props(start, **more) -> tuple:
        values = {"uid": "x@swk", "dtstamp": stamp, "dtstart": start, "summary": "Gelijk", **more}
        return tuple(values.items())

    amsterdam = datetime(2024, 6, 1, 15, tzinfo=AMS)
    london = datetime(2024, 6, 1, 14, tzinfo=ZoneInfo("Europe/London"))
    utc = datetime(2024, 6, 1, 13, tzinfo=UTC)
    first = datetime(2024, 10, 27, 2, 30, tzinfo=AMS)
    second = first.replace(fold=1)
    assert amsterdam == london == utc
    cases = [
        props(amsterdam),
        props(london),
        props(utc),
        props(first, dtend=first),
        props(first, dtend=second),  # the second 02:30 that night (fold=1)
        props(date(2024, 6, 1)),
        props(amsterdam, categories=("Training",)),
        props(amsterdam, categories=("Netwerken",)),
        props(amsterdam, organizer=("mailto:a@example.org", "Een")),
        props(amsterdam, organizer=("mailto:a@example.org", "Twee")),
    ]
    for _ in range(2):  # the second time from what is kept
        written = [vevent_ical(p) for p in cases]
        assert written == [_component(p).to_ical() for p in cases]
        assert len({written[0], written[1], written[2]}) == 3  # TZID Amsterdam, London, UTC
        # a TZID time cannot say which 02:30 it is (``span`` writes those in UTC): the same
        # bytes, and all others differ
        assert written[3] == written[4]
        assert len(set(written)) == len(cases) - 1

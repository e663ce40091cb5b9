"""Event registration end to end: the built site in headless Chromium, the service as a real
process, a real SMTP server. Three people register for an event with two places, the third
ends up on the waiting list and gets the place when someone cancels; the office exports the
list; a closed event has no form and the service refuses; bad input stores nothing."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from datetime import datetime, timedelta

import httpx
import icalendar
import pytest

from service.cli import main as cli_main
from tests.support.testing import RunningService, build_project, make_project, serve, smtp_server

SOON = (datetime.now() + timedelta(days=30)).replace(hour=15, minute=0, second=0, microsecond=0)
YESTERDAY = (datetime.now() - timedelta(days=1)).date()
EVENTS = {
    "content/events/lente.md": f"""
        ---
        title: Lente Event
        start: {SOON:%Y-%m-%dT%H:%M}
        end: {SOON:%Y-%m-%d}T18:00
        location: Tolhuistuin
        registration: site
        capacity: 2
        ---
        Kom naar het Lente Event.
        """,
    "content/events/gesloten.md": f"""
        ---
        title: Doorstroomsessie
        start: {SOON:%Y-%m-%dT%H:%M}
        registration: site
        registration_closes: {YESTERDAY:%Y-%m-%d}
        ---
        Aanmelden is gesloten.
        """,
}
PEOPLE = [
    ("Anna de Vries", "anna@example.org"),
    ("Bram Bakker", "bram@example.org"),
    ("Cor Jansen", "cor@example.org"),
]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("aanmelden")
    with smtp_server() as inbox:
        data = tmp / "data"
        data.mkdir()
        running = RunningService(
            {
                "SWK_SERVICE_MODE": "local",
                "SWK_OFFICE_EMAIL": "kantoor@example.org",
                "SWK_REGISTRATION_NOTIFY": "ja",
                **inbox.env,
            },
            data,
        )
        out = build_project(make_project(tmp / "p", EVENTS), SERVICE_URL=running.url)
        with serve(out) as site:
            running.env["SWK_SITE_URL"] = site
            running.start()
            try:
                yield running, inbox, site, out
            finally:
                running.stop()


def rows(running) -> list[dict]:
    with sqlite3.connect(running.data_dir / "service.sqlite") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM registrations ORDER BY id")]


def link(msg, path: str) -> str:
    return re.search(
        rf"(http\S+/agenda/{path}\?token=\S+)", msg.get_body(("plain",)).get_content()
    ).group(1)


def register_in_browser(page, site, name, email):
    page.goto(site + "/agenda/lente/")
    page.get_by_label("Naam").fill(name)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Organisatie").fill("Vegan Masters")
    page.get_by_label("Ja, gebruik mijn gegevens").check()
    page.get_by_role("button", name="Aanmelden").click()
    return page.get_by_role("heading", level=1).inner_text()


def test_three_people_two_places_waiting_list_and_cancel(setup, browser):
    running, inbox, site, out = setup
    page = browser.new_page(locale="nl-NL")
    page.goto(site + "/agenda/lente/")
    status = page.locator(".registration-places")
    status.wait_for(state="visible")  # the script asked the service (CORS)
    assert status.inner_text() == "Nog 2 plaatsen vrij."

    for i, (name, email) in enumerate(PEOPLE):
        heading = register_in_browser(page, site, name, email)
        assert heading == ("Vol, u komt op de wachtlijst" if i == 2 else "Kijk in uw mailbox")
        mail = inbox.wait_for(email)[0]
        assert mail["Subject"] == "Bevestig uw aanmelding: Lente Event"
        page.goto(link(mail, "bevestigen"))
        assert rows(running)[i]["status"] == "pending"  # opening the link confirms nothing
        page.get_by_role("button", name="Bevestigen").click()
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Vol, u staat op de wachtlijst" if i == 2 else "U bent aangemeld"
        )
    assert [r["status"] for r in rows(running)] == ["confirmed", "confirmed", "waiting"]
    page.goto(site + "/agenda/lente/")
    assert (
        page.locator(".registration-places").inner_text()
        == "Vol: wie zich nu aanmeldt, komt op de wachtlijst."
    )

    # the mail carries the event's iCalendar file, and it parses
    first = inbox.to("anna@example.org")[0]
    attachment = next(first.iter_attachments())
    assert (
        attachment.get_content_type() == "text/calendar"
        and attachment.get_filename() == "lente.ics"
    )
    cal = icalendar.Calendar.from_ical(attachment.get_content())
    event = next(iter(cal.walk("VEVENT")))
    assert str(event["SUMMARY"]) == "Lente Event" and event["DTSTART"].dt.hour == 15
    assert "<html" in first.get_body(("html",)).get_content()
    # the office heard of each confirmed registration
    office = inbox.wait_for("kantoor@example.org", 3)
    assert (
        office[0]["Subject"] == "Nieuwe aanmelding: Lente Event"
        and "Anna de Vries" in office[0].get_content()
    )

    # one address, one registration: the same answer, a mail saying so, nothing new stored
    assert (
        register_in_browser(page, site, "Anna de Vries", "Anna@example.org")
        == "Vol, u komt op de wachtlijst"
    )
    assert inbox.wait_for("anna@example.org", 2)[1]["Subject"] == "U bent al aangemeld: Lente Event"
    assert len(rows(running)) == 3

    # Anna cancels: GET shows a button, POST cancels, Cor gets the place by mail
    page.goto(link(first, "afmelden"))
    assert rows(running)[0]["status"] == "confirmed"
    page.get_by_role("button", name="Afmelden").click()
    assert page.get_by_role("heading", level=1).inner_text() == "U bent afgemeld"
    placed = inbox.wait_for("cor@example.org", 2)[1]
    assert placed["Subject"] == "Er is een plaats voor u: Lente Event"
    assert next(placed.iter_attachments()).get_filename() == "lente.ics"
    assert [r["status"] for r in rows(running)] == ["cancelled", "confirmed", "confirmed"]

    # the office's export: exactly the confirmed, with Dutch column names
    lines = []
    env = {**running.env, "SWK_SERVICE_DATA": str(running.data_dir), "SWK_SERVICE_URL": running.url}
    assert cli_main(["registrations", "export", "lente"], env=env, out=lines.append) == 0
    assert not lines  # the CSV went to stdout


def test_export_csv(setup, capsys):
    running, *_ = setup
    env = {**running.env, "SWK_SERVICE_DATA": str(running.data_dir), "SWK_SERVICE_URL": running.url}
    capsys.readouterr()
    assert cli_main(["registrations", "export", "lente"], env=env) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["Naam"] for r in table} == {"Bram Bakker", "Cor Jansen"}
    assert list(table[0]) == [
        "Naam",
        "E-mailadres",
        "Organisatie",
        "Opmerkingen",
        "Status",
        "Aangemeld op",
        "Bevestigd op",
    ]
    assert cli_main(["registrations", "export", "Lente!"], env=env) == 1


def post(running, site, **fields):
    data = {
        "event": "lente",
        "name": "Dirk",
        "email": "dirk@example.org",
        "organisation": "Org",
        "remarks": "",
        "consent": "ja",
        **{k: v for k, v in fields.items() if k not in ("origin",)},
    }
    html = httpx.get(site + "/agenda/lente/").text
    for name in ("consent_version", "privacy_version"):
        data.setdefault(name, re.search(rf'name="{name}" value="([^"]*)"', html).group(1))
    return httpx.post(
        running.url + "/agenda/aanmelden",
        data={k: v for k, v in data.items() if v is not None},
        headers={"Origin": fields.get("origin", site)},
    )


def test_closed_event_has_no_form_and_the_service_refuses(setup):
    running, inbox, site, out = setup
    page = (out / "agenda/gesloten/index.html").read_text()
    assert "/agenda/aanmelden" not in page and "Aanmelden is gesloten." in page
    before = len(rows(running))
    refused = post(running, site, event="gesloten")
    assert refused.status_code == 410 and "Aanmelden is gesloten" in refused.text
    assert post(running, site, event="bestaat-niet").status_code == 404
    assert len(rows(running)) == before


@pytest.mark.parametrize(
    "fields, status, message",
    [
        ({"email": "dirk@"}, 400, "Dit is geen geldig e-mailadres"),
        ({"name": ""}, 400, "Vul uw naam in."),
        ({"organisation": ""}, 400, "Vul de naam van uw organisatie in."),
        (
            {"name": "Dirk\r\nBcc: x@example.org"},
            400,
            "kan geen stuurtekens of regeleinden bevatten",
        ),
        ({"consent": None}, 400, "Vink het vakje aan"),
        ({"website_hp": "spam"}, 400, "Laat dit veld leeg"),
        ({"consent_version": "0" * 16}, 400, "Dit formulier is verouderd"),
        ({"remarks": "x" * 1001}, 400, "te lang"),
        ({"origin": "https://elders.example"}, 403, "kwam niet van onze website"),
    ],
)
def test_bad_input_is_refused_in_dutch_and_stores_nothing(setup, fields, status, message):
    running, inbox, site, out = setup
    before = len(rows(running))
    resp = post(running, site, **fields)
    assert resp.status_code == status and message in resp.text
    if status == 400:  # the form again, with what was typed
        assert 'name="organisation"' in resp.text and 'role="alert"' in resp.text
    assert len(rows(running)) == before


def test_forged_links_change_nothing(setup):
    running, *_ = setup
    for path in ("bevestigen", "afmelden"):
        resp = httpx.post(
            f"{running.url}/agenda/{path}?token=AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"
        )
        assert resp.status_code == 400 and "Deze link klopt niet" in resp.text


def test_registrations_are_deleted_days_after_the_event(tmp_path):
    import time

    from service.app import Service
    from service.config import Config

    env = {
        "SWK_SERVICE_MODE": "local",
        "SWK_SERVICE_DATA": str(tmp_path),
        "SWK_REGISTRATION_KEEP_DAYS": "30",
    }
    service = Service(Config.from_env(env))
    now = time.time()
    with service.connection() as conn:
        for i, (ended_days_ago, status, expires) in enumerate(
            [
                (31, "confirmed", now),
                (29, "confirmed", now),
                (-10, "pending", now - 1),
                (-10, "waiting", now - 1),
            ]
        ):
            conn.execute(
                "INSERT INTO registrations (uid, event, email, email_key, name, organisation, status, consent_version, "
                "privacy_version, registered_at, confirm_expires, event_ends) VALUES (?, 'e', ?, ?, 'N', 'O', ?, 'v', "
                "'p', 'nu', ?, ?)",
                (
                    f"uid{i}",
                    f"p{i}@example.org",
                    f"p{i}@example.org",
                    status,
                    expires,
                    now - ended_days_ago * 86400,
                ),
            )
    lines = []
    assert cli_main(["purge"], env=env, out=lines.append) == 0
    assert "verwijderd (onbevestigd, of 30 dagen na het evenement): 2." in lines[1]
    with service.connection() as conn:
        assert [r[0] for r in conn.execute("SELECT email FROM registrations ORDER BY id")] == [
            "p1@example.org",
            "p3@example.org",
        ]

"""End to end: the built site in headless Chromium, the service as a real process, a real
SMTP server. A visitor signs up, confirms, gets the newsletter through the publish API and
leaves with Gmail's one-click POST; the API refuses what it must; a send survives SIGKILL."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import time

import httpx

from service.app import Service
from service.config import Config
from service.subscribers import import_rows
from service.tests.conftest import newsletter_files
from service.tests.test_subscriptions import gmail_one_click
from tests.support.testing import RunningService, build_project, make_project, serve, smtp_server

TOKEN = "api-token-voor-de-test-" + "x" * 20


def start_env(inbox, **extra) -> dict:
    return {
        "SWK_SERVICE_MODE": "local",
        "SWK_API_TOKEN": TOKEN,
        "SWK_NEWSLETTER_TEST_TO": "redactie@example.org",
        "SWK_SEND_RATE": "0",
        **inbox.env,
        **extra,
    }


def api(running, method: str, path: str, token: str = TOKEN, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.request(
        method,
        running.url + path,
        headers={**headers, **kwargs.pop("headers", {})},
        timeout=30,
        **kwargs,
    )


def wait_done(running, slug: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = api(running, "GET", f"/api/nieuwsbrief/{slug}").json()
        if status["state"] != "running":
            return status
        time.sleep(0.1)
    raise AssertionError(f"send of {slug} not done in {timeout} s: {status}")


def import_subscribers(data_dir, env: dict, addresses) -> None:
    service = Service(Config.from_env({**env, "SWK_SERVICE_DATA": str(data_dir)}))
    with service.connection() as conn:
        import_rows(conn, [(i + 1, a, None) for i, a in enumerate(addresses)], "test", time.time())


def status_of(data_dir, address: str) -> str:
    with sqlite3.connect(data_dir / "service.sqlite") as conn:
        return conn.execute(
            "SELECT status FROM subscribers WHERE email_key = ?", (address,)
        ).fetchone()[0]


def test_a_visitor_signs_up_confirms_receives_and_leaves_with_one_click(tmp_path, browser):
    with smtp_server() as inbox:
        data = tmp_path / "data"
        data.mkdir()
        running = RunningService(start_env(inbox), data)  # its address is known before it starts
        out = build_project(
            make_project(tmp_path / "p", newsletter_files()), SERVICE_URL=running.url
        )
        with serve(out) as site:
            running.env["SWK_SITE_URL"] = site
            import_subscribers(
                data, {**running.env, "SWK_SERVICE_URL": running.url}, ["collega@example.org"]
            )
            running.start()
            try:
                page = browser.new_page(locale="nl-NL")
                page.goto(site + "/nieuwsbrief/")
                page.get_by_label("E-mailadres").fill("lezer@example.org")
                page.get_by_label("Naam").fill("Lea Lezer")
                page.get_by_label("Ja, ik wil de nieuwsbrief").check()
                page.get_by_role("button", name="Aanmelden").click()
                assert page.get_by_role("heading", level=1).inner_text() == "Kijk in uw mailbox"
                assert page.url == running.url + "/nieuwsbrief/kijk-in-uw-mailbox"

                mail = inbox.wait_for("lezer@example.org")[0]
                confirm = re.search(
                    r"(http\S+/nieuwsbrief/bevestigen\?token=\S+)",
                    mail.get_body(("plain",)).get_content(),
                ).group(1)
                page.goto(confirm)
                assert (
                    status_of(data, "lezer@example.org") == "pending"
                )  # opening the link is not confirming
                page.get_by_role("button", name="Bevestigen").click()
                assert page.get_by_role("heading", level=1).inner_text() == "U bent aangemeld"
                assert status_of(data, "lezer@example.org") == "confirmed"

                # the publish workflow: a test send (rendering from the published site), then the send
                assert (
                    api(
                        running,
                        "POST",
                        "/api/nieuwsbrief/januari/send",
                        json={"content_hash": "0" * 64},
                    ).status_code
                    == 409
                )
                test = api(running, "POST", "/api/nieuwsbrief/januari/test")
                assert test.status_code == 200, test.text
                digest = test.json()["content_hash"]
                assert inbox.wait_for("redactie@example.org")[0]["Subject"] == "Nieuwsbrief januari"
                assert len(inbox.to("lezer@example.org")) == 1  # the test went to the editors only
                started = api(
                    running, "POST", "/api/nieuwsbrief/januari/send", json={"content_hash": digest}
                )
                assert started.status_code == 202, started.text
                assert wait_done(running, "januari")["sent"] == 2
                again = api(
                    running, "POST", "/api/nieuwsbrief/januari/send", json={"content_hash": digest}
                )
                assert again.status_code == 200 and "al verstuurd" in again.json()["message"]

                issue = inbox.wait_for("lezer@example.org", 2)[1]
                assert (
                    issue["Subject"] == "Nieuwsbrief januari"
                    and issue["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
                )
                https = re.findall(r"<([^>]+)>", issue["List-Unsubscribe"])[0]
                assert (
                    https.startswith(running.url + "/nieuwsbrief/afmelden?token=")
                    and "lezer" not in https
                )
                assert (
                    f'href="{https}"' in issue.get_body(("html",)).get_content()
                )  # the footer link: same page
                page.goto(https)  # what a person (or a scanner) sees: a page with a button
                assert page.get_by_role("button", name="Afmelden").is_visible()
                assert status_of(data, "lezer@example.org") == "confirmed"

                # Gmail's "Afmelden" button
                with httpx.Client() as gmail:
                    assert gmail_one_click(gmail, https).status_code == 200
                assert status_of(data, "lezer@example.org") == "unsubscribed"

                # the next issue leaves them out
                digest2 = api(running, "POST", "/api/nieuwsbrief/februari/test").json()[
                    "content_hash"
                ]
                assert (
                    api(
                        running,
                        "POST",
                        "/api/nieuwsbrief/februari/send",
                        json={"content_hash": digest2},
                    ).status_code
                    == 202
                )
                assert wait_done(running, "februari")["sent"] == 1
                assert [m["Subject"] for m in inbox.to("collega@example.org")] == [
                    "Nieuwsbrief januari",
                    "Nieuwsbrief februari",
                ]
                assert len(inbox.to("lezer@example.org")) == 2
                assert "lezer@example.org" not in running.output()
            finally:
                running.stop()


def test_the_api_refuses_what_it_must_in_dutch(tmp_path, built):
    project, out = built
    with smtp_server() as inbox, serve(out) as site:
        running = RunningService(start_env(inbox, SWK_SITE_URL=site), tmp_path)
        running.start()
        try:
            for token in ("", "fout"):
                refused = api(running, "POST", "/api/nieuwsbrief/januari/test", token=token)
                assert refused.status_code == 401 and "toegangstoken" in refused.json()["message"]
            assert api(running, "GET", "/api/nieuwsbrief/Januari%20x").status_code == 400
            draft = api(running, "POST", "/api/nieuwsbrief/concept/test")
            assert draft.status_code == 409 and "staat niet op de site" in draft.json()["message"]
            assert "concept (status: draft)" in draft.json()["message"]
            no_test = api(
                running, "POST", "/api/nieuwsbrief/januari/send", json={"content_hash": "a" * 64}
            )
            assert (
                no_test.status_code == 409
                and "nog geen testversie verstuurd" in no_test.json()["message"]
            )
            assert api(running, "POST", "/api/nieuwsbrief/januari/send", json={}).status_code == 409
            wrong_type = api(
                running,
                "POST",
                "/api/nieuwsbrief/januari/send",
                content=b"content_hash=x",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert wrong_type.status_code == 415 and "Stuur JSON" in wrong_type.json()["message"]
            not_json = httpx.post(
                running.url + "/api/nieuwsbrief/januari/send",
                content=b"{nee",
                headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
            )
            assert not_json.status_code == 400 and "geen JSON" in not_json.json()["message"]
            mismatch = api(
                running, "POST", "/api/nieuwsbrief/januari/test", json={"content_hash": "b" * 64}
            )
            assert mismatch.status_code == 409 and "controlecode" in mismatch.json()["message"]
            assert inbox.messages == []
        finally:
            running.stop()


class KillingInbox:
    """Kills the service (SIGKILL) while it waits for the answer to message ``at``: that
    message has arrived, the service never learns it did."""

    def __init__(self, inbox, at: int):
        self.inbox, self.at, self.running = inbox, at, None
        self.original = inbox.handle_DATA

    async def handle_DATA(self, server, session, envelope):
        answer = await self.original(server, session, envelope)
        if len(self.inbox.messages) == self.at and self.running is not None:
            os.killpg(self.running.proc.pid, signal.SIGKILL)
        return answer


def test_killed_half_way_through_a_send_then_restarted_everyone_gets_exactly_one(tmp_path):
    with smtp_server() as inbox:
        data = tmp_path / "data"
        data.mkdir()
        running = RunningService(start_env(inbox), data)
        project = make_project(tmp_path / "p", newsletter_files())
        out = build_project(project, SERVICE_URL=running.url)
        addresses = [f"lid{i:03d}@example.org" for i in range(200)]
        import_subscribers(data, {**running.env, "SWK_SERVICE_URL": running.url}, addresses)
        running.start()
        try:
            folder = out / "nieuwsbrief" / "januari"
            body = {
                "email_json": __import__("json").loads((folder / "email.json").read_text()),
                "html": (folder / "email.html").read_text(),
                "text": (folder / "email.txt").read_text(),
            }
            digest = api(running, "POST", "/api/nieuwsbrief/januari/test", json=body).json()[
                "content_hash"
            ]
            inbox.messages.clear()
            killer = KillingInbox(inbox, at=80)
            killer.running = running
            inbox.handle_DATA = killer.handle_DATA
            assert (
                api(
                    running, "POST", "/api/nieuwsbrief/januari/send", json={"content_hash": digest}
                ).status_code
                == 202
            )
            running.proc.wait(timeout=60)
            assert running.proc.returncode == -signal.SIGKILL
            killed_at = len(inbox.messages)
            assert 80 <= killed_at < 200  # really half-way

            inbox.handle_DATA = killer.original
            running.start()  # picks the interrupted send up by itself
            status = wait_done(running, "januari")
            counts: dict[str, int] = {}
            for rcpt, _ in inbox.messages:
                counts[rcpt[0]] = counts.get(rcpt[0], 0) + 1
            assert counts == {a: 1 for a in addresses}
            # the message handed over just before the kill is "uncertain", and was not sent twice
            assert status["sent"] + status["uncertain"] == 200 and status["uncertain"] <= 1
            assert "hervat" in running.output()
        finally:
            running.stop()

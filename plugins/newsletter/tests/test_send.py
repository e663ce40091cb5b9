"""Sending against a real SMTP server (aiosmtpd on 127.0.0.1), messages read back."""

from __future__ import annotations

import email
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from newsletter.message import verify_token
from newsletter.send import SendError, send
from swk.testing import ROOT, build_project, make_project, write

SECRET = "test-geheim-niet-echt"
ARTICLE = """
---
title: Werk dat past
date: 2024-01-02
category: Nieuws
summary: Over werk dat past.
---
Tekst.
"""
ISSUE = """
---
title: Nieuwsbrief januari
date: 2024-01-10
articles: [werk]
status: {status}
---
{intro}
"""


class Inbox:
    """An aiosmtpd handler that keeps what it accepts; can refuse after K messages."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse_after: int | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse_after is not None and len(self.messages) >= self.refuse_after:
                return "451 4.3.0 Tijdelijk niet beschikbaar"
            self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"

    def parsed(self):
        return [(rcpt, email.message_from_bytes(raw, policy=policy.default)) for rcpt, raw in self.messages]

    def count_per_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for rcpt, _ in self.messages:
            for r in rcpt:
                counts[r] = counts.get(r, 0) + 1
        return counts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.env = {
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(controller.port), "SMTP_SECURITY": "none",
        "NEWSLETTER_SECRET": SECRET,
    }
    yield inbox
    controller.stop()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small project with a ready and a draft issue, built with an https SITEURL."""
    tmp = tmp_path_factory.mktemp("nb")
    project = make_project(tmp, {
        "content/articles/werk.md": ARTICLE,
        "newsletters/januari.md": ISSUE.format(status="ready", intro="Welkom."),
        "newsletters/concept.md": ISSUE.format(status="draft", intro="Nog niet klaar."),
    })
    out = build_project(project, SITEURL="https://www.example.org")
    return project, out


def _csv(tmp_path: Path, n: int, extra: str = "") -> Path:
    lines = ["email,name"] + [f"lid{i}@example.org,Lid {i}" for i in range(n)]
    return write(tmp_path / "lijst" / "abonnees.csv", "\n".join(lines) + "\n" + extra)


def _run(built, smtp, tmp_path, lines: list[str] | None = None, **kwargs):
    project, out = built
    printed = [] if lines is None else lines
    kwargs.setdefault("journal", tmp_path / "journal.sqlite")
    code = send("januari", output=out, newsletters=project / "newsletters", rate=1000,
                env=kwargs.pop("env", smtp.env), out=printed.append, err=printed.append, **kwargs)
    return code, printed


def test_test_send_then_full_send_arrive_with_both_parts_headers_and_own_unsubscribe(built, smtp, tmp_path):
    subscribers = _csv(tmp_path, 4)
    with pytest.raises(SendError, match="nog geen testversie verstuurd"):
        _run(built, smtp, tmp_path, subscribers=subscribers)
    assert smtp.messages == []

    code, printed = _run(built, smtp, tmp_path, test_to=["redactie@example.org"])
    assert code == 0 and smtp.messages[0][0] == ["redactie@example.org"]

    code, printed = _run(built, smtp, tmp_path, subscribers=subscribers)
    assert code == 0, printed
    assert "Verstuurd: 4. Al eerder verstuurd: 0." in " ".join(printed)
    full = smtp.parsed()[1:]
    assert sorted(r[0] for r, _ in full) == [f"lid{i}@example.org" for i in range(4)]
    tokens = set()
    for ((rcpt,), msg), (_, raw) in zip(full, smtp.messages[1:]):
        assert msg.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
        assert msg["To"].addresses[0].addr_spec == rcpt
        assert msg["Subject"] == "Nieuwsbrief januari"
        assert msg["From"] == "Sociaal Werkkoepel Amsterdam <sociaalwerkkoepel@amsterdam.nl>"
        assert msg["Reply-To"] == "sociaalwerkkoepel@amsterdam.nl"
        assert msg["Date"] and msg["Message-ID"]
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode()
        assert "=?" not in head  # no encoded words: clients must read the headers as they are
        https, mailto = re.findall(r"<([^>]+)>", msg["List-Unsubscribe"])
        assert https.startswith("https://www.example.org/nieuwsbrief/afmelden/?token=")
        assert mailto == "mailto:sociaalwerkkoepel@amsterdam.nl?subject=Afmelden%20nieuwsbrief"
        token = https.split("token=")[1]
        assert verify_token(token, SECRET) == rcpt and verify_token(token, "ander-geheim") is None
        html = msg.get_body(("html",)).get_content()
        text = msg.get_body(("plain",)).get_content()
        assert f'href="{https}"' in html and https in text
        assert "AFMELDCODE" not in html + text
        others = [f"lid{i}@example.org" for i in range(4) if f"lid{i}@example.org" != rcpt]
        assert not any(o in msg.as_string() for o in others)  # no list of addresses anywhere
        tokens.add(token)
    assert len(tokens) == 4

    # running again sends nothing: everyone has it already
    code, printed = _run(built, smtp, tmp_path, subscribers=subscribers)
    assert "Verstuurd: 0. Al eerder verstuurd: 4." in " ".join(printed) and len(smtp.messages) == 5


def test_refused_half_way_then_rerun_delivers_each_recipient_once(built, smtp, tmp_path):
    subscribers = _csv(tmp_path, 8)
    _run(built, smtp, tmp_path, test_to=["redactie@example.org"])
    smtp.messages.clear()
    smtp.refuse_after = 3  # the server starts refusing after 3 messages
    code, printed = _run(built, smtp, tmp_path, subscribers=subscribers)
    assert code == 1 and len(smtp.messages) == 3
    assert "gestopt" in " ".join(printed)
    smtp.refuse_after = None
    code, printed = _run(built, smtp, tmp_path, subscribers=subscribers)
    assert code == 0, printed
    assert "Verstuurd: 5. Al eerder verstuurd: 3." in " ".join(printed)
    assert smtp.count_per_recipient() == {f"lid{i}@example.org": 1 for i in range(8)}


def test_killed_sender_then_rerun_delivers_each_recipient_exactly_once(built, smtp, tmp_path):
    project, out = built
    subscribers = _csv(tmp_path, 10)
    journal = tmp_path / "journal.sqlite"
    base = [sys.executable, "-m", "swk", "newsletter", "send", "januari", "--output", str(out),
            "--newsletters", str(project / "newsletters"), "--journal", str(journal)]
    child_env = {**os.environ, **smtp.env, "PYTHONPATH": str(ROOT)}
    subprocess.run(base + ["--test-to", "redactie@example.org"], cwd=ROOT, env=child_env, check=True,
                   capture_output=True)
    smtp.messages.clear()

    proc = subprocess.Popen(base + ["--subscribers", str(subscribers), "--rate", "4"], cwd=ROOT,
                            env=child_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _sent_in_journal(journal) < 4:  # kill it once 4 are recorded as sent
        assert time.monotonic() < deadline and proc.poll() is None, "the sender did not get going"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    first_run = len(smtp.messages)
    assert 4 <= first_run < 10  # it really was stopped half-way

    result = subprocess.run(base + ["--subscribers", str(subscribers), "--rate", "50"], cwd=ROOT,
                            env=child_env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"Al eerder verstuurd: {first_run}." in result.stdout
    assert smtp.count_per_recipient() == {f"lid{i}@example.org": 1 for i in range(10)}


def _sent_in_journal(path: Path) -> int:
    import sqlite3

    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=5) as db:
            return db.execute("SELECT count(*) FROM deliveries WHERE state = 'sent'").fetchone()[0]
    except sqlite3.OperationalError:  # table not created yet
        return 0


def test_uncertain_delivery_is_not_repeated_unless_asked(built, smtp, tmp_path):
    from newsletter.send import Journal

    subscribers = _csv(tmp_path, 3)
    _run(built, smtp, tmp_path, test_to=["redactie@example.org"])
    journal = Journal(tmp_path / "journal.sqlite")  # as after a connection lost mid-message
    journal.mark("januari", "lid1@example.org", "pending", "x")
    journal.close()
    code, printed = _run(built, smtp, tmp_path, subscribers=subscribers)
    assert code == 1 and "Onzeker (1): lid1@example.org" in " ".join(printed)
    assert sorted(r[0] for r, _ in smtp.messages[1:]) == ["lid0@example.org", "lid2@example.org"]
    code, printed = _run(built, smtp, tmp_path, subscribers=subscribers, retry_uncertain=True)
    assert code == 0 and smtp.count_per_recipient()["lid1@example.org"] == 1


def test_draft_is_refused(built, smtp, tmp_path):
    project, out = built
    with pytest.raises(SendError) as err:
        send("concept", output=out, newsletters=project / "newsletters", test_to=["redactie@example.org"],
             journal=tmp_path / "j.sqlite", env=smtp.env, out=print, err=print)
    assert "concept.md: deze nieuwsbrief is een concept (status: draft)" in str(err.value)
    assert "status: ready" in str(err.value)
    assert smtp.messages == []
    # the command line says so in Dutch and exits non-zero
    result = subprocess.run(
        [sys.executable, "-m", "swk", "newsletter", "send", "concept", "--output", str(out),
         "--newsletters", str(project / "newsletters"), "--test-to", "redactie@example.org",
         "--journal", str(tmp_path / "j.sqlite")],
        cwd=ROOT, env={**os.environ, **smtp.env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    assert result.returncode == 1 and "Niet verstuurd:" in result.stderr and "concept" in result.stderr


def test_bad_rows_are_reported_and_the_good_ones_sent(built, smtp, tmp_path):
    subscribers = write(tmp_path / "lijst.csv", "\n".join([
        "email;name", "goed1@example.org;Goed", "geen-adres;Fout", "", "goed2@example.org",
        "GOED1@example.org;Dubbel", "a b@example.org",
    ]) + "\n")
    _run(built, smtp, tmp_path, test_to=["redactie@example.org"])
    code, printed = _run(built, smtp, tmp_path, subscribers=subscribers)
    report = "\n".join(printed)
    assert f'{subscribers}:3: "geen-adres" is geen geldig e-mailadres; regel overgeslagen' in report
    assert f"{subscribers}:6: GOED1@example.org staat al op regel 2; regel overgeslagen" in report
    assert f'{subscribers}:7: "a b@example.org" is geen geldig e-mailadres' in report
    assert "Ongeldige regels overgeslagen: 3" in report
    assert code == 0
    assert sorted(r[0] for r, _ in smtp.messages[1:]) == ["goed1@example.org", "goed2@example.org"]


def test_dry_run_writes_eml_files_and_sends_nothing(built, smtp, tmp_path):
    subscribers = _csv(tmp_path, 2)
    no_smtp = {"NEWSLETTER_SECRET": SECRET}
    code, printed = _run(built, smtp, tmp_path, subscribers=subscribers, dry_run=tmp_path / "proef",
                         env=no_smtp)
    assert code == 0 and smtp.messages == []
    files = sorted((tmp_path / "proef").glob("*.eml"))
    assert [f.name for f in files] == ["00001-lid0@example.org.eml", "00002-lid1@example.org.eml"]
    msg = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["To"].addresses[0].addr_spec == "lid0@example.org"
    # a dry run is no test send and marks no one as sent
    with pytest.raises(SendError, match="nog geen testversie"):
        _run(built, smtp, tmp_path, subscribers=subscribers)


def test_a_changed_rendering_needs_a_new_test_send(tmp_path, smtp):
    project = make_project(tmp_path / "p", {
        "content/articles/werk.md": ARTICLE,
        "newsletters/januari.md": ISSUE.format(status="ready", intro="Eerste versie."),
    })
    out = build_project(project, SITEURL="https://www.example.org")
    subscribers = _csv(tmp_path, 1)
    journal = tmp_path / "j.sqlite"
    common = dict(output=out, newsletters=project / "newsletters", journal=journal, env=smtp.env,
                  out=lambda s: None, err=lambda s: None, rate=1000)
    assert send("januari", test_to=["redactie@example.org"], **common) == 0
    write(project / "newsletters/januari.md", ISSUE.format(status="ready", intro="Tweede versie."))
    build_project(project, SITEURL="https://www.example.org")
    with pytest.raises(SendError, match="nog geen testversie"):
        send("januari", subscribers=subscribers, **common)
    # a list inside the repository is refused
    with pytest.raises(SendError, match="staat in de repository"):
        send("januari", test_to=[], subscribers=ROOT / "README.md", **common)


def test_missing_secret_and_http_unsubscribe_are_refused(site, smtp, tmp_path):
    subscribers = _csv(tmp_path, 1)
    common = dict(output=site, newsletters=ROOT / "newsletters", journal=tmp_path / "j.sqlite",
                  out=lambda s: None, err=lambda s: None, rate=1000)
    with pytest.raises(SendError, match="NEWSLETTER_SECRET ontbreekt"):
        send("2020-05-nieuwsbrief-3", test_to=["redactie@example.org"],
             env={k: v for k, v in smtp.env.items() if k != "NEWSLETTER_SECRET"}, **common)
    assert send("2020-05-nieuwsbrief-3", test_to=["redactie@example.org"], env=smtp.env, **common) == 0
    with pytest.raises(SendError, match="geen https-adres"):
        send("2020-05-nieuwsbrief-3", subscribers=subscribers, env=smtp.env, **common)


def test_test_send_with_a_list_sends_only_the_test_and_says_so(built, smtp, tmp_path):
    code, printed = _run(built, smtp, tmp_path, test_to=["redactie@example.org"],
                         subscribers=_csv(tmp_path, 3))
    assert code == 0
    assert [rcpt for rcpt, _ in smtp.messages] == [["redactie@example.org"]]
    assert "Alleen een testversie: met --test-to wordt de abonneelijst niet gebruikt." in printed

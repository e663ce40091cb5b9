"""The service's sender against a real SMTP server (aiosmtpd on 127.0.0.1), in process: the
journal in the service database, test first, bounces, retries, DKIM, refusals."""

from __future__ import annotations

import base64
import re
import subprocess
import threading
import time

import pytest

from service.app import Service
from service.config import Config
from service.mailing import rendering as renderings
from service.mailing import sender_connection
from service.mailing.rendering import SendError
from service.mailing.sender import Sender, begin, check_send, report
from service.mailing.transport import transport_for
from service.subscribers import by_email, import_rows, unsubscribe
from service.tests.conftest import SERVICE, newsletter_files
from tests.support.testing import build_project, make_project, smtp_server


@pytest.fixture
def smtp():
    with smtp_server() as inbox:
        yield inbox


def setup(tmp_path, smtp, **env) -> tuple[Config, Service]:
    config = Config.from_env(
        {
            "SWK_SERVICE_MODE": "local",
            "SWK_SERVICE_DATA": str(tmp_path / "data"),
            "SWK_SERVICE_URL": SERVICE,
            "SWK_SEND_RATE": "0",
            "SWK_SEND_RETRY": "0.05,0.05,0.05",
            **smtp.env,
            **env,
        }
    )
    return config, Service(config)


def add(service, n: int, prefix: str = "lid") -> None:
    with service.connection() as conn:
        import_rows(
            conn,
            [(i + 2, f"{prefix}{i}@example.org", f"Lid {i}") for i in range(n)],
            "test",
            time.time(),
        )


def test_send(config, service, r, to=("redactie@example.org",)) -> None:
    with service.connection() as conn:
        Sender(config, conn, r, transport_for(config)).test(list(to))


test_send.__test__ = False  # a helper, not a test


def real_send(config, slug, digest=None, retry_uncertain=False):
    conn = sender_connection(config)
    try:
        r = check_send(conn, config, slug, digest)
        begin(conn, r)
        return Sender(config, conn, r, transport_for(config)).run(retry_uncertain)
    finally:
        conn.close()


def per_recipient(inbox) -> dict[str, int]:
    counts: dict[str, int] = {}
    for rcpt, _ in inbox.messages:
        for r in rcpt:
            counts[r] = counts.get(r, 0) + 1
    return counts


def test_test_first_then_each_subscriber_once_with_own_opaque_unsubscribe(built, smtp, tmp_path):
    project, out = built
    config, service = setup(tmp_path, smtp)
    add(service, 4)
    r = renderings.from_folder(out, "januari", project / "newsletters")
    with pytest.raises(SendError, match="nog geen testversie verstuurd"):
        real_send(config, "januari")
    assert smtp.messages == []

    test_send(config, service, r)
    assert [rcpt for rcpt, _ in smtp.messages] == [["redactie@example.org"]]
    result = real_send(config, "januari")
    assert result.state == "done" and result.counts == {"sent": 4} and result.remaining == 0
    full = smtp.parsed()[1:]
    assert sorted(rcpt[0] for rcpt, _ in full) == [f"lid{i}@example.org" for i in range(4)]
    tokens = set()
    for ((rcpt,), msg), (_, raw) in zip(full, smtp.messages[1:], strict=True):
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
        assert https.startswith(f"{SERVICE}/nieuwsbrief/afmelden?token=")
        assert mailto == "mailto:sociaalwerkkoepel@amsterdam.nl?subject=Afmelden%20nieuwsbrief"
        token = https.split("token=")[1]
        # opaque: neither the address nor anything that decodes to it
        decoded = b"".join(
            base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)) for p in token.split(".")
        )
        assert rcpt not in https and rcpt.encode() not in decoded and b"example.org" not in decoded
        html = msg.get_body(("html",)).get_content()
        text = msg.get_body(("plain",)).get_content()
        assert f'href="{https}"' in html and https in text
        assert "AFMELDCODE" not in html + text
        others = [f"lid{i}@example.org" for i in range(4) if f"lid{i}@example.org" != rcpt]
        assert not any(o in msg.as_string() for o in others)  # no list of addresses anywhere
        tokens.add(token)
    assert len(tokens) == 4

    # a second trigger sends nothing; the journal knows everyone has it
    again = real_send(config, "januari")
    assert again.counts == {"sent": 4} and len(smtp.messages) == 5


def test_permanent_refusal_bounces_that_subscriber_and_goes_on(built, smtp, tmp_path):
    project, out = built
    config, service = setup(tmp_path, smtp)
    add(service, 4)
    smtp.reject = {"lid1@example.org"}
    test_send(config, service, renderings.from_folder(out, "januari"))
    result = real_send(config, "januari")
    assert result.counts == {"sent": 3, "bounced": 1} and result.state == "done"
    with service.connection() as conn:
        lid1 = by_email(conn, "lid1@example.org")
    assert lid1.status == "bounced" and lid1.bounce_reason.startswith("550")
    # the next issue leaves them out
    smtp.reject = set()
    test_send(config, service, renderings.from_folder(out, "februari"))
    assert real_send(config, "februari").counts == {"sent": 3}
    assert "lid1@example.org" not in per_recipient(smtp)


def test_temporary_refusals_are_retried_later_and_everyone_gets_one(built, smtp, tmp_path):
    project, out = built
    config, service = setup(tmp_path, smtp, SWK_SEND_RETRY="0.2,0.4,0.8,1.6")
    add(service, 6)
    test_send(config, service, renderings.from_folder(out, "januari"))
    smtp.messages.clear()
    smtp.refuse_after = 2  # 451 for everything after two messages ...
    threading.Timer(
        0.5, lambda: setattr(smtp, "refuse_after", None)
    ).start()  # ... for half a second
    result = real_send(config, "januari")
    assert result.state == "done" and result.counts == {"sent": 6}
    assert per_recipient(smtp) == {f"lid{i}@example.org": 1 for i in range(6)}
    with service.connection() as conn:
        retried = conn.execute("SELECT count(*) FROM deliveries WHERE attempts > 0").fetchone()[0]
    assert retried >= 1


def test_uncertain_delivery_is_not_repeated_unless_asked(built, smtp, tmp_path):
    project, out = built
    config, service = setup(tmp_path, smtp)
    add(service, 3)
    test_send(config, service, renderings.from_folder(out, "januari"))
    smtp.messages.clear()
    with (
        service.connection() as conn
    ):  # as after a crash between the final '.' and the server's answer
        r = check_send(conn, config, "januari")
        begin(conn, r)
        lid1 = by_email(conn, "lid1@example.org")
        conn.execute(
            "INSERT INTO deliveries VALUES ('januari', ?, 'pending', 0, NULL, NULL, 'x')",
            (lid1.id,),
        )
    result = real_send(config, "januari")
    assert result.counts == {"sent": 2, "pending": 1} and "Onzeker: 1" in result.summary()
    assert sorted(per_recipient(smtp)) == ["lid0@example.org", "lid2@example.org"]
    assert real_send(config, "januari", retry_uncertain=True).counts == {"sent": 3}
    assert per_recipient(smtp)["lid1@example.org"] == 1


def test_unsubscribed_pending_and_imported_again_are_left_out(built, smtp, tmp_path):
    project, out = built
    config, service = setup(tmp_path, smtp)
    add(service, 3)
    with service.connection() as conn:
        unsubscribe(conn, by_email(conn, "lid0@example.org").uid, "pagina", time.time())
        report_ = import_rows(
            conn,
            [(2, "lid0@example.org", None), (3, "nieuw@example.org", None)],
            "lijst",
            time.time(),
        )
        conn.execute(
            "INSERT INTO subscribers (uid, email, email_key, status, source, signed_up_at) "
            "VALUES ('u', 'wacht@example.org', 'wacht@example.org', 'pending', 'formulier', 'x')"
        )
    assert (report_.added, report_.refused) == (1, 1)
    test_send(config, service, renderings.from_folder(out, "januari"))
    real_send(config, "januari")
    assert sorted(per_recipient(smtp)) == [
        "lid1@example.org",
        "lid2@example.org",
        "nieuw@example.org",
        "redactie@example.org",
    ]


def test_drafts_tampered_files_and_renderings_without_the_service_are_refused(
    built, smtp, tmp_path
):
    project, out = built
    config, service = setup(tmp_path, smtp)
    with pytest.raises(SendError) as err:
        renderings.from_folder(out, "concept", project / "newsletters")
    assert "concept.md: deze nieuwsbrief is een concept (status: draft)" in str(err.value)
    r = renderings.from_folder(out, "januari")
    body = {"email_json": {**r.meta, "status": "draft"}, "html": r.html, "text": r.text}
    with pytest.raises(SendError, match="concept"):
        renderings.from_request("januari", body)
    body = {"email_json": r.meta, "html": r.html.replace("Welkom", "Welkom!"), "text": r.text}
    with pytest.raises(SendError, match="past niet bij de controlecode"):
        renderings.from_request("januari", body)

    # built without SWK_SERVICE_URL: a test send is fine, a real send says why not
    other = make_project(tmp_path / "zonder", newsletter_files())
    plain = build_project(other, SITEURL="https://www.example.org")
    test_send(config, service, renderings.from_folder(plain, "januari"))
    with pytest.raises(
        SendError, match="gebouwd zonder de dienst .*SWK_SERVICE_URL=https://dienst.example.org"
    ):
        real_send(config, "januari")
    # links to another service would lose unsubscribes
    config2, service2 = setup(tmp_path / "ander", smtp, SWK_SERVICE_URL="https://ander.example.org")
    test_send(config2, service2, r)
    with pytest.raises(SendError, match="niet naar deze dienst"):
        real_send(config2, "januari")


def test_a_sent_issue_is_never_sent_again_in_another_version(built, smtp, tmp_path):
    project, out = built
    config, service = setup(tmp_path, smtp)
    add(service, 1)
    r = renderings.from_folder(out, "januari")
    test_send(config, service, r)
    real_send(config, "januari")
    changed = {
        "email_json": dict(r.meta),
        "html": r.html.replace("Welkom.", "Welkom!"),
        "text": r.text,
    }
    from newsletter.message import content_hash

    changed["email_json"]["content_hash"] = content_hash(changed["html"], r.text, r.meta)
    with pytest.raises(
        SendError, match="nog geen testversie"
    ):  # a changed rendering needs its own test
        real_send(config, "januari", changed["email_json"]["content_hash"])
    test_send(config, service, renderings.from_request("januari", changed))
    with pytest.raises(SendError, match="al in een andere versie"):
        real_send(config, "januari")


def test_dkim_signature_covers_both_list_unsubscribe_headers_and_verifies(built, smtp, tmp_path):
    import dkim

    key = tmp_path / "dkim.pem"
    subprocess.run(
        [
            "openssl",
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            str(key),
        ],
        check=True,
        capture_output=True,
    )
    public = subprocess.run(
        ["openssl", "pkey", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    project, out = built
    config, service = setup(tmp_path, smtp, SWK_DKIM_SELECTOR="nb2024", SWK_DKIM_KEY_FILE=str(key))
    add(service, 1)
    test_send(config, service, renderings.from_folder(out, "januari"))
    real_send(config, "januari")
    raw = smtp.messages[-1][1]
    signature = raw.split(b"\r\n\r\n")[0].decode()
    assert "d=amsterdam.nl" in signature and "s=nb2024" in signature
    signed = (
        re.search(r"h=([^;]+);", signature.replace("\r\n", "").replace(" ", ""))
        .group(1)
        .lower()
        .split(":")
    )
    assert {"list-unsubscribe", "list-unsubscribe-post", "from", "subject"} <= set(signed)

    def dns(name, timeout=5):
        assert name == b"nb2024._domainkey.amsterdam.nl."
        return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    assert dkim.verify(raw, dnsfunc=dns)
    assert not dkim.verify(
        raw.replace(
            b"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            b"List-Unsubscribe-Post: List-Unsubscribe=Two-Clicks",
        ),
        dnsfunc=dns,
    )


def test_status_report_counts_what_is_left(built, smtp, tmp_path):
    project, out = built
    config, service = setup(tmp_path, smtp)
    add(service, 2)
    with service.connection() as conn:
        assert report(conn, "januari").state == ""
    test_send(config, service, renderings.from_folder(out, "januari"))
    real_send(config, "januari")
    with service.connection() as conn:
        result = report(conn, "januari")
    assert result.as_json()["sent"] == 2 and result.subject == "Nieuwsbrief januari"

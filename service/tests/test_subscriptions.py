"""Sign-up, confirmation and unsubscribe against the real service process (uvicorn on
127.0.0.1) and a real SMTP server: what a browser, a mail scanner and a mail program do."""

from __future__ import annotations

import re
import sqlite3
import time

import httpx
import pytest

from service import tokens
from tests.support.testing import service, smtp_server

SITE = "http://site.example"
GMAIL_BOUNDARY = "----WebKitFormBoundaryX3yYq2Zp8mN4bQ7s"


@pytest.fixture(scope="module")
def smtp():
    with smtp_server() as inbox:
        yield inbox


@pytest.fixture(scope="module")
def svc(smtp, tmp_path_factory):
    with service(
        tmp_path_factory.mktemp("dienst"), SWK_SITE_URL=SITE, SWK_LIMIT_CLIENT=5, **smtp.env
    ) as running:
        yield running


@pytest.fixture(scope="module")
def client(svc):
    with httpx.Client(base_url=svc.url, timeout=10) as c:
        yield c


@pytest.fixture(scope="module")
def form(client) -> dict:
    """The hidden fields of the form as the service itself renders it (the site's are the same)."""
    html = client.get("/nieuwsbrief/aanmelden").text
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("consent_version", "privacy_version")
    }


_ips = iter(range(1, 250))


def fresh_ip() -> str:
    return f"192.0.2.{next(_ips)}"  # a client address of its own, through the proxy header


def signup(client, form, email, ip=None, headers=None, **fields):
    data = {"email": email, "name": "", "consent": "ja", "page": "/nieuwsbrief/", **form, **fields}
    head = {"Origin": SITE, "X-Forwarded-For": ip or fresh_ip(), **(headers or {})}
    return client.post(
        "/nieuwsbrief/aanmelden",
        data={k: v for k, v in data.items() if v is not None},
        headers={k: v for k, v in head.items() if v is not None},
    )


def rows(svc) -> list[dict]:
    with sqlite3.connect(svc.data_dir / "service.sqlite") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM subscribers ORDER BY id")]


def row(svc, email) -> dict | None:
    return next((r for r in rows(svc) if r["email_key"] == email.lower()), None)


def secret(svc) -> str:
    return (svc.data_dir / "swk_secret_key.local").read_text().strip()


def link(msg, kind: str) -> str:
    return re.search(
        rf"(http\S+/nieuwsbrief/{kind}\?token=\S+)", msg.get_body(("plain",)).get_content()
    ).group(1)


def h1(response) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.text).group(1)


def test_sign_up_confirm_only_by_post_and_the_consent_record(svc, client, form, smtp):
    response = signup(client, form, "an@example.org", name="An de Vries", page="/")
    assert response.status_code == 303
    assert response.headers["location"] == f"{svc.url}/nieuwsbrief/kijk-in-uw-mailbox"
    assert h1(client.get(response.headers["location"])) == "Kijk in uw mailbox"
    mail = smtp.wait_for("an@example.org")[0]
    assert mail["Subject"] == "Bevestig uw aanmelding voor de nieuwsbrief"
    assert mail["To"].addresses[0].display_name == "An de Vries"
    assert [p.get_content_type() for p in mail.iter_parts()] == ["text/plain", "text/html"]
    html = mail.get_body(("html",)).get_content()
    assert "<mj-" not in html and 'lang="nl"' in html and "Aanmelding bevestigen" in html
    assert (
        "Beste An de Vries," in html
        and "Beste An de Vries," in mail.get_body(("plain",)).get_content()
    )
    confirm = link(mail, "bevestigen")
    assert f'href="{confirm}"' in html and "an@example.org" not in confirm
    before = row(svc, "an@example.org")
    assert before["status"] == "pending"

    # the scanner case: GET and HEAD show a page and change nothing
    page = client.get(confirm)
    assert page.status_code == 200 and h1(page) == "Bevestig uw aanmelding"
    assert f'<form class="service-form" method="post" action="{confirm}">' in page.text.replace(
        "&amp;", "&"
    )
    assert client.head(confirm).status_code == 200
    assert row(svc, "an@example.org") == before

    done = client.post(confirm)
    assert done.status_code == 200 and h1(done) == "U bent aangemeld"
    again = client.post(confirm)  # the link can be pressed again
    assert again.status_code == 200 and "al bevestigd" in again.text
    record = row(svc, "an@example.org")
    assert record["status"] == "confirmed" and record["confirmed_at"] >= record["signed_up_at"]
    assert record["signup_page"] == "/" and record["source"] == "formulier"
    assert record["consent_version"] == form["consent_version"]
    assert (
        record["privacy_version"] == form["privacy_version"]
        and len(record["privacy_version"]) == 40
    )
    with sqlite3.connect(svc.data_dir / "service.sqlite") as conn:
        text = conn.execute(
            "SELECT text FROM consent_texts WHERE version = ?", (form["consent_version"],)
        ).fetchone()[0]
    assert text.startswith(
        "Ja, ik wil de nieuwsbrief van Sociaal Werkkoepel Amsterdam per e-mail ontvangen."
    )
    assert "an@example.org" not in svc.output()  # addresses never in the log
    assert tokens.address_hash(secret(svc), "an@example.org") in svc.output()


def test_the_same_answer_for_new_pending_and_confirmed_addresses(svc, client, form, smtp):
    answers = [signup(client, form, "nieuw@example.org"), signup(client, form, "nieuw@example.org")]
    smtp.wait_for("nieuw@example.org", 2)
    client.post(link(smtp.to("nieuw@example.org")[0], "bevestigen"))
    answers.append(signup(client, form, "Nieuw@Example.org"))
    answers.append(signup(client, form, "onbekend@example.org"))
    assert {(a.status_code, a.headers["location"], a.text) for a in answers} == {
        (303, f"{svc.url}/nieuwsbrief/kijk-in-uw-mailbox", "")
    }
    # only the mailbox learns the difference
    mails = smtp.wait_for("nieuw@example.org", 3)
    assert mails[2]["Subject"] == "U bent al aangemeld voor de nieuwsbrief"
    assert "/nieuwsbrief/afmelden?token=" in mails[2].get_body(("plain",)).get_content()
    assert row(svc, "nieuw@example.org")["status"] == "confirmed"


def test_rate_limits_per_client_and_per_address(svc, client, form, smtp):
    ip = fresh_ip()
    for i in range(5):  # SWK_LIMIT_CLIENT=5 per hour
        assert signup(client, form, f"buur{i}@example.org", ip=ip).status_code == 303
    count = len(rows(svc))
    blocked = signup(client, form, "buur5@example.org", ip=ip)
    assert blocked.status_code == 429 and "te veel aanmeldingen" in blocked.text
    assert len(rows(svc)) == count
    # one address, many clients: at most 3 mails a day, and still the same answer
    for _ in range(5):
        assert signup(client, form, "doelwit@example.org").status_code == 303
    time.sleep(1.0)
    assert len(smtp.wait_for("doelwit@example.org", 3)) == 3
    time.sleep(0.5)
    assert len(smtp.to("doelwit@example.org")) == 3


BAD = [
    (
        {"email": "geen-adres"},
        {},
        400,
        "Dit is geen geldig e-mailadres. Schrijf het als naam@voorbeeld.nl.",
    ),
    (
        {"email": "a" * 250 + "@example.org"},
        {},
        400,
        "Dit e-mailadres is te lang (meer dan 254 tekens)",
    ),
    (
        {"email": "an@example.org\r\nBcc: veel@example.org"},
        {},
        400,
        "Een e-mailadres kan geen regeleinde bevatten",
    ),
    (
        {"name": "An\r\nBcc: veel@example.org"},
        {},
        400,
        "Een naam kan geen regeleinden of andere stuurtekens bevatten",
    ),
    ({"name": "x" * 101}, {}, 400, "Deze naam is te lang"),
    ({"consent": None}, {}, 400, "Vink het vakje aan als u de nieuwsbrief wilt ontvangen"),
    ({"consent": "nee"}, {}, 400, "Vink het vakje aan als u de nieuwsbrief wilt ontvangen"),
    (
        {"website": "http://spam.example"},
        {},
        400,
        "Het verborgen veld ‘Laat dit veld leeg’ is ingevuld",
    ),
    (
        {"consent_version": "0000000000000000"},
        {},
        400,
        "Dit formulier is verouderd. Laad de pagina opnieuw",
    ),
    ({"privacy_version": "abc"}, {}, 400, "Dit formulier is verouderd"),
    ({}, {"Origin": "https://kwaad.example"}, 403, "Dit formulier kwam niet van onze website"),
    ({}, {"Origin": None}, 403, "Dit formulier kwam niet van onze website"),
    (
        {},
        {"Origin": None, "Referer": "https://kwaad.example/form"},
        403,
        "kwam niet van onze website",
    ),
]


@pytest.mark.parametrize("fields, headers, status, message", BAD)
def test_bad_input_gets_a_dutch_answer_and_stores_nothing(
    svc, client, form, smtp, fields, headers, status, message
):
    before, mails = rows(svc), len(smtp.messages)
    response = signup(
        client, form, fields.pop("email", "slecht@example.org"), headers=headers, **fields
    )
    assert response.status_code == status
    assert message in response.text.replace("&#39;", "'")
    assert '<html lang="nl">' in response.text
    if status == 400 and "verborgen" not in message:  # the form again, with what was typed
        assert 'id="signup-email"' in response.text and 'role="alert"' in response.text
    time.sleep(0.2)
    assert rows(svc) == before and len(smtp.messages) == mails


def test_referer_is_enough_when_there_is_no_origin(svc, client, form):
    response = signup(
        client,
        form,
        "referer@example.org",
        headers={"Origin": None, "Referer": f"{SITE}/nieuwsbrief/"},
    )
    assert response.status_code == 303 and row(svc, "referer@example.org")["status"] == "pending"


@pytest.mark.parametrize(
    "content, content_type, status, message",
    [
        (
            b"email=a%FF%FEb%40example.org&consent=ja",
            "application/x-www-form-urlencoded",
            400,
            "geen UTF-8",
        ),
        (
            b"email=" + b"a" * 9000,
            "application/x-www-form-urlencoded",
            413,
            "meer gegevens dan wij aannemen",
        ),
        (
            b'{"email": "json@example.org"}',
            "application/json",
            415,
            "alleen een ingevuld formulier",
        ),
        (b"email=tekst@example.org", "text/plain", 415, "alleen een ingevuld formulier"),
        (
            (
                f'--{GMAIL_BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\n'.encode()
                + b"\xff\xfe@example.org\r\n"
                + f"--{GMAIL_BOUNDARY}--\r\n".encode()
            ),
            f"multipart/form-data; boundary={GMAIL_BOUNDARY}",
            400,
            "geen UTF-8",
        ),
    ],
)
def test_bad_bodies_are_refused_in_dutch(svc, client, content, content_type, status, message):
    before = rows(svc)
    response = client.post(
        "/nieuwsbrief/aanmelden",
        content=content,
        headers={"Content-Type": content_type, "Origin": SITE, "X-Forwarded-For": fresh_ip()},
    )
    assert response.status_code == status and message in response.text
    assert rows(svc) == before


def test_expired_and_forged_confirmation_links(svc, client, form, smtp):
    signup(client, form, "laat@example.org")
    record = row(svc, "laat@example.org")
    key = secret(svc)
    old = tokens.confirm_token(key, record["uid"], int(time.time()) - 60)
    forged = tokens.confirm_token("een ander geheim " * 3, record["uid"], record["confirm_expires"])
    for method in (client.get, client.post):
        expired = method(f"/nieuwsbrief/bevestigen?token={old}")
        assert expired.status_code == 410 and h1(expired) == "Deze link is verlopen"
        wrong = method(f"/nieuwsbrief/bevestigen?token={forged}")
        assert wrong.status_code == 400 and h1(wrong) == "Deze link klopt niet"
        assert method("/nieuwsbrief/bevestigen?token=").status_code == 400
    assert row(svc, "laat@example.org")["status"] == "pending"


def gmail_one_click(client, url: str):
    """The POST Gmail sends for its unsubscribe button: multipart, no cookies, no Origin."""
    body = (
        f'--{GMAIL_BOUNDARY}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
        f"One-Click\r\n--{GMAIL_BOUNDARY}--\r\n"
    ).encode()
    return client.post(
        url,
        content=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={GMAIL_BOUNDARY}",
            "User-Agent": "Mozilla/5.0 (compatible; Google-Unsubscribe)",
        },
    )


def test_unsubscribe_one_click_is_immediate_idempotent_and_scanners_change_nothing(
    svc, client, form, smtp
):
    signup(client, form, "weg@example.org")
    client.post(link(smtp.wait_for("weg@example.org")[0], "bevestigen"))
    record = row(svc, "weg@example.org")
    url = f"/nieuwsbrief/afmelden?token={tokens.unsubscribe_token(secret(svc), record['uid'])}"
    page = client.get(url)
    assert (
        page.status_code == 200
        and h1(page) == "Afmelden voor de nieuwsbrief"
        and "<button" in page.text
    )
    assert client.head(url).status_code == 200
    assert row(svc, "weg@example.org")["status"] == "confirmed"
    first = gmail_one_click(client, url)
    assert first.status_code == 200 and h1(first) == "U bent afgemeld"
    after = row(svc, "weg@example.org")
    assert after["status"] == "unsubscribed" and after["unsubscribe_how"] == "één klik"
    second = client.post(url, data={"List-Unsubscribe": "One-Click"})  # form-encoded, again
    assert (
        second.status_code == 200
        and row(svc, "weg@example.org")["unsubscribed_at"] == after["unsubscribed_at"]
    )
    # an old confirmation link does not subscribe them again
    assert client.post(link(smtp.to("weg@example.org")[0], "bevestigen")).status_code == 409
    assert row(svc, "weg@example.org")["status"] == "unsubscribed"


def test_forged_unsubscribe_links_unsubscribe_nobody_and_offer_the_mail_route(
    svc, client, form, smtp
):
    signup(client, form, "blijf@example.org")
    client.post(link(smtp.wait_for("blijf@example.org")[0], "bevestigen"))
    uid = row(svc, "blijf@example.org")["uid"]
    for token in (
        f"{uid}.AAAAAAAAAAAAAAAAAAAAAA",
        tokens.unsubscribe_token("ander geheim" * 4, uid),
        "",
        "x" * 500,
    ):
        for response in (
            client.get(f"/nieuwsbrief/afmelden?token={token}"),
            gmail_one_click(client, f"/nieuwsbrief/afmelden?token={token}"),
        ):
            assert response.status_code == 400 and h1(response) == "Deze afmeldlink klopt niet"
            assert (
                "mailto:sociaalwerkkoepel@amsterdam.nl?subject=Afmelden%20nieuwsbrief"
                in response.text
            )
    assert row(svc, "blijf@example.org")["status"] == "confirmed"


def test_unconfirmed_sign_ups_are_deleted_after_the_set_days(svc, client, form, smtp):
    from service import db
    from service.subscribers import by_email, purge, sign_up, unsubscribe

    signup(client, form, "vergeten@example.org")
    conn = db.connect(svc.data_dir / "service.sqlite")
    try:
        later = time.time() + 8 * 86400  # SWK_PENDING_DAYS is 7
        # someone who unsubscribed and signs up again without confirming stays unsubscribed
        with db.transaction(conn):
            sign_up(
                conn,
                "terug@example.org",
                None,
                page="/",
                consent_version="v",
                privacy_version="p",
                now=time.time(),
                pending_days=7,
            )
            conn.execute(
                "UPDATE subscribers SET status = 'confirmed' WHERE email_key = 'terug@example.org'"
            )
            unsubscribe(conn, by_email(conn, "terug@example.org").uid, "pagina", time.time())
            sign_up(
                conn,
                "terug@example.org",
                None,
                page="/",
                consent_version="v",
                privacy_version="p",
                now=time.time(),
                pending_days=7,
            )
        assert row(svc, "terug@example.org")["status"] == "pending"
        deleted, restored = purge(conn, later)
    finally:
        conn.close()
    assert deleted >= 1 and restored == 1
    assert row(svc, "vergeten@example.org") is None
    assert row(svc, "terug@example.org")["status"] == "unsubscribed"
    assert all(r["status"] != "pending" for r in rows(svc))


def test_the_page_button_and_odd_bodies_unsubscribe_too(svc, client, form, smtp):
    for address, body, headers, how in (
        (
            "knop@example.org",
            b"List-Unsubscribe=One-Click&via=pagina",
            {"Content-Type": "application/x-www-form-urlencoded"},
            "pagina",
        ),
        (
            "raar@example.org",
            b"x" * 100_000,
            {"Content-Type": "application/octet-stream"},
            "één klik",
        ),
    ):
        answer = signup(client, form, address)
        assert answer.status_code == 303, answer.text
        client.post(link(smtp.wait_for(address)[0], "bevestigen"))
        token = tokens.unsubscribe_token(secret(svc), row(svc, address)["uid"])
        response = client.post(
            f"/nieuwsbrief/afmelden?token={token}", content=body, headers=headers
        )
        assert response.status_code == 200 and h1(response) == "U bent afgemeld"
        assert (row(svc, address)["status"], row(svc, address)["unsubscribe_how"]) == (
            "unsubscribed",
            how,
        )
        assert row(svc, address)["name"] is None

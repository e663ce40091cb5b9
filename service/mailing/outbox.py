"""Confirmation mails, sent by a background thread so that a sign-up answers at once.

A sign-up puts a row in ``outbox`` (who, which mail) in the same transaction that stores the
sign-up; the worker composes the mail when it sends it (MJML from ``theme/templates/service/``,
with a text part), so no address or link waits in the queue. A temporary refusal is tried
again later; a permanent one removes the row. The worker also deletes expired sign-ups.

Other features queue their mails the same way in ``mail_queue`` (``enqueue_mail(conn, kind,
ref_id, now)``) and register a composer per kind (``Outbox.composers[kind] = fn(conn, ref_id)``
returning ``(message bytes, recipient)`` or None when there is nothing to send any more) and
their own clean-ups (``Outbox.purgers``, each ``fn(conn, now)``); ``Outbox.message`` builds a
message with the service's headers, an optional HTML part and attachments.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from markupsafe import escape
from mjml import mjml2html

from newsletter.message import HEADERS, address_of

from .. import db
from ..subscribers import by_id, purge
from ..tokens import address_hash, confirm_token, unsubscribe_token
from .transport import (
    Bounced,
    Deferred,
    Failed,
    Stop,
    Uncertain,
    dkim_sign,
    sender_of,
    transport_for,
)

log = logging.getLogger("swk.service.mail")

KINDS = ("bevestigen", "al-aangemeld")
RETRY = (30.0, 120.0, 600.0, 1800.0, 3600.0)  # seconds after each temporary refusal
PURGE_EVERY = 3600.0


def enqueue(conn: sqlite3.Connection, subscriber_id: int, kind: str, now: float) -> None:
    assert kind in KINDS
    conn.execute(
        "INSERT INTO outbox (kind, subscriber_id, created_at, next_attempt) VALUES (?, ?, ?, ?)",
        (kind, subscriber_id, now, now),
    )


def enqueue_mail(conn: sqlite3.Connection, kind: str, ref_id: int, now: float) -> None:
    """Queue a mail of another feature; its composer (``Outbox.composers[kind]``) writes it."""
    conn.execute(
        "INSERT INTO mail_queue (kind, ref_id, created_at, next_attempt) VALUES (?, ?, ?, ?)",
        (kind, ref_id, now, now),
    )


class Outbox:
    def __init__(self, service):
        self.service = service
        self.config = service.config
        self.wake_event = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        settings = service.pages.settings
        self.from_header = self.config.mail_from or settings["NEWSLETTER_FROM"]
        self.reply_to = settings["NEWSLETTER_REPLY_TO"]
        self._compiled: dict[tuple[str, bool], str] = {}
        self.composers: dict = {}  # kind -> fn(conn, ref_id) -> (bytes, recipient) | None
        self.purgers: list = []  # fn(conn, now), every PURGE_EVERY seconds and by `purge`

    # --- composing ----------------------------------------------------------------------------

    # The MJML is compiled once per kind (with and without a name) with placeholders for what
    # differs per person; compiling it per mail cost more than everything else together.
    PLACEHOLDERS = {
        "recipient": "@@NAAM@@",
        "confirm_url": "@@BEVESTIGEN@@",
        "unsubscribe_url": "@@AFMELDEN@@",
    }

    def _html(self, kind: str, subject: str, named: bool) -> str:
        key = (kind, named)
        if key not in self._compiled:
            values = {
                **self.PLACEHOLDERS,
                "recipient": self.PLACEHOLDERS["recipient"] if named else None,
            }
            self._compiled[key] = mjml2html(
                self.service.pages.render(
                    "service/signup_mail.mjml",
                    subject=subject,
                    kind=kind,
                    days=self.config.pending_days,
                    **values,
                )
            )
        return self._compiled[key]

    def compose(self, sub, kind: str) -> bytes:
        config, pages = self.config, self.service.pages
        values = {
            "kind": kind,
            "recipient": sub.name,
            "days": config.pending_days,
            "confirm_url": f"{config.service_url}/nieuwsbrief/bevestigen?token="
            + confirm_token(config.secret_key, sub.uid, sub.confirm_expires or 0),
            "unsubscribe_url": f"{config.service_url}/nieuwsbrief/afmelden?token="
            + unsubscribe_token(config.secret_key, sub.uid),
        }
        subject = (
            "Bevestig uw aanmelding voor de nieuwsbrief"
            if kind == "bevestigen"
            else "U bent al aangemeld voor de nieuwsbrief"
        )
        html = self._html(kind, subject, bool(sub.name))
        for name, placeholder in self.PLACEHOLDERS.items():
            html = html.replace(placeholder, escape(values[name] or ""))
        text = pages.render("service/signup_mail.txt", subject=subject, **values).strip() + "\n"
        return self.message(address_of(sub.email, sub.name), subject, text, html)

    def message(
        self,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        attachments=(),
        reply_to: str | None = None,
    ) -> bytes:
        """A mail from the service: text part, optional HTML alternative, attachments
        (``(bytes, maintype, subtype, filename)``), DKIM-signed when configured."""
        msg = EmailMessage(policy=SMTP)
        msg["Subject"] = subject
        msg["From"] = self.from_header
        msg["To"] = to
        msg["Reply-To"] = reply_to or self.reply_to
        msg["Date"] = format_datetime(datetime.now().astimezone())
        msg["Message-ID"] = make_msgid(
            domain=sender_of(self.from_header).rsplit("@", 1)[-1] or "localhost"
        )
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
        if html is not None:
            msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
        for data, maintype, subtype, filename in attachments:
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        msg.policy = HEADERS
        return dkim_sign(msg.as_bytes(), self.config.dkim, self.from_header)

    # --- sending ------------------------------------------------------------------------------

    def deliver_due(self, conn: sqlite3.Connection, transport, now: float | None = None) -> int:
        """Send every queued mail that is due: the newsletter's own (``outbox``: confirm and
        welcome mails) and the other features' (``mail_queue``); returns how many went out."""
        now = time.time() if now is None else now
        return self._deliver(conn, "outbox", self._subscriber_mail, transport, now) + self._deliver(
            conn, "mail_queue", self._feature_mail, transport, now
        )

    def _subscriber_mail(self, conn: sqlite3.Connection, row):
        sub = by_id(conn, row["subscriber_id"])
        if sub is None or (row["kind"] == "bevestigen" and sub.status != "pending"):
            return None
        return self.compose(sub, row["kind"]), sub.email

    def _feature_mail(self, conn: sqlite3.Connection, row):
        compose = self.composers.get(row["kind"])
        # None: an unknown kind, or nothing to send any more (deleted, cancelled)
        return compose(conn, row["ref_id"]) if compose else None

    def _deliver(self, conn: sqlite3.Connection, table: str, compose, transport, now: float) -> int:
        """Send the due rows of ``table``; ``compose(conn, row)`` gives (message, recipient),
        or None for a mail no longer to be sent, whose row is deleted."""
        sent = 0
        rows = conn.execute(
            f"SELECT * FROM {table} WHERE next_attempt <= ? ORDER BY id LIMIT 100", (now,)
        ).fetchall()
        for row in rows:
            if self.stopping.is_set():
                break
            composed = compose(conn, row)
            if composed is None:
                conn.execute(f"DELETE FROM {table} WHERE id = ?", (row["id"],))
                continue
            message, recipient = composed
            who = address_hash(self.config.secret_key, recipient)
            outcome = self._attempt(conn, table, row, transport, message, recipient, who, now)
            sent += outcome == "sent"
            if outcome == "stop":
                break
        return sent

    def _attempt(
        self,
        conn: sqlite3.Connection,
        table: str,
        row,
        transport,
        message,
        recipient: str,
        who: str,
        now: float,
    ) -> str:
        """Hand one queued mail (a row of ``table``: ``outbox`` or ``mail_queue``) to the
        transport. A temporary refusal is retried after ``RETRY`` (given up after the last);
        otherwise the row is deleted (ids are never reused, AUTOINCREMENT: this deletes only this
        mail). Returns "sent", "failed", "retry" or "stop" (the server stopped taking mail)."""
        try:
            transport.send(message, sender_of(self.from_header), recipient)
        except (Deferred, Stop) as exc:
            attempts = row["attempts"] + 1
            if attempts > len(RETRY):
                conn.execute(f"DELETE FROM {table} WHERE id = ?", (row["id"],))
                log.warning(
                    "%s-mail aan %s opgegeven na %d pogingen: %s", row["kind"], who, attempts, exc
                )
            else:
                conn.execute(
                    f"UPDATE {table} SET attempts = ?, next_attempt = ?, error = ? WHERE id = ?",
                    (attempts, now + RETRY[attempts - 1], str(exc), row["id"]),
                )
                log.warning("%s-mail aan %s later opnieuw: %s", row["kind"], who, exc)
            return "stop" if isinstance(exc, Stop) else "retry"
        except (Bounced, Failed, Uncertain) as exc:
            log.warning("%s-mail aan %s niet verstuurd: %s", row["kind"], who, exc)
            outcome = "failed"
        else:
            log.info("%s-mail verstuurd aan %s", row["kind"], who)
            outcome = "sent"
        conn.execute(f"DELETE FROM {table} WHERE id = ?", (row["id"],))
        return outcome

    def purge(self, conn: sqlite3.Connection, now: float) -> None:
        """Every feature's clean-up (expired sign-ups are ``subscribers.purge``'s)."""
        for purger in self.purgers:
            purger(conn, now)

    def wake(self) -> None:
        self.wake_event.set()

    def _loop(self) -> None:
        transport = transport_for(self.config)
        conn = db.connect(self.config.db_path)
        last_purge = 0.0
        try:
            while not self.stopping.is_set():
                self.wake_event.clear()
                try:
                    if time.time() - last_purge > PURGE_EVERY:
                        deleted, restored = purge(conn, time.time())
                        last_purge = time.time()
                        if deleted or restored:
                            log.info(
                                "verlopen aanmeldingen: %d verwijderd, %d teruggezet",
                                deleted,
                                restored,
                            )
                        self.purge(conn, time.time())
                    self.deliver_due(conn, transport)
                except Exception:  # keep the worker alive; the next round tries again
                    log.exception("fout in de verzendrij")
                transport.close()  # no idle connection between rounds
                self.wake_event.wait(5.0)
        finally:
            conn.close()

    def start(self) -> None:
        self.thread = threading.Thread(target=self._loop, name="outbox", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wake_event.set()
        if self.thread:
            self.thread.join(timeout=10)

"""Sending one issue: a test to the editors first, then every confirmed subscriber once.

``Sender`` is the send loop; its journal is the service's database (``deliveries``): a
recipient is marked ``pending`` just before the final ``.`` of the SMTP transaction and
``sent`` when the server has accepted the message, so a crash, a restart or a second trigger
never sends twice (a crash in between leaves an "uncertain" delivery, reported and not
repeated unless asked). The recipients are read from the store while sending: whoever
unsubscribes half-way gets nothing more.
"""

from __future__ import annotations

import fcntl
import logging
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from newsletter.message import address_of, compose, personalise

from .. import db
from ..subscribers import Subscriber, bounce, by_id, iso
from ..tokens import address_hash, new_uid, unsubscribe_token
from .rendering import Rendering, SendError, latest_tested, load, store
from .transport import Bounced, Deferred, Failed, Stop, Uncertain, dkim_sign, sender_of

log = logging.getLogger("swk.service.mailing")

MIGRATIONS = [
    """
    CREATE TABLE renderings (
        content_hash TEXT PRIMARY KEY, slug TEXT NOT NULL, meta TEXT NOT NULL, html TEXT NOT NULL,
        text TEXT NOT NULL, stored_at TEXT NOT NULL);
    CREATE TABLE test_sends (
        slug TEXT NOT NULL, content_hash TEXT NOT NULL REFERENCES renderings (content_hash),
        recipient_hash TEXT NOT NULL, sent_at TEXT NOT NULL);
    CREATE TABLE sends (
        slug TEXT PRIMARY KEY, content_hash TEXT NOT NULL REFERENCES renderings (content_hash),
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'stopped')),
        started_at TEXT NOT NULL, finished_at TEXT, error TEXT);
    CREATE TABLE deliveries (
        slug TEXT NOT NULL, subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'deferred', 'bounced', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt REAL, error TEXT, updated_at TEXT NOT NULL,
        PRIMARY KEY (slug, subscriber_id));
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
        subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt REAL NOT NULL, error TEXT)
    """,
    # Mails of other features (event registrations, partner applications): ``kind`` names a
    # composer registered with the Outbox, ``ref_id`` the row it composes the mail from.
    """
    CREATE TABLE mail_queue (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, ref_id INTEGER NOT NULL,
        created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt REAL NOT NULL, error TEXT)
    """,
]

THROTTLED_AFTER = 3  # temporary refusals in a row: the server is throttling us, pause


class Busy(SendError):
    """Another process is sending this issue right now."""


@contextmanager
def send_lock(data_dir: Path, slug: str):
    """One sender per issue across processes (the service, the command line); the operating
    system releases it when the process dies, so a killed sender never blocks the next."""
    path = Path(data_dir) / f"send-{slug}.lock"
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(
                f"'{slug}' wordt op dit moment al verstuurd; wacht tot die verzending klaar is"
            ) from None
        yield


@dataclass
class Report:
    slug: str
    content_hash: str = ""
    subject: str = ""
    state: str = ""  # running, done, stopped; "" when it never started
    counts: dict = field(default_factory=dict)  # delivery state -> number
    remaining: int = 0  # confirmed subscribers without a delivery yet
    error: str | None = None

    def summary(self) -> str:
        c = self.counts
        text = (
            f"Verstuurd: {c.get('sent', 0)}. Nog te gaan: {self.remaining}. Later opnieuw (tijdelijk "
            f"geweigerd): {c.get('deferred', 0)}. Onbestelbaar: {c.get('bounced', 0)}. Geweigerd: "
            f"{c.get('failed', 0)}. Onzeker: {c.get('pending', 0)}."
        )
        return text + (f" Gestopt: {self.error}" if self.state == "stopped" and self.error else "")

    def as_json(self) -> dict:
        return {
            "slug": self.slug,
            "content_hash": self.content_hash,
            "subject": self.subject,
            "state": self.state,
            "sent": self.counts.get("sent", 0),
            "remaining": self.remaining,
            "deferred": self.counts.get("deferred", 0),
            "bounced": self.counts.get("bounced", 0),
            "failed": self.counts.get("failed", 0),
            "uncertain": self.counts.get("pending", 0),
            "error": self.error,
            "message": self.summary(),
        }


def report(conn: sqlite3.Connection, slug: str) -> Report:
    row = conn.execute(
        "SELECT s.*, r.meta FROM sends s JOIN renderings r USING (content_hash) WHERE s.slug = ?",
        (slug,),
    ).fetchone()
    r = Report(slug)
    if row is not None:
        import json

        r.content_hash, r.state, r.error = row["content_hash"], row["state"], row["error"]
        r.subject = json.loads(row["meta"])["subject"]
    r.counts = dict(
        conn.execute(
            "SELECT state, count(*) FROM deliveries WHERE slug = ? GROUP BY state", (slug,)
        )
    )
    r.remaining = conn.execute(
        "SELECT count(*) FROM subscribers s WHERE s.status = 'confirmed' AND NOT EXISTS "
        "(SELECT 1 FROM deliveries d WHERE d.slug = ? AND d.subscriber_id = s.id)",
        (slug,),
    ).fetchone()[0]
    return r


def check_send(conn: sqlite3.Connection, config, slug: str, digest: str | None = None) -> Rendering:
    """The tested rendering a real send may send, or SendError saying why not."""
    digest = digest or latest_tested(conn, slug)
    tested = (
        digest
        and conn.execute(
            "SELECT 1 FROM test_sends WHERE slug = ? AND content_hash = ?", (slug, digest)
        ).fetchone()
    )
    rendering = load(conn, slug, digest) if tested else None
    if rendering is None:
        version = f" (versie {digest[:12]})" if digest else ""
        raise SendError(
            f"van '{slug}'{version} is nog geen testversie verstuurd. Verstuur eerst een test en "
            "bekijk die; alleen precies de geteste versie kan daarna naar de abonnees. Is de "
            "nieuwsbrief na de test gewijzigd, dan is een nieuwe test nodig"
        )
    url = rendering.meta.get("unsubscribe_url")
    if not url:
        raise SendError(
            f"'{slug}' is gebouwd zonder de dienst (SWK_SERVICE_URL was leeg): de e-mail heeft geen "
            "afmeldlink met één klik, en versturen naar abonnees mag alleen met een afmelding die "
            f"werkt. Bouw en publiceer opnieuw met SWK_SERVICE_URL={config.service_url}"
        )
    if not url.startswith(config.service_url + "/"):
        raise SendError(
            f"de afmeldlinks in '{slug}' gaan naar {url}, niet naar deze dienst "
            f"({config.service_url}); afmeldingen zouden verloren gaan. Bouw en publiceer opnieuw met "
            f"SWK_SERVICE_URL={config.service_url}"
        )
    row = conn.execute("SELECT content_hash, state FROM sends WHERE slug = ?", (slug,)).fetchone()
    if row is not None and row["content_hash"] != rendering.hash:
        raise SendError(
            f"'{slug}' is al in een andere versie ({row['content_hash'][:12]}) verstuurd; niemand "
            "krijgt een nieuwsbrief twee keer. Geef een gewijzigde nieuwsbrief een nieuwe bestandsnaam"
        )
    return rendering


def begin(conn: sqlite3.Connection, rendering: Rendering) -> str | None:
    """Mark the send as running; returns its state before (None: new)."""
    with db.transaction(conn):
        row = conn.execute("SELECT state FROM sends WHERE slug = ?", (rendering.slug,)).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO sends VALUES (?, ?, 'running', ?, NULL, NULL)",
                (rendering.slug, rendering.hash, iso()),
            )
            return None
        if row["state"] == "stopped":
            conn.execute(
                "UPDATE sends SET state = 'running', error = NULL WHERE slug = ?", (rendering.slug,)
            )
        return row["state"]


class _Pace:
    def __init__(self, rate: float, sleep):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next = 0.0
        self.sleep = sleep

    def wait(self) -> None:
        if self.interval:
            delay = self.next - time.monotonic()
            if delay > 0:
                self.sleep(delay)
            self.next = time.monotonic() + self.interval


class Sender:
    """Sends one rendering with one transport; the journal is ``conn``'s database."""

    def __init__(
        self,
        config,
        conn: sqlite3.Connection,
        rendering: Rendering,
        transport,
        stopping: threading.Event | None = None,
        say=None,
    ):
        self.config = config
        self.conn = conn
        self.r = rendering
        self.transport = transport
        self.stopping = stopping or threading.Event()
        self.say = say or log.info
        self.sender = sender_of(rendering.meta["from"])
        self.pace = _Pace(config.send_rate, self._sleep)

    def _sleep(self, seconds: float) -> None:
        self.stopping.wait(seconds)

    def message(self, uid: str, email: str, name: str | None) -> bytes:
        """One recipient's message: their own unsubscribe token, signed with DKIM if configured."""
        token = unsubscribe_token(self.config.secret_key, uid)
        html, text, url = personalise(self.r.html, self.r.text, self.r.meta, token)
        msg = compose(self.r.meta, html, text, unsubscribe_url=url, to=address_of(email, name))
        return dkim_sign(msg.as_bytes(), self.config.dkim, self.r.meta["from"])

    def _hash(self, email: str) -> str:
        return address_hash(self.config.secret_key, email)

    # --- the test -----------------------------------------------------------------------------

    def test(self, addresses) -> int:
        """Send the test to ``addresses`` and record it with the rendering's content hash."""
        with db.transaction(self.conn):
            store(self.conn, self.r)
        for number, address in enumerate(addresses, 1):
            # A token of nobody: the unsubscribe page works and unsubscribes no one.
            try:
                self.transport.send(self.message(new_uid(), address, None), self.sender, address)
            except (Deferred, Bounced, Failed, Stop, Uncertain) as exc:
                raise SendError(
                    f"de testversie naar testadres {number} is niet verstuurd: {exc}"
                ) from None
            if self.transport.real:
                self.conn.execute(
                    "INSERT INTO test_sends VALUES (?, ?, ?, ?)",
                    (self.r.slug, self.r.hash, self._hash(address), iso()),
                )
            self.say(
                f"testversie van {self.r.slug} ({self.r.hash[:12]}) verstuurd naar {self._hash(address)}"
            )
        return len(addresses)

    # --- the real send ------------------------------------------------------------------------

    def _mark(
        self,
        sub: Subscriber,
        state: str,
        error: str | None = None,
        attempts: int | None = None,
        next_attempt: float | None = None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO deliveries VALUES (?, ?, ?, coalesce(?, 0), ?, ?, ?) ON CONFLICT (slug, subscriber_id) DO "
            "UPDATE SET state = excluded.state, attempts = coalesce(?, attempts), next_attempt = excluded.next_attempt, "
            "error = excluded.error, updated_at = excluded.updated_at",
            (self.r.slug, sub.id, state, attempts, next_attempt, error, iso(), attempts),
        )

    def _due(self, now: float, limit: int = 200) -> list[int]:
        rows = self.conn.execute(
            "SELECT s.id FROM subscribers s LEFT JOIN deliveries d ON d.slug = ? AND d.subscriber_id = s.id "
            "WHERE s.status = 'confirmed' AND (d.state IS NULL OR (d.state = 'deferred' AND d.next_attempt <= ?)) "
            "ORDER BY s.id LIMIT ?",
            (self.r.slug, now, limit),
        ).fetchall()
        return [row[0] for row in rows]

    def _next_retry(self) -> float | None:
        row = self.conn.execute(
            "SELECT min(d.next_attempt) FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id "
            "WHERE d.slug = ? AND d.state = 'deferred' AND s.status = 'confirmed'",
            (self.r.slug,),
        ).fetchone()
        return row[0]

    def _deliver(self, sub: Subscriber) -> str:
        raw = self.message(sub.uid, sub.email, sub.name)
        who = self._hash(sub.email)
        try:
            self.transport.send(
                raw, self.sender, sub.email, committed=lambda: self._mark(sub, "pending")
            )
        except Deferred as exc:
            attempts = (
                self.conn.execute(
                    "SELECT attempts FROM deliveries WHERE slug = ? AND subscriber_id = ?",
                    (self.r.slug, sub.id),
                ).fetchone()
                or [0]
            )[0] + 1
            delays = self.config.retry_delays
            if attempts > len(delays):
                self._mark(
                    sub, "failed", f"{attempts} keer tijdelijk geweigerd; laatst: {exc}", attempts
                )
                self.say(f"{who}: opgegeven na {attempts} pogingen ({exc})")
                return "failed"
            self._mark(sub, "deferred", str(exc), attempts, time.time() + delays[attempts - 1])
            self.say(f"{who}: tijdelijk geweigerd ({exc}); later opnieuw")
            return "deferred"
        except Bounced as exc:
            with db.transaction(self.conn):
                self._mark(sub, "bounced", str(exc))
                bounce(self.conn, sub.id, str(exc), time.time())
            self.say(f"{who}: onbestelbaar ({exc}); krijgt geen nieuwsbrieven meer")
            return "bounced"
        except Failed as exc:
            self._mark(sub, "failed", str(exc))
            self.say(f"{who}: bericht geweigerd ({exc})")
            return "failed"
        except Uncertain as exc:
            self.say(
                f"{who}: verbinding verbroken na het versturen ({exc}); onzeker of het aankwam, "
                "wordt niet vanzelf opnieuw verstuurd"
            )
            return "pending"
        self._mark(sub, "sent")
        return "sent"

    def write_all(self) -> int:
        """A dry run: every due recipient's message through the transport, nothing recorded."""
        count = 0
        for subscriber_id in self._due(time.time(), limit=-1):
            sub = by_id(self.conn, subscriber_id)
            self.transport.send(self.message(sub.uid, sub.email, sub.name), self.sender, sub.email)
            count += 1
        return count

    def run(self, retry_uncertain: bool = False) -> Report:
        """Send to everyone due; returns the report. Stops early when ``stopping`` is set (the
        send stays ``running`` and is resumed later) or on ``Stop`` (state ``stopped``)."""
        slug = self.r.slug
        if retry_uncertain:
            self.conn.execute(
                "UPDATE deliveries SET state = 'deferred', next_attempt = 0 WHERE slug = ? AND "
                "state = 'pending'",
                (slug,),
            )
        self.say(f"verzending van {slug} ({self.r.hash[:12]}) via {self.transport.describe()}")
        in_a_row = 0
        try:
            while not self.stopping.is_set():
                batch = self._due(time.time())
                if not batch:
                    retry = self._next_retry()
                    if retry is None:
                        break
                    self._sleep(max(0.0, retry - time.time()))
                    continue
                for subscriber_id in batch:
                    sub = by_id(self.conn, subscriber_id)
                    if sub is None or sub.status != "confirmed":
                        continue  # unsubscribed or erased while we were sending
                    self.pace.wait()
                    if self.stopping.is_set():
                        break
                    outcome = self._deliver(sub)
                    in_a_row = in_a_row + 1 if outcome == "deferred" else 0
                    if in_a_row >= THROTTLED_AFTER:
                        self.say(
                            f"de server weigert {in_a_row} keer op rij tijdelijk; even wachten"
                        )
                        self._sleep(self.config.retry_delays[0])
                        in_a_row = 0
                        break
        except Stop as exc:
            self.conn.execute(
                "UPDATE sends SET state = 'stopped', error = ? WHERE slug = ?", (str(exc), slug)
            )
            self.say(f"verzending van {slug} gestopt: {exc}")
            return report(self.conn, slug)
        finally:
            self.transport.close()
        if not self.stopping.is_set():
            self.conn.execute(
                "UPDATE sends SET state = 'done', finished_at = ? WHERE slug = ?", (iso(), slug)
            )
        result = report(self.conn, slug)
        self.say(f"{slug}: {result.summary()}")
        return result

"""The subscriber store: one row per address, its state and its consent record.

States: ``pending`` (signed up, not confirmed), ``confirmed`` (receives the newsletter),
``unsubscribed`` and ``bounced`` (never receive it again, unless they sign up and confirm
anew). A new sign-up of an unsubscribed or bounced address is ``pending`` with
``previous_status`` set, so an unconfirmed attempt falls back to what it was and never turns
an unsubscribe into a subscription. Erasing a person (AVG art. 17) deletes the row and keeps
only a salted hash of the address, so an import cannot add them again.

The consent record (AVG art. 7, Telecommunicatiewet 11.7): ``signed_up_at``,
``confirmed_at``, ``signup_page``, ``consent_version`` (the text itself is in
``consent_texts``), ``privacy_version`` (``statements.privacy_version``: the privacy statement's version) and ``source``
(``formulier``, or ``import: <where the consent came from>``).
"""

from __future__ import annotations

import csv
import hashlib
import re
import sqlite3
import time
import unicodedata
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from . import db
from .tokens import new_uid

MIGRATIONS = [
    """
    CREATE TABLE subscribers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        email_key TEXT NOT NULL UNIQUE,
        name TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
        previous_status TEXT,
        source TEXT NOT NULL,
        signup_page TEXT,
        consent_version TEXT,
        privacy_version TEXT,
        signed_up_at TEXT NOT NULL,
        confirm_expires INTEGER,
        confirmed_at TEXT,
        unsubscribed_at TEXT,
        unsubscribe_how TEXT,
        bounced_at TEXT,
        bounce_reason TEXT
    );
    CREATE INDEX subscribers_status ON subscribers (status);
    CREATE TABLE consent_texts (version TEXT PRIMARY KEY, text TEXT NOT NULL, first_used TEXT NOT NULL);
    CREATE TABLE signup_attempts (key TEXT NOT NULL, at REAL NOT NULL);
    CREATE INDEX signup_attempts_key ON signup_attempts (key, at);
    CREATE TABLE suppressed (email_hash TEXT PRIMARY KEY, reason TEXT NOT NULL, at TEXT NOT NULL);
    CREATE TABLE suppression_salt (value TEXT NOT NULL);
    INSERT INTO suppression_salt VALUES (lower(hex(randomblob(16))))
    """,
]

EMAIL_MAX = 254
NAME_MAX = 100
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_RE = re.compile(rf"^({_LOCAL})@({_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,63}})$")


class Invalid(ValueError):
    """A field value we do not take; the message is Dutch and says how to mend it."""


def check_email(text: str) -> str:
    """The address as we keep it (domain in lower case), or Invalid."""
    if any(c in text for c in "\r\n"):
        raise Invalid("Een e-mailadres kan geen regeleinde bevatten. Typ het op één regel.")
    text = text.strip()
    if not text:
        raise Invalid("Vul uw e-mailadres in.")
    if len(text) > EMAIL_MAX:
        raise Invalid(
            f"Dit e-mailadres is te lang (meer dan {EMAIL_MAX} tekens). Controleer het adres."
        )
    match = EMAIL_RE.match(text)
    if not match or len(match.group(1)) > 64:
        raise Invalid("Dit is geen geldig e-mailadres. Schrijf het als naam@voorbeeld.nl.")
    return f"{match.group(1)}@{match.group(2).lower()}"


def check_name(text: str) -> str | None:
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in text):
        raise Invalid(
            "Een naam kan geen regeleinden of andere stuurtekens bevatten. Typ hem op één regel."
        )
    text = " ".join(text.split())
    if len(text) > NAME_MAX:
        raise Invalid(
            f"Deze naam is te lang (meer dan {NAME_MAX} tekens). Laat het veld leeg of kort de naam in."
        )
    return text or None


def key_of(email: str) -> str:
    return email.strip().lower()


def iso(ts: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if ts is None else ts, UTC).isoformat(
        timespec="seconds"
    )


@dataclass
class Subscriber:
    id: int
    uid: str
    email: str
    email_key: str
    name: str | None
    status: str
    previous_status: str | None
    source: str
    signup_page: str | None
    consent_version: str | None
    privacy_version: str | None
    signed_up_at: str
    confirm_expires: int | None
    confirmed_at: str | None
    unsubscribed_at: str | None
    unsubscribe_how: str | None
    bounced_at: str | None
    bounce_reason: str | None

    @classmethod
    def of(cls, row) -> Subscriber | None:
        return cls(**{f.name: row[f.name] for f in fields(cls)}) if row else None


def by_email(conn: sqlite3.Connection, email: str) -> Subscriber | None:
    return Subscriber.of(
        conn.execute("SELECT * FROM subscribers WHERE email_key = ?", (key_of(email),)).fetchone()
    )


def by_uid(conn: sqlite3.Connection, uid: str) -> Subscriber | None:
    return Subscriber.of(conn.execute("SELECT * FROM subscribers WHERE uid = ?", (uid,)).fetchone())


def by_id(conn: sqlite3.Connection, id_: int) -> Subscriber | None:
    return Subscriber.of(conn.execute("SELECT * FROM subscribers WHERE id = ?", (id_,)).fetchone())


def remember_consent_text(conn: sqlite3.Connection, version: str, text: str) -> None:
    conn.execute(
        "INSERT INTO consent_texts VALUES (?, ?, ?) ON CONFLICT (version) DO NOTHING",
        (version, text, iso()),
    )


def known_consent_version(conn: sqlite3.Connection, version: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM consent_texts WHERE version = ?", (version,)).fetchone()
        is not None
    )


# --- rate limits --------------------------------------------------------------------------------


def allow(conn: sqlite3.Connection, key: str, limit: int, window: float, now: float) -> bool:
    """Record an attempt under ``key`` unless ``limit`` were made in the last ``window`` seconds."""
    count = conn.execute(
        "SELECT count(*) FROM signup_attempts WHERE key = ? AND at > ?", (key, now - window)
    ).fetchone()[0]
    if count >= limit:
        return False
    conn.execute("INSERT INTO signup_attempts VALUES (?, ?)", (key, now))
    return True


# --- the life of a subscription -----------------------------------------------------------------


def sign_up(
    conn: sqlite3.Connection,
    email: str,
    name: str | None,
    *,
    page: str,
    consent_version: str,
    privacy_version: str,
    now: float,
    pending_days: int,
) -> tuple[Subscriber, str]:
    """Record a sign-up from the form; returns the subscriber and the mail to send them:
    ``bevestigen`` (confirm your sign-up) or ``al-aangemeld`` (you already are)."""
    row = by_email(conn, email)
    expires = int(now + pending_days * 86400)
    if row and row.status == "confirmed":
        return row, "al-aangemeld"
    if row is None:
        conn.execute(
            "INSERT INTO subscribers (uid, email, email_key, name, status, source, signup_page, "
            "consent_version, privacy_version, signed_up_at, confirm_expires) "
            "VALUES (?, ?, ?, ?, 'pending', 'formulier', ?, ?, ?, ?, ?)",
            (
                new_uid(),
                email,
                key_of(email),
                name,
                page,
                consent_version,
                privacy_version,
                iso(now),
                expires,
            ),
        )
    else:
        previous = row.previous_status if row.status == "pending" else row.status
        conn.execute(
            "UPDATE subscribers SET email = ?, name = coalesce(?, name), status = 'pending', previous_status = ?, "
            "source = 'formulier', signup_page = ?, consent_version = ?, privacy_version = ?, signed_up_at = ?, "
            "confirm_expires = ? WHERE id = ?",
            (
                email,
                name,
                previous,
                page,
                consent_version,
                privacy_version,
                iso(now),
                expires,
                row.id,
            ),
        )
    return by_email(conn, email), "bevestigen"


def confirm(conn: sqlite3.Connection, uid: str, expires: int, now: float) -> str:
    """Confirm a sign-up; returns what happened: ``bevestigd``, ``al`` (already confirmed),
    ``afgemeld`` (unsubscribed since), ``verlopen`` or ``onbekend`` (deleted)."""
    row = by_uid(conn, uid)
    if row is None:
        return "verlopen" if expires < now else "onbekend"
    if row.status == "confirmed":
        return "al"
    if row.status != "pending":
        return "afgemeld"
    if expires < now:
        return "verlopen"
    conn.execute(
        "UPDATE subscribers SET status = 'confirmed', previous_status = NULL, confirmed_at = ?, "
        "unsubscribed_at = NULL, unsubscribe_how = NULL, bounced_at = NULL, bounce_reason = NULL WHERE id = ?",
        (iso(now), row.id),
    )
    conn.execute(
        "DELETE FROM suppressed WHERE email_hash = ?", (suppression_hash(conn, row.email),)
    )
    return "bevestigd"


def unsubscribe(conn: sqlite3.Connection, uid: str, how: str, now: float) -> bool:
    """Unsubscribe (idempotent); True if this changed anything. The name goes (not needed any
    more); the address and the dates stay, so no import adds them again and the consent that
    was given can still be shown."""
    changed = conn.execute(
        "UPDATE subscribers SET status = 'unsubscribed', previous_status = NULL, name = NULL, unsubscribed_at = ?, "
        "unsubscribe_how = ? WHERE uid = ? AND status != 'unsubscribed'",
        (iso(now), how, uid),
    ).rowcount
    return bool(changed)


def bounce(conn: sqlite3.Connection, subscriber_id: int, reason: str, now: float) -> None:
    """A permanent refusal (5xx) of this address: no more newsletters until they sign up again."""
    conn.execute(
        "UPDATE subscribers SET status = 'bounced', previous_status = NULL, bounced_at = ?, "
        "bounce_reason = ? WHERE id = ? AND status = 'confirmed'",
        (iso(now), reason[:300], subscriber_id),
    )


def purge(conn: sqlite3.Connection, now: float) -> tuple[int, int]:
    """Sign-ups not confirmed in time: new ones are deleted, renewed ones fall back to their
    previous state. Old rate-limit records go too. Returns (deleted, restored)."""
    with db.transaction(conn):
        deleted = conn.execute(
            "DELETE FROM subscribers WHERE status = 'pending' AND previous_status IS NULL "
            "AND confirm_expires < ?",
            (now,),
        ).rowcount
        restored = conn.execute(
            "UPDATE subscribers SET status = previous_status, previous_status = NULL "
            "WHERE status = 'pending' AND previous_status IS NOT NULL AND confirm_expires < ?",
            (now,),
        ).rowcount
        conn.execute("DELETE FROM signup_attempts WHERE at < ?", (now - 86400,))
    return deleted, restored


# --- the office: import, export, show, erase, count --------------------------------------------


def suppression_hash(conn: sqlite3.Connection, email: str) -> str:
    salt = conn.execute("SELECT value FROM suppression_salt").fetchone()[0]
    return hashlib.sha256(f"{salt}\0{key_of(email)}".encode()).hexdigest()


@dataclass
class ImportReport:
    added: int = 0
    already: int = 0  # on the list already (any state): left as they are
    refused: int = 0  # unsubscribed, bounced or erased before: never added again by an import
    problems: list = None


def read_csv(path: Path) -> tuple[list[tuple[int, str, str | None]], list[str]]:
    """(line, email, name) of every good row of an ``email[,name]`` CSV, and one Dutch line per bad row."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(f"{path}: is geen UTF-8-tekst; sla de lijst op als CSV UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(c in first for c in ",;\t") else ","
    good, problems, seen = [], [], {}
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    for row in reader:
        line = reader.line_num
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if line == 1 and cells[0].lower() in ("email", "e-mail", "e-mailadres", "emailadres"):
            continue  # header
        try:
            email = check_email(cells[0])
            name = check_name(cells[1]) if len(cells) > 1 else None
        except Invalid as exc:
            problems.append(f"{path}:{line}: {exc} Regel overgeslagen.")
            continue
        if key_of(email) in seen:
            problems.append(
                f"{path}:{line}: dit adres staat al op regel {seen[key_of(email)]}; regel overgeslagen."
            )
            continue
        seen[key_of(email)] = line
        good.append((line, email, name))
    return good, problems


def import_rows(conn: sqlite3.Connection, rows, source: str, now: float) -> ImportReport:
    """Add confirmed subscribers whose consent the office has from elsewhere (``source`` says
    where). Whoever is on the list already stays as they are; an unsubscribed, bounced or erased
    address is never added again."""
    report = ImportReport(problems=[])
    with db.transaction(conn):
        for line, email, name in rows:
            row = by_email(conn, email)
            if row is not None:
                if row.status in ("unsubscribed", "bounced") or row.previous_status in (
                    "unsubscribed",
                    "bounced",
                ):
                    report.refused += 1
                    report.problems.append(
                        f"regel {line}: afgemeld of onbestelbaar; niet opnieuw toegevoegd"
                    )
                else:
                    report.already += 1
                continue
            if conn.execute(
                "SELECT 1 FROM suppressed WHERE email_hash = ?", (suppression_hash(conn, email),)
            ).fetchone():
                report.refused += 1
                report.problems.append(
                    f"regel {line}: op eigen verzoek gewist; niet opnieuw toegevoegd"
                )
                continue
            conn.execute(
                "INSERT INTO subscribers (uid, email, email_key, name, status, source, signed_up_at, confirmed_at) "
                "VALUES (?, ?, ?, ?, 'confirmed', ?, ?, ?)",
                (new_uid(), email, key_of(email), name, f"import: {source}", iso(now), iso(now)),
            )
            report.added += 1
    return report


EXPORT_COLUMNS = (
    "email",
    "name",
    "status",
    "source",
    "signup_page",
    "signed_up_at",
    "confirmed_at",
    "consent_version",
    "privacy_version",
    "unsubscribed_at",
    "bounced_at",
)


def export(conn: sqlite3.Connection, everyone: bool = False) -> list[dict]:
    where = "" if everyone else "WHERE status = 'confirmed'"
    rows = conn.execute(f"SELECT * FROM subscribers {where} ORDER BY id").fetchall()
    return [{c: row[c] for c in EXPORT_COLUMNS} for row in rows]


def show(conn: sqlite3.Connection, email: str) -> dict | None:
    """Everything stored about one person (inzage, AVG art. 15)."""
    row = by_email(conn, email)
    if row is None:
        return None
    data = {
        f.name: getattr(row, f.name)
        for f in fields(Subscriber)
        if f.name not in ("id", "email_key")
    }
    if row.consent_version:
        text = conn.execute(
            "SELECT text FROM consent_texts WHERE version = ?", (row.consent_version,)
        ).fetchone()
        data["consent_text"] = text[0] if text else None
    return data


def erase(conn: sqlite3.Connection, email: str, now: float) -> bool:
    """Delete everything about one person (AVG art. 17); keep a salted hash so an import does not
    add them again. Their deliveries and queued mail go with the row (foreign keys)."""
    with db.transaction(conn):
        row = by_email(conn, email)
        conn.execute(
            "INSERT INTO suppressed VALUES (?, 'gewist', ?) ON CONFLICT (email_hash) DO NOTHING",
            (suppression_hash(conn, email), iso(now)),
        )
        if row is None:
            return False
        conn.execute("DELETE FROM subscribers WHERE id = ?", (row.id,))
    return True


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    found = dict(
        conn.execute("SELECT status, count(*) FROM subscribers GROUP BY status").fetchall()
    )
    return {
        status: found.get(status, 0)
        for status in ("confirmed", "pending", "unsubscribed", "bounced")
    }

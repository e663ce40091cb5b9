"""Event registration (``registration: site``): the form on the event page posts here.

- ``POST /agenda/aanmelden``: checked like the newsletter sign-up (``forms``: size, type,
  UTF-8, origin; rate limits per client and per address; same answer for a new or known
  address); the event must exist on the published site and be open. Stores a ``pending``
  registration and queues a mail (``mail_queue``, composed by ``compose``) with the event's
  ``.ics``, a link to confirm and a link to cancel; 303 to "kijk in uw mailbox" (telling
  when the event is full: after confirming, they are on the waiting list).
- ``/agenda/bevestigen?token=``: GET shows a page with a button; POST confirms: ``confirmed``
  while there are places, else ``waiting``.
- ``/agenda/afmelden?token=``: GET shows a page with a button; POST cancels. A place that
  frees up goes to the first on the waiting list, who gets a mail.
- ``GET /agenda/plaatsen/<slug>``: ``{"capacity", "left", "open"}`` for the page's script
  (CORS for the site's origins).

What the service knows of an event comes from the published site: the build writes
``agenda/<slug>/registration.json`` (start, end, closing moment, capacity, the ``.ics``) for
every event with ``registration: site``; it is fetched when needed and kept a minute. An event
that is not (any more) on the site, or has closed, takes no registrations.

Registrations are deleted ``SWK_REGISTRATION_KEEP_DAYS`` after the event's end; pending ones
that were never confirmed after ``SWK_PENDING_DAYS``.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from mjml import mjml2html
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from agenda.registration import PLACES_PATH, REGISTER_PATH, registration_form
from newsletter.message import address_of

from . import db
from .config import ConfigError, _int
from .forms import HONEYPOT_FILLED, Refusal, check_consent, read_body, read_site_form
from .mailing.outbox import enqueue_mail
from .subscribers import Invalid, allow, check_email, iso, key_of, remember_consent_text
from .subscriptions import ACTION_LIMIT, client_key
from .tokens import address_hash, check_signed, new_uid, signed

log = logging.getLogger("swk.service.registrations")

MIGRATIONS = [
    """
    CREATE TABLE registrations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        event TEXT NOT NULL,
        email TEXT NOT NULL,
        email_key TEXT NOT NULL,
        name TEXT NOT NULL,
        organisation TEXT NOT NULL,
        remarks TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'waiting', 'cancelled')),
        consent_version TEXT NOT NULL,
        privacy_version TEXT NOT NULL,
        registered_at TEXT NOT NULL,
        confirm_expires INTEGER NOT NULL,
        confirmed_at TEXT,
        placed_at TEXT,
        cancelled_at TEXT,
        event_ends REAL NOT NULL,
        UNIQUE (event, email_key)
    );
    CREATE INDEX registrations_event ON registrations (event, status)
    """,
]

CONFIRM_PATH = "/agenda/bevestigen"
CANCEL_PATH = "/agenda/afmelden"
MAILBOX_PATH = "/agenda/kijk-in-uw-mailbox"
FORM_LIMIT = 8 * 1024
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EVENT_CACHE_SECONDS = 60.0
ORGANISATION_MAX = 150
REMARKS_MAX = 1000
KINDS = ("aanmelding-bevestigen", "aanmelding-al", "aanmelding-plaats", "aanmelding-kantoor")
EXPORT_COLUMNS = {
    "name": "Naam",
    "email": "E-mailadres",
    "organisation": "Organisatie",
    "remarks": "Opmerkingen",
    "status": "Status",
    "registered_at": "Aangemeld op",
    "confirmed_at": "Bevestigd op",
}
STATUS_LABELS = {
    "pending": "nog niet bevestigd",
    "confirmed": "aangemeld",
    "waiting": "wachtlijst",
    "cancelled": "afgemeld",
}


# --- the event, as the published site describes it -------------------------------------------------


@dataclass
class EventInfo:
    slug: str
    title: str
    url: str
    when: str
    place: str | None
    starts_at: datetime
    ends_at: datetime
    closes_at: datetime
    capacity: int | None
    ics: str

    def open(self, now: float) -> bool:
        return now < self.closes_at.timestamp()

    @property
    def registration_closes_text(self) -> str:  # as the event page says it (plugins/agenda)
        from datetime import time as clock
        from datetime import timedelta

        from dutch_dates import nl_day, nl_time

        closes = self.closes_at
        if closes.time() == clock():
            return f"tot en met {nl_day(closes - timedelta(minutes=1))}"
        return f"tot {nl_day(closes)}, {nl_time(closes)} uur"


class Events:
    """``registration.json`` of events from the published site, kept a minute."""

    def __init__(self, site_url: str, save_as: str):
        self.site_url, self.save_as = site_url.rstrip("/"), save_as
        self.cache: dict[str, tuple[float, EventInfo | None]] = {}
        self.lock = threading.Lock()

    def get(self, slug: str) -> EventInfo | None:
        """The event, or None when the site has no registration for it. Raises Refusal (503)
        when the site cannot be reached."""
        import httpx

        if not SLUG_RE.match(slug or "") or len(slug) > 200:
            return None
        with self.lock:
            cached = self.cache.get(slug)
        if cached and time.monotonic() - cached[0] < EVENT_CACHE_SECONDS:
            return cached[1]
        url = f"{self.site_url}/{self.save_as.format(slug=slug)}"
        try:
            resp = httpx.get(url, timeout=10, follow_redirects=True)
        except httpx.HTTPError:
            log.warning("evenement %s: de site is niet bereikbaar", slug)
            raise Refusal(
                503,
                "Even niet bereikbaar",
                "Wij kunnen uw aanmelding nu niet verwerken. Probeer het "
                "over een paar minuten opnieuw.",
            ) from None
        info = None
        if resp.status_code == 200:
            try:
                d = resp.json()
                info = EventInfo(
                    slug=d["slug"],
                    title=d["title"],
                    url=d["url"],
                    when=d["when"],
                    place=d.get("place"),
                    starts_at=datetime.fromisoformat(d["starts_at"]),
                    ends_at=datetime.fromisoformat(d["ends_at"]),
                    closes_at=datetime.fromisoformat(d["closes_at"]),
                    capacity=d.get("capacity"),
                    ics=d["ics"],
                )
            except (ValueError, KeyError, TypeError):
                log.error("evenement %s: %s is geen geldige registration.json", slug, url)
        with self.lock:
            self.cache[slug] = (time.monotonic(), info)
        return info


# --- the store -----------------------------------------------------------------------------------


def check_text(text: str, what: str, limit: int, required: bool, multiline: bool = False) -> str:
    bad = ("Cc",) if multiline else ("Cc", "Zl", "Zp")
    allowed = "\n\r\t" if multiline else ""
    if any(unicodedata.category(c) in bad and c not in allowed for c in text):
        raise Invalid(
            f"{what} kan geen stuurtekens{'' if multiline else ' of regeleinden'} bevatten. "
            "Typ de tekst opnieuw."
        )
    text = text.strip() if multiline else " ".join(text.split())
    if required and not text:
        raise Invalid(f"Vul {what.lower()} in.")
    if len(text) > limit:
        raise Invalid(f"{what} is te lang (meer dan {limit} tekens). Kort de tekst in.")
    return text


def counts(conn: sqlite3.Connection, event: str) -> dict[str, int]:
    found = dict(
        conn.execute(
            "SELECT status, count(*) FROM registrations WHERE event = ? GROUP BY status", (event,)
        ).fetchall()
    )
    return {s: found.get(s, 0) for s in STATUS_LABELS}


def places_left(conn: sqlite3.Connection, info: EventInfo) -> int | None:
    if info.capacity is None:
        return None
    return max(0, info.capacity - counts(conn, info.slug)["confirmed"])


def by_uid(conn: sqlite3.Connection, uid: str):
    return conn.execute("SELECT * FROM registrations WHERE uid = ?", (uid,)).fetchone()


def register(
    conn: sqlite3.Connection, info: EventInfo, values: dict, now: float, pending_days: int
):
    """A registration from the form; returns (row, mail kind). One per address per event: a
    known address gets its confirmation mail again (pending) or an "al aangemeld" mail."""
    row = conn.execute(
        "SELECT * FROM registrations WHERE event = ? AND email_key = ?",
        (info.slug, key_of(values["email"])),
    ).fetchone()
    expires = int(now + pending_days * 86400)
    if row is not None and row["status"] in ("confirmed", "waiting"):
        return row, "aanmelding-al"
    fields = (
        values["email"],
        values["name"],
        values["organisation"],
        values["remarks"] or None,
        values["consent_version"],
        values["privacy_version"],
        iso(now),
        expires,
        info.ends_at.timestamp(),
    )
    if row is None:
        conn.execute(
            "INSERT INTO registrations (uid, event, email_key, email, name, organisation, remarks, status, "
            "consent_version, privacy_version, registered_at, confirm_expires, event_ends) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
            (new_uid(), info.slug, key_of(values["email"]), *fields),
        )
    else:  # pending again, or cancelled and registering anew
        conn.execute(
            "UPDATE registrations SET email = ?, name = ?, organisation = ?, remarks = ?, status = 'pending', "
            "consent_version = ?, privacy_version = ?, registered_at = ?, confirm_expires = ?, event_ends = ?, "
            "confirmed_at = NULL, placed_at = NULL, cancelled_at = NULL WHERE id = ?",
            (*fields, row["id"]),
        )
    row = conn.execute(
        "SELECT * FROM registrations WHERE event = ? AND email_key = ?",
        (info.slug, key_of(values["email"])),
    ).fetchone()
    return row, "aanmelding-bevestigen"


def confirm(conn: sqlite3.Connection, row, info: EventInfo, now: float) -> str:
    """Confirm a pending registration: ``confirmed`` while there are places, else ``waiting``.
    Returns the new (or unchanged) status, or ``verlopen``."""
    if row["status"] != "pending":
        return row["status"]
    if row["confirm_expires"] < now:
        return "verlopen"
    left = places_left(conn, info)
    status = "confirmed" if left is None or left > 0 else "waiting"
    conn.execute(
        "UPDATE registrations SET status = ?, confirmed_at = ?, placed_at = ? WHERE id = ?",
        (status, iso(now), iso(now) if status == "confirmed" else None, row["id"]),
    )
    return status


def cancel(conn: sqlite3.Connection, row, info: EventInfo | None, now: float) -> int | None:
    """Cancel (idempotent). A freed place goes to the first on the waiting list, whose id is
    returned (they get a mail)."""
    if row["status"] == "cancelled":
        return None
    was = row["status"]
    conn.execute(
        "UPDATE registrations SET status = 'cancelled', cancelled_at = ? WHERE id = ?",
        (iso(now), row["id"]),
    )
    if was != "confirmed" or info is None or not info.open(now):
        return None
    left = places_left(conn, info)
    if left is not None and left <= 0:
        return None
    first = conn.execute(
        "SELECT id FROM registrations WHERE event = ? AND status = 'waiting' "
        "ORDER BY confirmed_at, id LIMIT 1",
        (row["event"],),
    ).fetchone()
    if first is None:
        return None
    conn.execute(
        "UPDATE registrations SET status = 'confirmed', placed_at = ? WHERE id = ?",
        (iso(now), first["id"]),
    )
    return first["id"]


def purge(conn: sqlite3.Connection, now: float, keep_days: int) -> int:
    """Delete registrations ``keep_days`` after their event ended, and pending ones whose
    confirmation link expired. Returns how many."""
    with db.transaction(conn):
        return conn.execute(
            "DELETE FROM registrations WHERE event_ends + ? < ? "
            "OR (status = 'pending' AND confirm_expires < ?)",
            (keep_days * 86400, now, now),
        ).rowcount


def export(conn: sqlite3.Connection, event: str, statuses=("confirmed",)) -> list[dict]:
    marks = ",".join("?" * len(statuses))
    rows = conn.execute(
        f"SELECT * FROM registrations WHERE event = ? AND status IN ({marks}) "
        "ORDER BY placed_at, confirmed_at, id",
        (event, *statuses),
    ).fetchall()
    return [
        {
            label: (STATUS_LABELS[row[c]] if c == "status" else row[c]) or ""
            for c, label in EXPORT_COLUMNS.items()
        }
        for row in rows
    ]


def settings_of(config) -> dict:
    env = config.env
    keep = _int(
        env, "SWK_REGISTRATION_KEEP_DAYS", config.retention("REGISTRATION_KEEP_DAYS"), minimum=0
    )
    notify = env.get("SWK_REGISTRATION_NOTIFY", "").strip().lower()
    if notify not in ("", "ja", "nee", "1", "0", "true", "false"):
        raise ConfigError(f'SWK_REGISTRATION_NOTIFY is "{notify}"; kies ja of nee')
    office = env.get("SWK_OFFICE_EMAIL", "").strip()
    if office:
        try:
            check_email(office)
        except Invalid:
            raise ConfigError(f'SWK_OFFICE_EMAIL: "{office}" is geen e-mailadres') from None
    if notify in ("ja", "1", "true") and not office:
        raise ConfigError(
            "SWK_REGISTRATION_NOTIFY=ja heeft SWK_OFFICE_EMAIL nodig: het adres van kantoor"
        )
    return {"keep_days": keep, "notify": notify in ("ja", "1", "true"), "office": office}


# --- the web side ----------------------------------------------------------------------------------


def routes(service) -> list[Route]:
    config, pages = service.config, service.pages
    own = settings_of(config)
    form = registration_form({**pages.settings, "SERVICE_URL": config.service_url})
    with service.connection() as conn:
        remember_consent_text(conn, form["consent_version"], form["consent_text"])
    events = Events(config.site_url, pages.settings["EVENT_REGISTRATION_SAVE_AS"])
    service.events = events
    secret = config.secret_key

    def page(status: int, title: str, text: str, **values):
        return pages.message(title, text, status_code=status, **values)

    def link(path: str, purpose: str, uid: str) -> str:
        return f"{config.service_url}{path}?token={quote(signed(secret, purpose, uid), safe='')}"

    # --- mail -------------------------------------------------------------------------------------

    def compose(kind: str):
        def composer(conn, ref_id):
            row = conn.execute("SELECT * FROM registrations WHERE id = ?", (ref_id,)).fetchone()
            if row is None:
                return None
            wanted = {
                "aanmelding-bevestigen": ("pending",),
                "aanmelding-al": ("confirmed", "waiting"),
                "aanmelding-plaats": ("confirmed",),
                "aanmelding-kantoor": ("pending", "confirmed", "waiting"),
            }
            if row["status"] not in wanted[kind]:
                return None
            info = events.get(row["event"])
            if info is None:
                return None
            left = places_left(conn, info)
            if kind == "aanmelding-kantoor":
                text = pages.render(
                    "service/registration_office.txt",
                    r=row,
                    event=info,
                    counts=counts(conn, info.slug),
                )
                subject = f"Nieuwe aanmelding: {info.title}"
                return service.outbox.message(
                    own["office"],
                    subject,
                    text.strip() + "\n",
                    reply_to=address_of(row["email"], row["name"]),
                ), own["office"]
            subject = {
                "aanmelding-bevestigen": f"Bevestig uw aanmelding: {info.title}",
                "aanmelding-al": f"U bent al aangemeld: {info.title}",
                "aanmelding-plaats": f"Er is een plaats voor u: {info.title}",
            }[kind]
            values = {
                "kind": kind,
                "subject": subject,
                "r": row,
                "event": info,
                "full": left == 0,
                "status": row["status"],
                "days": config.pending_days,
                "confirm_url": link(CONFIRM_PATH, "aanmelding-bevestigen", row["uid"]),
                "cancel_url": link(CANCEL_PATH, "aanmelding-afmelden", row["uid"]),
            }
            html = mjml2html(pages.render("service/registration_mail.mjml", **values))
            text = pages.render("service/registration_mail.txt", **values).strip() + "\n"
            ics = [(info.ics.encode("utf-8"), "text", "calendar", f"{info.slug}.ics")]
            return service.outbox.message(
                address_of(row["email"], row["name"]), subject, text, html, ics
            ), row["email"]

        return composer

    for kind in KINDS:
        service.outbox.composers[kind] = compose(kind)
    service.outbox.purgers.append(lambda conn, now: purge(conn, now, own["keep_days"]))

    # --- the form ---------------------------------------------------------------------------------

    def form_page(status: int, info: EventInfo, values: dict, errors: dict):
        return pages.response(
            "registration.html",
            status,
            event=info,
            registration_form=form,
            form_values=values,
            form_errors=errors,
        )

    def check(fields: dict) -> tuple[dict, dict]:
        values = {k: fields.get(k, "") for k in ("name", "email", "organisation", "remarks")}
        values["consent"] = fields.get("consent") == "ja"
        errors = {}
        for name, what, limit, required, multi in (
            ("name", "Uw naam", 100, True, False),
            ("organisation", "De naam van uw organisatie", ORGANISATION_MAX, True, False),
            ("remarks", "Uw opmerking", REMARKS_MAX, False, True),
        ):
            try:
                values[name] = check_text(values[name], what, limit, required, multi)
            except Invalid as exc:
                errors[name] = str(exc)
        try:
            values["email"] = check_email(values["email"])
        except Invalid as exc:
            errors["email"] = str(exc)
        check_consent(
            fields,
            values,
            errors,
            "Vink het vakje aan: zonder uw toestemming kunnen wij uw aanmelding niet verwerken.",
            form["consent_version"].__eq__,
        )
        if fields.get("website_hp"):
            errors["website"] = HONEYPOT_FILLED
        return values, errors

    def store(info: EventInfo, values: dict, client: str) -> str:
        now = time.time()
        with service.connection() as conn, db.transaction(conn):
            if not allow(conn, client, config.limit_client, 3600, now):
                return "te-vaak"
            row, kind = register(conn, info, values, now, config.pending_days)
            who = address_hash(secret, values["email"])
            if allow(conn, "e:" + who, config.limit_address, 86400, now):
                enqueue_mail(conn, kind, row["id"], now)
            log.info("aanmelding %s voor %s: %s", who, info.slug, kind)
        return "ok"

    async def register_post(request: Request):
        try:
            fields = await read_site_form(
                request,
                config.form_origins,
                FORM_LIMIT,
                "Dit formulier kwam niet van onze website. Meld u aan met het formulier op de pagina van "
                f"het evenement, in de agenda op {config.site_url}/agenda/.",
            )
        except Refusal as refusal:
            return page(refusal.status, refusal.title, refusal.text)
        try:
            info = await run_in_threadpool(events.get, fields.get("event", ""))
        except Refusal as refusal:
            return page(refusal.status, refusal.title, refusal.text)
        if info is None:
            return page(
                404,
                "Evenement niet gevonden",
                "Voor dit evenement kunt u zich hier niet aanmelden. Kijk in de agenda op "
                f"{config.site_url}/agenda/ hoe u zich aanmeldt.",
            )
        if not info.open(time.time()):
            return page(
                410,
                "Aanmelden is gesloten",
                f"Aanmelden voor {info.title} is gesloten. Hebt u een vraag, mail ons dan.",
            )
        values, errors = await run_in_threadpool(check, fields)
        if errors:
            return form_page(400, info, values, errors)
        client = client_key(secret, request.client.host if request.client else None)
        if await run_in_threadpool(store, info, values, client) == "te-vaak":
            return page(
                429,
                "Even geduld",
                "Vanaf uw internetverbinding zijn in het afgelopen uur te veel aanmeldingen verstuurd. "
                "Probeer het over een uur opnieuw, of mail ons.",
            )
        service.outbox.wake()
        return RedirectResponse(
            f"{config.service_url}{MAILBOX_PATH}?event={info.slug}", status_code=303
        )

    async def mailbox(request: Request):
        slug = request.query_params.get("event", "")
        info = await run_in_threadpool(events.get, slug) if SLUG_RE.match(slug) else None
        full = False
        if info is not None and info.capacity:
            with service.connection() as conn:
                full = places_left(conn, info) == 0
        text = (
            "Wij hebben u een e-mail gestuurd. Klik op de knop in die e-mail om uw aanmelding te bevestigen; "
            f"pas dan is uw aanmelding rond. De knop werkt {config.pending_days} dagen. Ziet u geen e-mail? "
            "Kijk dan ook bij uw ongewenste e-mail (spam)."
        )
        if full:
            text = (
                "Het evenement is vol: als u uw aanmelding bevestigt, staat u op de wachtlijst. Komt er een "
                "plaats vrij, dan krijgt u bericht. " + text
            )
        return page(200, "Vol, u komt op de wachtlijst" if full else "Kijk in uw mailbox", text)

    # --- confirm and cancel -----------------------------------------------------------------------

    def bad_link():
        return page(
            400,
            "Deze link klopt niet",
            "Deze link is niet (helemaal) goed overgekomen. Kopieer het hele adres uit de e-mail naar uw "
            "browser, of mail ons.",
        )

    def gone():
        return page(
            410,
            "Deze aanmelding bestaat niet meer",
            "Deze aanmelding is verlopen of verwijderd. Meld u opnieuw aan via de agenda, of mail ons.",
        )

    def action_page(request: Request, purpose: str, path: str, title: str, button: str, text: str):
        """The page behind a link in an e-mail: a button that POSTs the link's token."""
        t = request.query_params.get("token", "")
        if check_signed(secret, purpose, t) is None:
            return bad_link()
        return pages.action(
            title, button, text, f"{config.service_url}{path}?token={quote(t, safe='')}"
        )

    async def confirm_get(request: Request):
        return action_page(
            request,
            "aanmelding-bevestigen",
            CONFIRM_PATH,
            "Bevestig uw aanmelding",
            "Bevestigen",
            "Klik op de knop om uw aanmelding voor het evenement te bevestigen.",
        )

    def do_confirm(uid: str):
        with service.connection() as conn:
            row = by_uid(conn, uid)
            if row is None:
                return None, None
            info = events.get(row["event"])
            if info is None or not info.open(time.time()):
                return "gesloten", info
            with db.transaction(conn):
                row = by_uid(conn, uid)
                outcome = confirm(conn, row, info, time.time())
                if (
                    outcome in ("confirmed", "waiting")
                    and row["status"] == "pending"
                    and own["notify"]
                ):
                    enqueue_mail(conn, "aanmelding-kantoor", row["id"], time.time())
            log.info(
                "bevestigen %s voor %s: %s", address_hash(secret, row["email"]), info.slug, outcome
            )
            return outcome, info

    async def act(request: Request, purpose: str, do):
        """The POST behind an e-mail link's button: the token checked, then ``do(uid)`` in a
        thread. Returns (a refusal page, None), or (None, what ``do`` returned)."""
        try:
            await read_body(request, ACTION_LIMIT)
            uid = check_signed(secret, purpose, request.query_params.get("token", ""))
            if uid is None:
                return bad_link(), None
            return None, await run_in_threadpool(do, uid)
        except Refusal as refusal:
            return page(refusal.status, refusal.title, refusal.text), None

    async def confirm_post(request: Request):
        refused, done = await act(request, "aanmelding-bevestigen", do_confirm)
        if refused is not None:
            return refused
        outcome, info = done
        service.outbox.wake()
        if outcome is None or outcome == "verlopen":
            return gone()
        if outcome == "gesloten":
            return page(
                410,
                "Aanmelden is gesloten",
                "Aanmelden voor dit evenement is gesloten; uw aanmelding is "
                "niet bevestigd. Hebt u een vraag, mail ons dan.",
            )
        if outcome == "confirmed":
            return page(
                200,
                "U bent aangemeld",
                f"Dank u wel. U bent aangemeld voor {info.title}, {info.when}. "
                "Kunt u toch niet komen? Meld u dan af met de link in de e-mail, dan geven wij uw plaats "
                "aan iemand anders.",
            )
        if outcome == "waiting":
            return page(
                200,
                "Vol, u staat op de wachtlijst",
                f"{info.title} is vol. U staat op de wachtlijst; komt er een plaats vrij, dan krijgt u "
                "een e-mail. Wilt u niet meer op de wachtlijst staan, meld u dan af met de link in de e-mail.",
            )
        return page(
            409,
            "U bent afgemeld",
            "U hebt deze aanmelding afgemeld. Wilt u toch komen, meld u dan "
            "opnieuw aan via de agenda.",
        )

    async def cancel_get(request: Request):
        return action_page(
            request,
            "aanmelding-afmelden",
            CANCEL_PATH,
            "Afmelden voor het evenement",
            "Afmelden",
            "Klik op de knop om u af te melden. Uw plaats gaat dan naar wie op de wachtlijst staat.",
        )

    def do_cancel(uid: str) -> bool:
        with service.connection() as conn:
            row = by_uid(conn, uid)
            if row is None:
                return False
            info = events.get(row["event"])
            now = time.time()
            with db.transaction(conn):
                row = by_uid(conn, uid)
                promoted = cancel(conn, row, info, now)
                if promoted is not None:
                    enqueue_mail(conn, "aanmelding-plaats", promoted, now)
            log.info("afmelden %s voor %s", address_hash(secret, row["email"]), row["event"])
            return True

    async def cancel_post(request: Request):
        refused, found = await act(request, "aanmelding-afmelden", do_cancel)
        if refused is not None:
            return refused
        if not found:
            return gone()
        service.outbox.wake()
        return page(
            200,
            "U bent afgemeld",
            "U bent afgemeld voor het evenement. Dank u wel voor het laten weten.",
        )

    # --- places left ------------------------------------------------------------------------------

    async def places(request: Request):
        slug = request.path_params["slug"]
        origin = request.headers.get("origin", "").lower().rstrip("/")
        headers = {"Cache-Control": "no-store", "Vary": "Origin"}
        if origin in config.form_origins:
            headers["Access-Control-Allow-Origin"] = origin
        try:
            info = await run_in_threadpool(events.get, slug)
        except Refusal:
            return JSONResponse({"message": "even niet bekend"}, status_code=503, headers=headers)
        if info is None:
            return JSONResponse({"message": "onbekend evenement"}, status_code=404, headers=headers)
        with service.connection() as conn:
            left = places_left(conn, info)
        return JSONResponse(
            {"capacity": info.capacity, "left": left, "open": info.open(time.time())},
            headers=headers,
        )

    return [
        Route(REGISTER_PATH, register_post, methods=["POST"]),
        Route(MAILBOX_PATH, mailbox, methods=["GET"]),
        Route(CONFIRM_PATH, confirm_get, methods=["GET"]),
        Route(CONFIRM_PATH, confirm_post, methods=["POST"]),
        Route(CANCEL_PATH, cancel_get, methods=["GET"]),
        Route(CANCEL_PATH, cancel_post, methods=["POST"]),
        Route(PLACES_PATH + "/{slug}", places, methods=["GET"]),
    ]

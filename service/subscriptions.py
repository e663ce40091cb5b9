"""Newsletter sign-up with double opt-in, confirmation and unsubscribe: the web side.

- ``POST /nieuwsbrief/aanmelden``: the form on the site (``partials/signup.html``). Checked
  strictly (``forms``), from the site's origin, rate-limited per client address and per
  e-mail address; then a pending subscriber and a confirmation mail (``mailing.outbox``), and
  303 to "kijk in uw mailbox". The same answer for a new, pending or confirmed address. Bad
  input: the form again with a Dutch message per field, and nothing stored.
- ``/nieuwsbrief/bevestigen?token=``: GET (and HEAD) show a page with a button; only POST
  confirms. Repeatable; valid for ``pending_days``.
- ``/nieuwsbrief/afmelden?token=``: the ``List-Unsubscribe`` URL. POST unsubscribes at once
  (RFC 8058 one-click: any body, no cookies, no Origin needed) and answers 200; GET shows a
  page with a button. Idempotent.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from newsletter.signup import SIGNUP_PATH, UNSUBSCRIBE_PATH, signup_form

from . import db
from .forms import (
    HONEYPOT_FILLED,
    OUTDATED,
    Refusal,
    check_consent,
    parse_form,
    read_body,
    read_site_form,
)
from .mailing import outbox
from .subscribers import (
    MIGRATIONS,
    Invalid,
    allow,
    by_uid,
    check_email,
    check_name,
    confirm,
    known_consent_version,
    remember_consent_text,
    sign_up,
    unsubscribe,
)
from .tokens import address_hash, check_confirm, check_unsubscribe

__all__ = ["MIGRATIONS", "routes"]

log = logging.getLogger("swk.service.subscriptions")

CONFIRM_PATH = "/nieuwsbrief/bevestigen"
MAILBOX_PATH = "/nieuwsbrief/kijk-in-uw-mailbox"
FORM_LIMIT = 8 * 1024  # bytes: the form has six short fields
ACTION_LIMIT = 64 * 1024  # a one-click POST is tiny; we read at most this much and ignore it
PAGE_RE = re.compile(r"^/[^\s\x00-\x1f\x7f]{0,199}$")


def client_key(secret: str, host: str | None) -> str:
    """The client's address as a keyed hash; IPv6 by its /64 (one household or server)."""
    try:
        address = ipaddress.ip_address(host or "")
        network = (
            str(ipaddress.ip_network(f"{address}/64", strict=False))
            if address.version == 6
            else str(address)
        )
    except ValueError:
        network = host or "?"
    return "c:" + address_hash(secret, network)


def routes(service) -> list[Route]:
    config, pages = service.config, service.pages
    form = signup_form({**pages.settings, "SERVICE_URL": config.service_url})
    with service.connection() as conn:  # the exact consent text, kept with every version used
        remember_consent_text(conn, form["consent_version"], form["consent_text"])

    def page(status: int, title: str, text: str, **values):
        return pages.message(title, text, status_code=status, **values)

    def form_page(status: int, values: dict, errors: dict):
        return pages.response(
            "signup.html",
            status,
            newsletter_signup=form,
            signup_values=values,
            signup_errors=errors,
        )

    # --- sign-up ------------------------------------------------------------------------------

    async def signup_get(request: Request):
        return form_page(200, {"page": SIGNUP_PATH}, {})

    def check(fields: dict) -> tuple[dict, dict]:
        values = {
            "email": fields.get("email", ""),
            "name": fields.get("name", ""),
            "consent": fields.get("consent") == "ja",
            "page": fields.get("page", ""),
        }
        errors = {}
        if fields.get("website"):
            errors["website"] = HONEYPOT_FILLED
        try:
            values["email"] = check_email(values["email"])
        except Invalid as exc:
            errors["email"] = str(exc)
        try:
            values["name"] = check_name(values["name"]) or ""
        except Invalid as exc:
            errors["name"] = str(exc)
        check_consent(
            fields,
            values,
            errors,
            "Vink het vakje aan als u de nieuwsbrief wilt ontvangen: zonder uw "
            "toestemming kunnen wij u niet aanmelden.",
            lambda version: len(version) == 16 and _known(version),
        )
        if not PAGE_RE.match(values["page"]):
            errors["form"] = OUTDATED
            values["page"] = SIGNUP_PATH
        return values, errors

    known_versions = {form["consent_version"]}  # and older ones still in the database

    def _known(version: str) -> bool:
        if version not in known_versions:
            with service.connection() as conn:
                if known_consent_version(conn, version):
                    known_versions.add(version)
        return version in known_versions

    def store(values: dict, client: str) -> str:
        """Store the sign-up and queue its mail; returns "ok" or "te-vaak" (client limit)."""
        now = time.time()
        email = values["email"]
        with service.connection() as conn, db.transaction(conn):
            if not allow(conn, client, config.limit_client, 3600, now):
                return "te-vaak"
            sub, kind = sign_up(
                conn,
                email,
                values["name"] or None,
                page=values["page"],
                consent_version=values["consent_version"],
                privacy_version=values["privacy_version"],
                now=now,
                pending_days=config.pending_days,
            )
            who = address_hash(config.secret_key, email)
            if allow(conn, "e:" + who, config.limit_address, 86400, now):
                outbox.enqueue(conn, sub.id, kind, now)
                log.info("aanmelding %s: %s-mail in de rij", who, kind)
            else:
                log.info("aanmelding %s: geen mail, al %d keer vandaag", who, config.limit_address)
        return "ok"

    async def signup_post(request: Request):
        try:
            fields = await read_site_form(
                request,
                config.form_origins,
                FORM_LIMIT,
                "Dit formulier kwam niet van onze website. Meld u aan met het formulier op "
                f"{config.site_url}/nieuwsbrief/.",
            )
        except Refusal as refusal:
            return page(refusal.status, refusal.title, refusal.text)
        values, errors = await run_in_threadpool(check, fields)
        if errors:
            return form_page(400, values, errors)
        client = client_key(config.secret_key, request.client.host if request.client else None)
        outcome = await run_in_threadpool(store, values, client)
        if outcome == "te-vaak":
            return page(
                429,
                "Even geduld",
                "Vanaf uw internetverbinding zijn in het afgelopen uur te veel aanmeldingen verstuurd. "
                "Probeer het over een uur opnieuw, of mail ons.",
            )
        wake = getattr(service, "outbox", None)
        if wake is not None:
            wake.wake()
        return RedirectResponse(config.service_url + MAILBOX_PATH, status_code=303)

    async def mailbox(request: Request):
        return page(
            200,
            "Kijk in uw mailbox",
            "Wij hebben u een e-mail gestuurd. Klik op de knop in die e-mail om uw aanmelding te "
            f"bevestigen; pas dan ontvangt u de nieuwsbrief. De knop werkt {config.pending_days} dagen. "
            "Ziet u geen e-mail? Kijk dan ook bij uw ongewenste e-mail (spam).",
        )

    # --- confirm ------------------------------------------------------------------------------

    def token_url(path: str, token: str) -> str:
        return f"{config.service_url}{path}?token={quote(token, safe='')}"

    def bad_confirm_link():
        return page(
            400,
            "Deze link klopt niet",
            "Deze bevestigingslink is niet (helemaal) goed overgekomen. Kopieer het hele adres uit de "
            "e-mail naar uw browser, of meld u opnieuw aan.",
            signup_link=True,
        )

    def expired():
        return page(
            410,
            "Deze link is verlopen",
            f"Een bevestigingslink werkt {config.pending_days} dagen; deze is te oud, en de aanmelding is "
            "vervallen. Meld u opnieuw aan; u krijgt dan een nieuwe e-mail.",
            signup_link=True,
        )

    async def confirm_get(request: Request):
        token = request.query_params.get("token", "")
        checked = check_confirm(config.secret_key, token)
        if checked is None:
            return bad_confirm_link()
        if checked[1] < time.time():
            return expired()
        return pages.action(
            "Bevestig uw aanmelding",
            "Bevestigen",
            f"Klik op de knop om te bevestigen dat u de nieuwsbrief van "
            f"{pages.context['SITENAME']} wilt ontvangen.",
            token_url(CONFIRM_PATH, token),
        )

    def do_confirm(uid: str, expires: int) -> str:
        with service.connection() as conn, db.transaction(conn):
            outcome = confirm(conn, uid, expires, time.time())
            sub = by_uid(conn, uid)
        if sub is not None:
            log.info("bevestigen %s: %s", address_hash(config.secret_key, sub.email), outcome)
        return outcome

    async def confirm_post(request: Request):
        try:
            await read_body(request, ACTION_LIMIT)
        except Refusal as refusal:
            return page(refusal.status, refusal.title, refusal.text)
        checked = check_confirm(config.secret_key, request.query_params.get("token", ""))
        if checked is None:
            return bad_confirm_link()
        outcome = await run_in_threadpool(do_confirm, *checked)
        name = pages.context["SITENAME"]
        if outcome == "bevestigd":
            return page(
                200,
                "U bent aangemeld",
                f"Dank u wel. U ontvangt voortaan de nieuwsbrief van {name}. "
                "Afmelden kan altijd, met de link onderaan elke nieuwsbrief.",
            )
        if outcome == "al":
            return page(
                200,
                "U bent aangemeld",
                f"U had uw aanmelding al bevestigd; u ontvangt de nieuwsbrief "
                f"van {name}. Afmelden kan altijd, met de link onderaan elke nieuwsbrief.",
            )
        if outcome == "afgemeld":
            return page(
                409,
                "U bent afgemeld",
                "U hebt zich na deze aanmelding afgemeld, en deze link meldt u "
                "niet opnieuw aan. Wilt u de nieuwsbrief weer ontvangen, meld u dan opnieuw aan.",
                signup_link=True,
            )
        return expired()

    # --- unsubscribe --------------------------------------------------------------------------

    def bad_unsubscribe_link():
        return page(
            400,
            "Deze afmeldlink klopt niet",
            "Deze afmeldlink is niet (helemaal) goed overgekomen; er is niemand afgemeld. Gebruik de "
            "link onderaan de nieuwsbrief, of meld u af per e-mail.",
            mail_fallback=True,
        )

    async def unsubscribe_get(request: Request):
        token = request.query_params.get("token", "")
        if check_unsubscribe(config.secret_key, token) is None:
            return bad_unsubscribe_link()
        return pages.action(
            "Afmelden voor de nieuwsbrief",
            "Afmelden",
            f"Klik op de knop om u af te melden voor de nieuwsbrief van "
            f"{pages.context['SITENAME']}. U krijgt daarna geen nieuwsbrief meer.",
            token_url(UNSUBSCRIBE_PATH, token),
            {"List-Unsubscribe": "One-Click", "via": "pagina"},
        )

    def do_unsubscribe(uid: str, how: str) -> None:
        with service.connection() as conn, db.transaction(conn):
            changed = unsubscribe(conn, uid, how, time.time())
            sub = by_uid(conn, uid)
        if sub is not None:
            log.info(
                "afmelden %s (%s): %s",
                address_hash(config.secret_key, sub.email),
                how,
                "afgemeld" if changed else "was al afgemeld",
            )

    async def unsubscribe_post(request: Request):
        try:
            body = await read_body(request, ACTION_LIMIT)
        except Refusal:  # an odd body never costs an unsubscribe: the token decides
            body = b""
        uid = check_unsubscribe(config.secret_key, request.query_params.get("token", ""))
        if uid is None:
            return bad_unsubscribe_link()
        try:  # the body does not decide anything; it only tells our page from a mail program
            via = parse_form(request.headers.get("content-type", ""), body).get("via")
        except Refusal:
            via = None
        await run_in_threadpool(do_unsubscribe, uid, "pagina" if via == "pagina" else "één klik")
        return page(
            200,
            "U bent afgemeld",
            f"U krijgt de nieuwsbrief van {pages.context['SITENAME']} niet meer. "
            "Was dit een vergissing? Meld u dan opnieuw aan.",
            signup_link=True,
        )

    return [
        Route(SIGNUP_PATH, signup_get, methods=["GET"]),
        Route(SIGNUP_PATH, signup_post, methods=["POST"]),
        Route(MAILBOX_PATH, mailbox, methods=["GET"]),
        Route(CONFIRM_PATH, confirm_get, methods=["GET"]),
        Route(CONFIRM_PATH, confirm_post, methods=["POST"]),
        Route(UNSUBSCRIBE_PATH, unsubscribe_get, methods=["GET"]),
        Route(UNSUBSCRIBE_PATH, unsubscribe_post, methods=["POST"]),
    ]

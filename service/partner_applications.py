"""Applications to become a network partner (``/partner-worden/``): ``POST /partners/aanmelden``.

Checked like every form here (``forms``; origin; rate limit per client address), and each
organisation field with the content contract's own converters, so a valid application is a
valid partner entry. It becomes a draft partner file (``status: draft``) proposed to the
editors on a branch ``cms/partners/<slug>`` (``proposals``: a local Git repository, or GitHub
with a pull request labelled as Decap does); the office gets an e-mail. Nothing is published
until an editor sets the status and merges.

Personal data: the file holds only what the public directory would show (the organisation's
name, kind, district, sector, website, description). The contact person's name, e-mail and
phone stay in the service's database (deleted ``SWK_PARTNER_KEEP_DAYS`` after the
application) and in the office's mail; never in Git.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from pathlib import Path

import yaml
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from content_model.clock import site_zone
from content_model.fields import convert
from content_model.items import parse_item
from content_model.problems import Invalid as ContractInvalid
from content_model.schema import PARTNER
from newsletter.message import address_of
from partners.application import APPLY_PATH, application_form

from . import db
from .config import ConfigError, _int
from .forms import HONEYPOT_FILLED, Refusal, check_consent, read_site_form
from .mailing.outbox import enqueue_mail
from .proposals import GitHub, LocalGit, ProposalError
from .registrations import check_text
from .subscribers import Invalid, allow, check_email, remember_consent_text
from .subscriptions import client_key
from .tokens import address_hash, new_uid

log = logging.getLogger("swk.service.partners")

MIGRATIONS = [
    """
    CREATE TABLE partner_applications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        organisation TEXT NOT NULL,
        slug TEXT NOT NULL,
        entry TEXT NOT NULL,
        contact_name TEXT NOT NULL,
        contact_email TEXT NOT NULL,
        contact_phone TEXT,
        consent_version TEXT NOT NULL,
        privacy_version TEXT NOT NULL,
        received_at REAL NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('nieuw', 'voorgesteld', 'mislukt')),
        proposal TEXT,
        error TEXT
    )
    """,
]

FORM_LIMIT = 16 * 1024
COLLECTION = "partners"  # the web editor's collection name (plugins/web_editor)
THANKS_PATH = "/partners/aanmelding-ontvangen"


def slugify(text: str) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-") or "partner"


def entry_text(meta: dict, description: str) -> str:
    """The draft partner file: YAML front matter in the contract's field order, and the
    description as its body."""
    ordered = {f.name: meta[f.name] for f in PARTNER.fields if meta.get(f.name) not in (None, "")}
    head = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=1000)
    return (
        f"---\n{head}---\n{description.strip()}\n" if description.strip() else f"---\n{head}---\n"
    )


def proposer_of(config):
    env = config.env
    base = env.get("SWK_PARTNER_BASE", "main").strip() or "main"
    if env.get("SWK_GITHUB_REPO"):
        token = env.get("SWK_GITHUB_TOKEN", "")
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", env["SWK_GITHUB_REPO"]):
            raise ConfigError(
                f'SWK_GITHUB_REPO is "{env["SWK_GITHUB_REPO"]}"; schrijf eigenaar/naam'
            )
        if not token:
            raise ConfigError(
                "SWK_GITHUB_TOKEN ontbreekt (een token dat branches en pull requests mag maken)"
            )
        return GitHub(env["SWK_GITHUB_REPO"], token, base)
    if env.get("SWK_PARTNER_REPO"):
        repo = Path(env["SWK_PARTNER_REPO"])
        if not (repo / ".git").exists() and not (repo / "HEAD").exists():
            raise ConfigError(f"SWK_PARTNER_REPO {repo} is geen Git-repository")
        return LocalGit(repo, base)
    return None


def routes(service) -> list[Route]:
    config, pages = service.config, service.pages
    form = application_form({**pages.settings, "SERVICE_URL": config.service_url})
    with service.connection() as conn:
        remember_consent_text(conn, form["consent_version"], form["consent_text"])
    proposer = proposer_of(config)
    folder = config.env.get("SWK_PARTNER_FOLDER", "content/partners").strip("/")
    keep_days = _int(
        config.env, "SWK_PARTNER_KEEP_DAYS", config.retention("PARTNER_APPLICATION_KEEP_DAYS")
    )
    office = config.env.get("SWK_OFFICE_EMAIL", "").strip() or pages.settings.get("CONTACT_EMAIL")
    zone = site_zone(pages.settings)
    service.proposer = proposer

    def page(status: int, title: str, text: str):
        return pages.message(title, text, status_code=status)

    # --- the office's mail ------------------------------------------------------------------------

    def compose(conn, ref_id):
        row = conn.execute("SELECT * FROM partner_applications WHERE id = ?", (ref_id,)).fetchone()
        if row is None or not office:
            return None
        text = pages.render(
            "service/partner_office.txt", a=row, repo=proposer.describe() if proposer else None
        )
        return service.outbox.message(
            office,
            f"Aanmelding als partner: {row['organisation']}",
            text.strip() + "\n",
            reply_to=address_of(row["contact_email"], row["contact_name"]),
        ), office

    service.outbox.composers["partner-kantoor"] = compose

    def purge(conn, now):
        with db.transaction(conn):
            conn.execute(
                "DELETE FROM partner_applications WHERE received_at < ?", (now - keep_days * 86400,)
            )

    service.outbox.purgers.append(purge)

    # --- the form ---------------------------------------------------------------------------------

    def form_page(status: int, values: dict, errors: dict):
        return pages.response(
            "partner_application.html",
            status,
            partner_application_form=form,
            form_values=values,
            form_errors=errors,
        )

    def check(fields: dict) -> tuple[dict, dict, dict]:
        names = (
            "organisation",
            "kind",
            "district",
            "sector",
            "website",
            "description",
            "contact_name",
            "contact_email",
            "contact_phone",
        )
        values = {n: fields.get(n, "") for n in names}
        values["consent"] = fields.get("consent") == "ja"
        errors: dict = {}
        meta: dict = {"status": "draft"}
        texts = (
            ("organisation", "title", "De naam van de organisatie", 150, True),
            ("sector", "sector", "De sector", 100, False),
            ("contact_name", None, "De naam van de contactpersoon", 100, True),
        )
        for name, field, what, limit, required in texts:
            try:
                values[name] = check_text(values[name], what, limit, required)
                if field and values[name]:
                    meta[field] = values[name]
            except Invalid as exc:
                errors[name] = str(exc)
        try:
            values["description"] = check_text(
                values["description"], "De beschrijving", 1000, False, multiline=True
            )
        except Invalid as exc:
            errors["description"] = str(exc)
        contract = (
            ("kind", "kind", "Kies de soort organisatie.", True),
            ("district", "district", "", False),
            ("website", "website", "", False),
        )
        for name, field, missing, required in contract:
            value = values[name].strip()
            values[name] = value
            if not value:
                if required:
                    errors[name] = missing
                continue
            try:
                meta[field] = convert(PARTNER.field(field), value, zone)
            except ContractInvalid as exc:
                errors[name] = {
                    "kind": "Kies een soort organisatie uit de lijst.",
                    "district": "Kies een stadsdeel uit de lijst, of laat het leeg.",
                }.get(
                    name,
                    f"Dit is geen webadres. Schrijf het volledig, bv. https://www.voorbeeld.nl ({exc}).",
                )
        try:
            values["contact_email"] = check_email(values["contact_email"])
        except Invalid as exc:
            errors["contact_email"] = str(exc)
        phone = values["contact_phone"].strip()
        values["contact_phone"] = phone
        if phone and not re.fullmatch(r"\+?[0-9][0-9 ()-]{5,29}", phone):
            errors["contact_phone"] = (
                "Dit is geen telefoonnummer. Schrijf het bv. als 020 123 4567, of laat het leeg."
            )
        check_consent(
            fields,
            values,
            errors,
            "Vink het vakje aan: zonder uw toestemming kunnen wij uw aanmelding niet behandelen.",
            form["consent_version"].__eq__,
        )
        if fields.get("website_hp"):
            errors["website"] = HONEYPOT_FILLED
        return values, errors, meta

    def store(values: dict, meta: dict, client: str):
        """Store the application (with its entry), then propose the entry; returns the row id,
        or None when the client is over its limit."""
        now = time.time()
        text = entry_text(meta, values["description"])
        problems: list = []
        path = Path(folder) / f"{slugify(values['organisation'])}.md"
        parse_item(PARTNER, path, text, problems, zone)
        if (
            problems
        ):  # cannot happen with the checks above; never propose a file that breaks the contract
            raise RuntimeError("; ".join(map(str, problems)))
        with service.connection() as conn, db.transaction(conn):
            if not allow(conn, client, config.limit_client, 3600, now):
                return None
            ref = conn.execute(
                "INSERT INTO partner_applications (uid, organisation, slug, entry, contact_name, contact_email, "
                "contact_phone, consent_version, privacy_version, received_at, state) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'nieuw')",
                (
                    new_uid(),
                    values["organisation"],
                    slugify(values["organisation"]),
                    text,
                    values["contact_name"],
                    values["contact_email"],
                    values["contact_phone"] or None,
                    values["consent_version"],
                    values["privacy_version"],
                    now,
                ),
            ).lastrowid
        propose(ref)
        with service.connection() as conn, db.transaction(conn):
            enqueue_mail(conn, "partner-kantoor", ref, time.time())
        log.info(
            "aanmelding als partner van %s",
            address_hash(config.secret_key, values["contact_email"]),
        )
        return ref

    def propose(ref: int) -> None:
        """Put the entry on a new branch cms/partners/<slug> (a free slug)."""
        with service.connection() as conn:
            row = conn.execute("SELECT * FROM partner_applications WHERE id = ?", (ref,)).fetchone()
        if proposer is None or row["state"] == "voorgesteld":
            return
        try:
            slug = row["slug"]
            for n in range(2, 100):
                if not proposer.taken(f"cms/{COLLECTION}/{slug}", f"{folder}/{slug}.md"):
                    break
                slug = f"{row['slug']}-{n}"
            result = proposer.propose(
                f"cms/{COLLECTION}/{slug}",
                f"{folder}/{slug}.md",
                row["entry"],
                f"Create Partners “{slug}”",
            )
            state, error = "voorgesteld", None
        except ProposalError as exc:
            log.error("aanmelding als partner %d niet voorgesteld: %s", ref, exc)
            slug, result, state, error = row["slug"], None, "mislukt", str(exc)
        with service.connection() as conn, db.transaction(conn):
            conn.execute(
                "UPDATE partner_applications SET slug = ?, proposal = ?, state = ?, error = ? WHERE id = ?",
                (slug, result, state, error, ref),
            )

    service.propose_partner = propose

    async def apply_get(request: Request):
        return form_page(200, {}, {})

    async def apply_post(request: Request):
        try:
            fields = await read_site_form(
                request,
                config.form_origins,
                FORM_LIMIT,
                f"Dit formulier kwam niet van onze website. Gebruik het formulier op {config.site_url}/"
                f"{form['page']}/.",
            )
        except Refusal as refusal:
            return page(refusal.status, refusal.title, refusal.text)
        values, errors, meta = await run_in_threadpool(check, fields)
        if errors:
            return form_page(400, values, errors)
        client = client_key(config.secret_key, request.client.host if request.client else None)
        if await run_in_threadpool(store, values, meta, client) is None:
            return page(
                429,
                "Even geduld",
                "Vanaf uw internetverbinding zijn in het afgelopen uur te veel "
                "formulieren verstuurd. Probeer het over een uur opnieuw, of mail ons.",
            )
        service.outbox.wake()
        return page(
            200,
            "Dank u wel voor uw aanmelding",
            f"Wij hebben de aanmelding van {values['organisation']} ontvangen. De redactie bekijkt hem en "
            "neemt contact op met de contactpersoon. Pas daarna komt uw organisatie in de partnerlijst.",
        )

    return [
        Route(APPLY_PATH, apply_get, methods=["GET"]),
        Route(APPLY_PATH, apply_post, methods=["POST"]),
    ]

"""statements: the pages the law asks of a public body, saying nothing that is not true.

Writes ``/toegankelijkheid/`` (template ``toegankelijkheid.html``, after the model statement
of digitoegankelijk.nl) and ``/privacy/`` (``privacy.html``) from two settings,
``ACCESSIBILITY_STATEMENT`` and ``PRIVACY_STATEMENT`` (pelicanconf.py). Facts only the
organisation can give (who approved the statement, a planned audit, the register entry,
retention periods, the mail relay, ...) are ``None`` until someone who knows fills them in:
the page then leaves them out (never a guess), and every build lists them in one warning.

The accessibility status follows the table of digitoegankelijk.nl: A or B only with a full
audit by WCAG-EM of at most three years old; without one, C when an audit is planned within
six months, D when none is planned.

Other settings: ``STATEMENT_URLS`` (``DEFAULTS``; the README), and what the site service keeps and for how long, which the privacy statement
states: ``NEWSLETTER_PENDING_DAYS`` (days an unconfirmed sign-up is kept),
``REGISTRATION_KEEP_DAYS`` (days after an event its registrations are kept) and
``PARTNER_APPLICATION_KEEP_DAYS`` (days a partner application's contact details are kept).

``privacy_version(settings)`` is the version of the privacy statement that the forms of the
site service record with each consent: it changes whenever the statement's text can change
(its template or any of its settings).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from content_model.settings import use_defaults

log = logging.getLogger(__name__)

DEFAULTS = {"STATEMENT_URLS": {"toegankelijkheid": "toegankelijkheid/", "privacy": "privacy/"}}
# The settings the privacy statement shows besides PRIVACY_STATEMENT (its version covers them).
PRIVACY_SETTINGS = (
    "SITENAME",
    "CONTACT_EMAIL",
    "PRIVACY_STATEMENT",
    "NEWSLETTER_PENDING_DAYS",
    "REGISTRATION_KEEP_DAYS",
    "PARTNER_APPLICATION_KEEP_DAYS",
)


@dataclass(frozen=True)
class Fact:
    key: str
    what: str  # Dutch: what to fill in (the build's warning)


# Facts of the accessibility statement that only the organisation can give.
ACCESSIBILITY_FACTS = (
    Fact(
        "audit_planned",
        "de datum (JJJJ-MM-DD) van een gepland toegankelijkheidsonderzoek "
        "volgens WCAG-EM, of False als er geen gepland is",
    ),
    Fact(
        "approved_by",
        "de functie van wie de verklaring goedkeurde (tekenbevoegd, "
        "bijvoorbeeld de verantwoordelijke manager)",
    ),
    Fact("approved_on", "de datum (JJJJ-MM-DD) waarop die de verklaring goedkeurde"),
    Fact(
        "register_url",
        "het adres van deze verklaring in het register van toegankelijkheidsverklaringen",
    ),
    Fact(
        "response_days",
        "binnen hoeveel werkdagen een vraag over toegankelijkheid een antwoord krijgt",
    ),
    Fact("complaints_url", "het adres van de klachtenprocedure van de gemeente"),
    Fact("ombudsman", "de naam van de ombudsman voor klachten over de gemeente"),
    Fact("ombudsman_url", "het adres van de website van die ombudsman"),
)
# Only when an audit has been done (``audit_date`` set):
AUDIT_FACTS = (
    Fact("audit_report_url", "het adres van het onderzoeksrapport"),
    Fact(
        "audit_requirements_met", "aan hoeveel van de 50 eisen de site voldoet volgens het rapport"
    ),
)
PRIVACY_FACTS = (
    Fact(
        "dpo_contact",
        "hoe bezoekers de functionaris gegevensbescherming van de gemeente "
        "bereiken (een e-mailadres of webadres)",
    ),
    Fact(
        "basis_visits",
        "de grondslag voor de logbestanden van de webhost (bv. 'een taak van algemeen belang')",
    ),
    Fact("basis_email", "de grondslag voor het bewaren van e-mails aan ons"),
    Fact("retention_email", "hoe lang e-mails aan ons worden bewaard"),
    Fact("mail_relay", "de naam en het land van de dienst die de e-mails van de site verstuurt"),
    Fact(
        "transfer_safeguard",
        "op welke grond gegevens naar de Verenigde Staten gaan (bij "
        "de webhost), bv. het EU-VS-gegevensprivacykader",
    ),
)

# digitoegankelijk.nl's statuses
STATUS_LABELS = {
    "A": "voldoet volledig",
    "B": "voldoet gedeeltelijk",
    "C": "eerste maatregelen genomen",
    "D": "eerste maatregelen nog niet genomen",
}


def missing(values: dict, facts) -> list[Fact]:
    return [f for f in facts if values.get(f.key) is None]


def accessibility_status(values: dict) -> str | None:
    """The status letter the facts support, or ``None`` while it cannot be told."""
    if values.get("audit_date"):
        met = values.get("audit_requirements_met")
        if met is None:
            return None
        return "A" if met >= 50 else "B"
    planned = values.get("audit_planned")
    if planned is None:
        return None
    return "C" if planned else "D"


def _as_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def statement_data(settings) -> dict:
    """Both statements' values (dates as dates), their status and what is missing."""
    acc = dict(settings.get("ACCESSIBILITY_STATEMENT") or {})
    priv = dict(settings.get("PRIVACY_STATEMENT") or {})
    for values, keys in (
        (acc, ("updated", "approved_on", "audit_date", "audit_planned")),
        (priv, ("updated",)),
    ):
        for key in keys:
            if values.get(key):
                values[key] = _as_date(values[key])
    acc_missing = missing(acc, ACCESSIBILITY_FACTS)
    if acc.get("audit_date"):
        acc_missing += missing(acc, AUDIT_FACTS)
    acc["status"] = accessibility_status(acc)
    acc["status_label"] = STATUS_LABELS.get(acc["status"] or "", "")
    return {
        "accessibility": acc,
        "privacy": priv,
        "missing": {
            "ACCESSIBILITY_STATEMENT": acc_missing,
            "PRIVACY_STATEMENT": missing(priv, PRIVACY_FACTS),
        },
    }


def privacy_version(settings) -> str:
    """The privacy statement's version (40 hex digits, as the consent records keep it): the
    SHA-1 of its template (``privacy.html`` of the theme) and the settings it shows. The same
    template and settings give the same version; ``git log -p theme/templates/privacy.html
    pelicanconf.py`` shows what changed between versions. "" without the template."""
    template = Path(settings["THEME"]) / "templates" / "privacy.html"
    if not template.is_file():
        return ""
    facts = {key: settings.get(key) for key in PRIVACY_SETTINGS}
    data = template.read_bytes() + b"\0" + json.dumps(facts, sort_keys=True, default=str).encode()
    return hashlib.sha1(data).hexdigest()


def warning_text(missing_by_setting: dict) -> str | None:
    """One warning that lists every missing fact, or ``None``."""
    lines = [
        f"  {setting}['{fact.key}']: {fact.what}"
        for setting, facts in missing_by_setting.items()
        for fact in facts
    ]
    if not lines:
        return None
    return (
        "De verklaringen over toegankelijkheid en privacy missen nog gegevens die alleen de "
        "organisatie kan geven; ze staan niet op de site tot ze in pelicanconf.py zijn "
        "ingevuld:\n" + "\n".join(lines)
    )


class StatementsGenerator(Generator):
    """Writes the two statements; warns once per build about missing facts."""

    def generate_context(self):
        self.data = statement_data(self.settings)
        text = warning_text(self.data["missing"])
        if text:
            log.warning(text)

    def generate_output(self, writer):
        for name, url in self.settings["STATEMENT_URLS"].items():
            writer.write_file(
                url + "index.html",
                self.get_template(name),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=url,
                statement=self.data["accessibility" if name == "toegankelijkheid" else "privacy"],
            )


def _get_generators(pelican):
    return StatementsGenerator


def register():
    use_defaults(DEFAULTS)
    signals.get_generators.connect(_get_generators)

"""The accessibility and privacy statements say what is known and nothing else."""

from __future__ import annotations

import re

import pytest

from statements import (
    ACCESSIBILITY_FACTS,
    PRIVACY_FACTS,
    accessibility_status,
    privacy_version,
    statement_data,
)
from swk.build import load_settings
from tests.support.testing import ROOT, build_project, make_project

SETTINGS = load_settings(str(ROOT / "pelicanconf.py"))


def text_of(out, slug: str) -> str:
    html = (out / slug / "index.html").read_text(encoding="utf-8")
    main = html[html.index("<main") : html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


@pytest.fixture(scope="module")
def default_site(tmp_path_factory):
    return build_project(make_project(tmp_path_factory.mktemp("verklaringen")))


def test_every_missing_fact_is_reported_once_per_build(tmp_path, caplog):
    from pelican.log import LimitFilter

    LimitFilter._raised_messages.clear()  # Pelican shows a warning once per process; this is a new build
    build_project(make_project(tmp_path))
    warnings = [
        r.getMessage()
        for r in caplog.records
        if "verklaringen over toegankelijkheid" in r.getMessage()
    ]
    assert len(warnings) == 1
    for fact in ACCESSIBILITY_FACTS:
        assert f"ACCESSIBILITY_STATEMENT['{fact.key}']: {fact.what}" in warnings[0]
    for fact in PRIVACY_FACTS:
        assert f"PRIVACY_STATEMENT['{fact.key}']" in warnings[0]


def test_the_accessibility_statement_claims_nothing_unchecked(default_site):
    text = text_of(default_site, "toegankelijkheid")
    # the model statement's parts
    for words in (
        "Besluit digitale toegankelijkheid overheid",
        "EN 301 549",
        "WCAG 2.1",
        "de nieuwsbrief die wij per e-mail versturen",
        "de feeds",
        "de redactieomgeving",
        "Zoeken werkt alleen met JavaScript",
        "Wat kunt u in plaats daarvan doen?",
        "sociaalwerkkoepel@amsterdam.nl",
        "ombudsman",
        "bijgewerkt op 27 november 2026",
    ):
        assert words in text, words
    # no audit: no status A or B, and no claim to meet the standard
    assert "nog niet onderzocht volgens de vaste methode voor zo’n onderzoek (WCAG-EM)" in text
    assert not re.search(r"Status [AB]\b", text) and "voldoet volledig" not in text
    assert "voldoet aan WCAG" not in text and "gemaakt om aan" not in text
    # facts nobody gave are left out, not guessed
    assert "goedgekeurd door" not in text and "register" not in text and "werkdagen" not in text
    # no claims about tools in technical terms
    for tool in ("axe", "W3C", "Nu HTML", "Chromium", "Playwright", "Lighthouse", "Decap"):
        assert tool not in text, tool


def test_the_privacy_statement_names_what_the_law_asks(default_site):
    text = text_of(default_site, "privacy")
    for words in (
        "De gemeente Amsterdam is verantwoordelijk",
        "directie Werk, Participatie en Inkomen",
        "geen cookies",
        "toestemming",
        "zolang u de nieuwsbrief wilt krijgen",
        # what the site service keeps, and how long (its settings are the service's defaults)
        "Bevestigt u niet binnen 7 dagen? Dan verwijderen wij uw gegevens.",  # NEWSLETTER_PENDING_DAYS
        "welke versie van deze privacyverklaring toen gold",  # the consent record
        "Uw e-mailadres bewaren wij met de datums van aanmelden en afmelden",  # unsubscribed
        "30 dagen na het evenement verwijderen wij alle aanmeldingen",  # REGISTRATION_KEEP_DAYS
        "Onze dienst verwijdert ze 90 dagen na de aanmelding",  # PARTNER_APPLICATION_KEEP_DAYS
        "GitHub",
        "buiten de Europese Unie",
        "inzien",
        "laten verwijderen",
        "bezwaar",
        "binnen een maand",
        "Autoriteit Persoonsgegevens",
        "Laatst gewijzigd: 27 november 2026",
    ):
        assert words in text, words
    for unknown in (
        "functionaris gegevensbescherming",
        "Dat mag, omdat",
        "Wij bewaren uw e-mail",
        "de dienst die onze e-mails verstuurt",
    ):
        assert unknown not in text, unknown


def test_filled_in_facts_appear_and_the_warning_goes(tmp_path, caplog):
    accessibility = {
        **SETTINGS["ACCESSIBILITY_STATEMENT"],
        "audit_planned": "2027-03-01",
        "approved_by": "de manager van Sociaal Werkkoepel Amsterdam",
        "approved_on": "2026-12-01",
        "register_url": "https://register.example/123",
        "response_days": 5,
        "complaints_url": "https://klachten.example/",
        "ombudsman": "de ombudsman van de stad",
        "ombudsman_url": "https://ombudsman.example/",
    }
    privacy = {
        **SETTINGS["PRIVACY_STATEMENT"],
        "dpo_contact": "fg@voorbeeld.nl",
        "basis_visits": "een taak van algemeen belang",
        "basis_email": "een taak van algemeen belang",
        "retention_email": "een jaar",
        "mail_relay": "Voorbeeldmail (Nederland)",
        "transfer_safeguard": "GitHub meedoet aan het voorbeeldkader",
    }
    out = build_project(
        make_project(tmp_path),
        ACCESSIBILITY_STATEMENT=accessibility,
        PRIVACY_STATEMENT=privacy,
        REGISTRATION_KEEP_DAYS=14,
    )
    assert "verklaringen over toegankelijkheid" not in caplog.text
    acc = text_of(out, "toegankelijkheid")
    for words in (
        "Status C: eerste maatregelen genomen",
        "gepland voor 1 maart 2027",
        "op 1 december 2026 goedgekeurd door de manager van Sociaal Werkkoepel Amsterdam",
        "register van toegankelijkheidsverklaringen",
        "binnen 5 werkdagen antwoord",
        "klachtenprocedure",
        "de ombudsman van de stad",
    ):
        assert words in acc, words
    priv = text_of(out, "privacy")
    for words in (
        "fg@voorbeeld.nl",
        "Voorbeeldmail (Nederland)",
        "Wij bewaren uw e-mail een jaar",
        "Dat mag, omdat GitHub meedoet aan het voorbeeldkader",
    ):
        assert words in priv, words
    assert "14 dagen na het evenement" in priv


@pytest.mark.parametrize(
    "values, status",
    [
        ({}, None),  # nothing known: no status claimed
        ({"audit_planned": "2027-01-01"}, "C"),
        ({"audit_planned": False}, "D"),
        ({"audit_date": "2026-01-01"}, None),  # an audit, but its result not filled in
        ({"audit_date": "2026-01-01", "audit_requirements_met": 50}, "A"),
        ({"audit_date": "2026-01-01", "audit_requirements_met": 43}, "B"),
    ],
)
def test_status_follows_digitoegankelijk(values, status):
    assert accessibility_status(values) == status


def test_an_audit_asks_for_its_report():
    data = statement_data(
        {"ACCESSIBILITY_STATEMENT": {"audit_date": "2026-01-01"}, "PRIVACY_STATEMENT": {}}
    )
    keys = [f.key for f in data["missing"]["ACCESSIBILITY_STATEMENT"]]
    assert "audit_report_url" in keys and "audit_requirements_met" in keys


def test_the_privacy_version_follows_the_statement(tmp_path):
    """The forms record this version with each consent: it changes with the statement's
    template or any setting the statement shows, and only then."""
    version = privacy_version(SETTINGS)
    assert re.fullmatch(r"[0-9a-f]{40}", version)
    assert privacy_version(dict(SETTINGS)) == version
    assert privacy_version({**SETTINGS, "REGISTRATION_KEEP_DAYS": 14}) != version
    changed = {**SETTINGS["PRIVACY_STATEMENT"], "updated": "2027-01-01"}
    assert privacy_version({**SETTINGS, "PRIVACY_STATEMENT": changed}) != version
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    template = (ROOT / "theme/templates/privacy.html").read_text(encoding="utf-8")
    (theme / "templates/privacy.html").write_text(template, encoding="utf-8")
    assert privacy_version({**SETTINGS, "THEME": str(theme)}) == version
    (theme / "templates/privacy.html").write_text(template + "<p>Nieuw.</p>", encoding="utf-8")
    assert privacy_version({**SETTINGS, "THEME": str(theme)}) != version
    assert privacy_version({**SETTINGS, "THEME": str(tmp_path / "geen")}) == ""

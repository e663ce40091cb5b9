"""The partner application form's data (``/partner-worden/``): one place for the build and
the site service (its copy of the form after bad input, the consent record, the vocabularies).
"""

from __future__ import annotations

from content_model.schema import DISTRICT_LABELS, PARTNER_KIND_LABELS
from newsletter.signup import privacy_version, service_url, text_version

APPLY_PATH = "/partners/aanmelden"
DEFAULT_PAGE = "partner-worden"  # the slug of the page that shows the form
DEFAULT_CONSENT_TEXT = (
    "Ja, gebruik deze gegevens om onze aanmelding als partner te behandelen. De gegevens van "
    "de organisatie komen, na controle door de redactie, in de partnerlijst op deze website; de "
    "gegevens van de contactpersoon niet."
)


def application_form(settings) -> dict | None:
    """What ``partials/partner_form.html`` needs, or None when no service is configured."""
    base = service_url(settings)
    if not base:
        return None
    text = settings.get("PARTNER_APPLICATION_CONSENT_TEXT") or DEFAULT_CONSENT_TEXT
    return {
        "action": base + APPLY_PATH,
        "page": settings.get("PARTNER_APPLICATION_PAGE") or DEFAULT_PAGE,
        "consent_text": text,
        "consent_version": text_version(text),
        "privacy_version": privacy_version(settings),
        "kinds": PARTNER_KIND_LABELS,
        "districts": DISTRICT_LABELS,
    }

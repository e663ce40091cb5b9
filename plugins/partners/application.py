"""The partner application form's data (``/partner-worden/``): one place for the build and
the site service (its copy of the form after bad input, the consent record, the vocabularies).
"""

from __future__ import annotations

from content_model.consent import service_url, text_version
from content_model.schema import DISTRICT_LABELS, PARTNER_KIND_LABELS
from statements import privacy_version

APPLY_PATH = "/partners/aanmelden"


def application_form(settings) -> dict | None:
    """What ``partials/partner_form.html`` needs, or None when no service is configured."""
    base = service_url(settings)
    if not base:
        return None
    text = settings["PARTNER_APPLICATION_CONSENT_TEXT"]
    return {
        "action": base + APPLY_PATH,
        "page": settings["PARTNER_APPLICATION_PAGE"],
        "consent_text": text,
        "consent_version": text_version(text),
        "privacy_version": privacy_version(settings),
        "kinds": PARTNER_KIND_LABELS,
        "districts": DISTRICT_LABELS,
    }

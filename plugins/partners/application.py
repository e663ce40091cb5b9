"""The partner application form's data (``/partner-worden/``): one place for the build and
the site service (its copy of the form after bad input, the consent record, the vocabularies).
"""

from __future__ import annotations

from content_model.consent import service_form
from content_model.schema import DISTRICT_LABELS, PARTNER_KIND_LABELS
from statements import privacy_version

APPLY_PATH = "/partners/aanmelden"


def application_form(settings) -> dict | None:
    """What ``partials/partner_form.html`` needs, or None when no service is configured."""
    form = service_form(settings, APPLY_PATH, "PARTNER_APPLICATION_CONSENT_TEXT", privacy_version)
    if form is not None:
        form.update(
            page=settings["PARTNER_APPLICATION_PAGE"],
            kinds=PARTNER_KIND_LABELS,
            districts=DISTRICT_LABELS,
        )
    return form

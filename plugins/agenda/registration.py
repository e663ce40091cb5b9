"""The event registration form's data: one place for the build (the form on an event page)
and the site service (its own copy of the form after bad input, and the consent record).

The consent text is ``REGISTRATION_CONSENT_TEXT``, word for word; its version is a hash of
it (``content_model.consent``); the privacy statement's version is ``statements.privacy_version``.
"""

from __future__ import annotations

from content_model.consent import service_url, text_version
from statements import privacy_version

REGISTER_PATH = "/agenda/aanmelden"
PLACES_PATH = "/agenda/plaatsen"  # + /<slug>: {"capacity", "left", "open"} for the page's script


def registration_form(settings) -> dict | None:
    """What ``partials/registration_form.html`` needs, or None when no service is configured."""
    base = service_url(settings)
    if not base:
        return None
    text = settings["REGISTRATION_CONSENT_TEXT"]
    return {
        "action": base + REGISTER_PATH,
        "places_url": base + PLACES_PATH,
        "consent_text": text,
        "consent_version": text_version(text),
        "privacy_version": privacy_version(settings),
    }

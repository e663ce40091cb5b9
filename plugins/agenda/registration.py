"""The event registration form's data: one place for the build (the form on an event page)
and the site service (its own copy of the form after bad input, and the consent record).

The consent text is ``REGISTRATION_CONSENT_TEXT``, word for word; its version is a hash of
it (``content_model.consent``); the privacy statement's version is ``statements.privacy_version``.
"""

from __future__ import annotations

from content_model.consent import service_form, service_url
from statements import privacy_version

REGISTER_PATH = "/agenda/aanmelden"
PLACES_PATH = "/agenda/plaatsen"  # + /<slug>: {"capacity", "left", "open"} for the page's script


def registration_form(settings) -> dict | None:
    """What ``partials/registration_form.html`` needs, or None when no service is configured."""
    form = service_form(settings, REGISTER_PATH, "REGISTRATION_CONSENT_TEXT", privacy_version)
    if form is not None:
        form["places_url"] = service_url(settings) + PLACES_PATH
    return form

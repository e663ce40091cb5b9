"""The newsletter sign-up form's data: one place for the build (the form on the site) and
the site service (its own copy of the form, and the consent record it keeps).

- the consent text is ``NEWSLETTER_CONSENT_TEXT``, word for word; its version is a hash of it
  (``content_model.consent.text_version``);
- the privacy statement's version is ``statements.privacy_version``: it changes with the
  statement's template or settings (plugins/statements writes /privacy/ from them).
"""

from __future__ import annotations

from content_model.consent import service_form
from statements import privacy_version

SIGNUP_PATH = "/nieuwsbrief/aanmelden"
UNSUBSCRIBE_PATH = "/nieuwsbrief/afmelden"


def signup_form(settings) -> dict | None:
    """What ``partials/signup.html`` needs, or None when no service is configured."""
    return service_form(settings, SIGNUP_PATH, "NEWSLETTER_CONSENT_TEXT", privacy_version)

"""The newsletter sign-up form's data: one place for the build (the form on the site) and
the site service (its own copy of the form, and the consent record it keeps).

- the consent text is ``NEWSLETTER_CONSENT_TEXT``, word for word; its version is a hash of it;
- the privacy statement's version is ``statements.privacy_version``: it changes with the
  statement's template or settings (plugins/statements writes /privacy/ from them).
"""

from __future__ import annotations

import hashlib

SIGNUP_PATH = "/nieuwsbrief/aanmelden"
UNSUBSCRIBE_PATH = "/nieuwsbrief/afmelden"


def text_version(text: str) -> str:
    """A short, stable version of a text: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def privacy_version(settings) -> str:
    """The privacy statement's version (plugins/statements)."""
    from statements import privacy_version as version

    return version(settings)


def service_url(settings) -> str:
    return (settings.get("SERVICE_URL") or "").rstrip("/")


def signup_form(settings) -> dict | None:
    """What ``partials/signup.html`` needs, or None when no service is configured."""
    base = service_url(settings)
    if not base:
        return None
    text = settings["NEWSLETTER_CONSENT_TEXT"]
    return {
        "action": base + SIGNUP_PATH,
        "consent_text": text,
        "consent_version": text_version(text),
        "privacy_version": privacy_version(settings),
    }

"""The newsletter sign-up form's data: one place for the build (the form on the site) and
the site service (its own copy of the form, and the consent record it keeps).

- the consent text is ``NEWSLETTER_CONSENT_TEXT``, word for word; its version is a hash of it;
- the privacy statement's version is the Git blob id of ``NEWSLETTER_PRIVACY_PAGE`` (under
  ``PATH``), so ``git log --all --find-object=<version>`` shows the exact text a subscriber
  was shown.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SIGNUP_PATH = "/nieuwsbrief/aanmelden"
UNSUBSCRIBE_PATH = "/nieuwsbrief/afmelden"


def text_version(text: str) -> str:
    """A short, stable version of a text: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def git_blob_id(data: bytes) -> str:
    """What ``git hash-object`` prints for a file with these bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def privacy_version(settings) -> str:
    """The privacy statement's version: its source file's Git blob id ("" if there is none)."""
    page = settings.get("NEWSLETTER_PRIVACY_PAGE") or "pages/privacy.md"
    path = Path(settings.get("PATH") or ".") / page
    return git_blob_id(path.read_bytes()) if path.is_file() else ""


def service_url(settings) -> str:
    return (settings.get("SERVICE_URL") or "").rstrip("/")


def signup_form(settings) -> dict | None:
    """What ``partials/signup.html`` needs, or None when no service is configured."""
    base = service_url(settings)
    if not base:
        return None
    text = settings.get("NEWSLETTER_CONSENT_TEXT") or ""
    return {
        "action": base + SIGNUP_PATH,
        "consent_text": text,
        "consent_version": text_version(text),
        "privacy_version": privacy_version(settings),
    }

"""What the site's forms that post to the site service share (the newsletter sign-up, an
event's registration, the partner application): the service's address and the version of a
consent text, as the consent records keep it. The privacy statement's version is
``statements.privacy_version``. Here so that the plugins with forms do not depend on each
other."""

from __future__ import annotations

import hashlib


def service_url(settings) -> str:
    """``SERVICE_URL`` without a trailing slash; "" without a site service."""
    return (settings.get("SERVICE_URL") or "").rstrip("/")


def text_version(text: str) -> str:
    """A short, stable version of a text: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def service_form(settings, path: str, text_setting: str, privacy_version) -> dict | None:
    """What a form posting to the site service at ``path`` needs (its action, the consent
    text in ``settings[text_setting]`` and its version, and the privacy statement's version:
    ``privacy_version(settings)``, from its owner, ``statements``), or None without a
    service: then the page shows no form."""
    base = service_url(settings)
    if not base:
        return None
    text = settings[text_setting]
    return {
        "action": base + path,
        "consent_text": text,
        "consent_version": text_version(text),
        "privacy_version": privacy_version(settings),
    }

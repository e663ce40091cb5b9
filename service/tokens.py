"""Opaque, signed tokens for the links in mail: no address in them, readable or encoded.

Every subscriber has a random ``uid`` (128 bits). A link carries the uid and an HMAC-SHA256
over it with ``SWK_SECRET_KEY``, so a token cannot be guessed or forged, and nothing in it says
who it belongs to:

- unsubscribe: ``<uid>.<sig>``; valid as long as the key, so the link in an old newsletter
  still works;
- confirm: ``<uid>.<expires>.<sig>``; ``expires`` (Unix seconds) is part of the signature, and
  a newer sign-up of the same person gets a new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

UID_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")
SIG_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")
EXPIRES_RE = re.compile(r"^[0-9]{1,12}$")


def new_uid() -> str:
    return secrets.token_urlsafe(16)


def _sig(key: str, *parts: str) -> str:
    mac = hmac.new(key.encode("utf-8"), "\0".join(parts).encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:16]).decode("ascii").rstrip("=")


def signed(key: str, purpose: str, uid: str) -> str:
    """``<uid>.<sig>`` for one purpose: a token for another purpose does not pass."""
    return f"{uid}.{_sig(key, purpose, uid)}"


def check_signed(key: str, purpose: str, token: str) -> str | None:
    """The uid of a genuine ``signed`` token for ``purpose``, else None."""
    uid, _, sig = (token or "").partition(".")
    if not (UID_RE.match(uid) and SIG_RE.match(sig)):
        return None
    return uid if hmac.compare_digest(_sig(key, purpose, uid), sig) else None


def unsubscribe_token(key: str, uid: str) -> str:
    return signed(key, "afmelden", uid)


def confirm_token(key: str, uid: str, expires: int) -> str:
    return f"{uid}.{expires}.{_sig(key, 'bevestigen', uid, str(expires))}"


def check_unsubscribe(key: str, token: str) -> str | None:
    """The uid of a genuine unsubscribe token, else None."""
    return check_signed(key, "afmelden", token)


def check_confirm(key: str, token: str) -> tuple[str, int] | None:
    """(uid, expires) of a genuine confirmation token (expired or not), else None."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not (
        UID_RE.match(parts[0]) and EXPIRES_RE.match(parts[1]) and SIG_RE.match(parts[2])
    ):
        return None
    uid, expires, sig = parts
    if not hmac.compare_digest(_sig(key, "bevestigen", uid, expires), sig):
        return None
    return uid, int(expires)


def address_hash(key: str, address: str) -> str:
    """What logs say instead of an address: a short keyed hash (the same address, the same hash)."""
    return hmac.new(
        key.encode("utf-8"), b"adres\0" + address.strip().lower().encode("utf-8"), hashlib.sha256
    ).hexdigest()[:12]

"""The MIME message of an issue, unsubscribe tokens and the rendering's content hash.

Shared by the build (``email.eml`` next to each issue) and the sender (one message per
recipient), so both produce the same headers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid

from content_model.validate import AMSTERDAM

from .issue import TOKEN_PLACEHOLDER, unsubscribe_link

HEADERS = SMTP.clone(max_line_length=998)


def content_hash(html: str, text: str, meta: dict) -> str:
    """Identifies one rendering: the same HTML, text, subject and sender give the same hash."""
    h = hashlib.sha256()
    for part in (html, text, meta["subject"], meta["from"], meta["reply_to"]):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(address: str, secret: str) -> str:
    """A signed unsubscribe token for one address: ``<address>.<HMAC-SHA256>``, base64url."""
    address = address.strip().lower()
    sig = hmac.new(secret.encode("utf-8"), b"unsubscribe:" + address.encode("utf-8"), hashlib.sha256)
    return f"{_b64(address.encode('utf-8'))}.{_b64(sig.digest())}"


def verify_token(token: str, secret: str) -> str | None:
    """The address in a token whose signature is right, else None (for the unsubscribe endpoint)."""
    try:
        payload, _ = token.split(".", 1)
        address = _unb64(payload).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return address if hmac.compare_digest(make_token(address, secret), token) else None


def personalise(html: str, text: str, meta: dict, token: str) -> tuple[str, str, str]:
    """The HTML, text and unsubscribe URL for one recipient: only the token changes."""
    url = unsubscribe_link(meta["unsubscribe_url"], token)
    return html.replace(TOKEN_PLACEHOLDER, token), text.replace(TOKEN_PLACEHOLDER, token), url


def compose(meta: dict, html: str, text: str, *, unsubscribe_url: str, to: str | None = None,
            date=None, message_id: str | None = None) -> EmailMessage:
    """A complete multipart/alternative message (text first, then HTML), UTF-8."""
    msg = EmailMessage(policy=SMTP)
    sender = getaddresses([meta["from"]])[0][1]
    domain = sender.rsplit("@", 1)[-1] or "localhost"
    msg["Subject"] = meta["subject"]
    msg["From"] = meta["from"]
    if to:
        msg["To"] = to
    msg["Reply-To"] = meta["reply_to"]
    msg["Date"] = format_datetime(date or datetime.now(AMSTERDAM))
    msg["Message-ID"] = message_id or make_msgid(idstring=meta.get("slug"), domain=domain)
    msg["List-Unsubscribe"] = f"<{unsubscribe_url}>, <{meta['unsubscribe_mailto']}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    # Headers fold at 998, not 78: folding would turn a long unsubscribe URL into an RFC 2047
    # encoded word, which mail clients do not read as a link. The parts are already encoded.
    msg.policy = HEADERS
    return msg


def address_of(recipient: str, name: str | None = None) -> str:
    """``Name <address>`` for the To header, safely quoted."""
    local, _, domain = recipient.partition("@")
    return str(Address(display_name=name or "", username=local, domain=domain))

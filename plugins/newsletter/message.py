"""The MIME message of an issue and the rendering's content hash.

Shared by the build (``email.eml`` next to each issue) and the site service's sender (one
message per recipient, ``service/mailing``), so both produce the same headers. Unsubscribe
tokens are the service's (``service/tokens.py``): opaque, no address in them.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid

from .issue import TOKEN_PLACEHOLDER, unsubscribe_link

HEADERS = SMTP.clone(max_line_length=998)


def content_hash(html: str, text: str, meta: dict) -> str:
    """Identifies one rendering: the same HTML, text, subject and sender give the same hash."""
    h = hashlib.sha256()
    for part in (html, text, meta["subject"], meta["from"], meta["reply_to"]):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def personalise(html: str, text: str, meta: dict, token: str) -> tuple[str, str, str | None]:
    """The HTML, text and one-click unsubscribe URL for one recipient: only the token changes.
    The URL is None for a rendering built without the site service."""
    url = unsubscribe_link(meta["unsubscribe_url"], token) if meta.get("unsubscribe_url") else None
    return html.replace(TOKEN_PLACEHOLDER, token), text.replace(TOKEN_PLACEHOLDER, token), url


def compose(
    meta: dict,
    html: str,
    text: str,
    *,
    unsubscribe_url: str | None,
    to: str | None = None,
    date=None,
    message_id: str | None = None,
) -> EmailMessage:
    """A complete multipart/alternative message (text first, then HTML), UTF-8.

    ``List-Unsubscribe`` has the https URL (one click, RFC 8058, with ``List-Unsubscribe-Post``)
    only when there is one; the mailto is always there."""
    msg = EmailMessage(policy=SMTP)
    sender = getaddresses([meta["from"]])[0][1]
    domain = sender.rsplit("@", 1)[-1] or "localhost"
    msg["Subject"] = meta["subject"]
    msg["From"] = meta["from"]
    if to:
        msg["To"] = to
    msg["Reply-To"] = meta["reply_to"]
    msg["Date"] = format_datetime(date or datetime.now(UTC))
    msg["Message-ID"] = message_id or make_msgid(idstring=meta.get("slug"), domain=domain)
    if unsubscribe_url:
        msg["List-Unsubscribe"] = f"<{unsubscribe_url}>, <{meta['unsubscribe_mailto']}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    else:
        msg["List-Unsubscribe"] = f"<{meta['unsubscribe_mailto']}>"
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

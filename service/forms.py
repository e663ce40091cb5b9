"""Reading what browsers and mail programs post, strictly: a size limit, the content types a
form can have, UTF-8 only, and where it came from. Every refusal is a ``Refusal`` with a
status code and a Dutch text; nothing is stored before a request has passed these checks.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
PRIVACY_RE = re.compile(r"^[0-9a-f]{40}$")
OUTDATED = "Dit formulier is verouderd. Laad de pagina opnieuw en meld u nog eens aan."
HONEYPOT_FILLED = (
    "Het verborgen veld ‘Laat dit veld leeg’ is ingevuld. Laat het leeg en verstuur het "
    "formulier opnieuw."
)


class Refusal(Exception):
    """A request we answer with ``status`` and a Dutch page (title, text)."""

    def __init__(self, status: int, title: str, text: str, field: str | None = None):
        super().__init__(text)
        self.status, self.title, self.text, self.field = status, title, text, field


async def read_body(request: Request, limit: int) -> bytes:
    """The body, at most ``limit`` bytes (413 above that, also when it is streamed)."""
    too_big = Refusal(
        413,
        "Te veel gegevens",
        "Het formulier stuurde meer gegevens dan wij aannemen. Vul alleen de velden "
        "van het formulier in en probeer het opnieuw.",
    )
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise Refusal(400, "Onjuist verzoek", "De lengte van het verzoek klopt niet.")
        if int(declared) > limit:
            raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_big
    return bytes(body)


def _not_utf8() -> Refusal:
    return Refusal(
        400,
        "Onleesbare tekens",
        "Het formulier bevatte tekens die wij niet kunnen lezen (geen UTF-8). Typ uw "
        "gegevens opnieuw in het formulier, zonder ze te plakken uit een ander programma.",
    )


def parse_form(content_type: str, body: bytes, max_fields: int = 20) -> dict[str, str]:
    """Fields of an urlencoded or multipart body (the first value of each name)."""
    main = content_type.split(";")[0].strip().lower()
    fields: dict[str, str] = {}
    if main == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(
                body.decode("ascii"),
                keep_blank_values=True,
                encoding="utf-8",
                errors="strict",
                max_num_fields=max_fields,
            )
        except UnicodeDecodeError:
            raise _not_utf8() from None
        except ValueError:
            raise Refusal(400, "Te veel velden", "Het formulier stuurde te veel velden.") from None
    elif main == "multipart/form-data":
        message = email.message_from_bytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body,
            policy=email.policy.HTTP,
        )
        if not message.is_multipart():
            raise Refusal(400, "Onjuist verzoek", "Het formulier is niet goed verstuurd.")
        pairs = []
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name is None or part.get_filename():
                continue  # no files here
            try:
                pairs.append((str(name), (part.get_payload(decode=True) or b"").decode("utf-8")))
            except UnicodeDecodeError:
                raise _not_utf8() from None
        if len(pairs) > max_fields:
            raise Refusal(400, "Te veel velden", "Het formulier stuurde te veel velden.")
    else:
        raise Refusal(
            415,
            "Verkeerd soort gegevens",
            "Dit adres neemt alleen een ingevuld formulier aan (een webformulier). Gebruik "
            "het aanmeldformulier op de website.",
        )
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def origin_allowed(request: Request, allowed: tuple[str, ...]) -> bool:
    """The form was posted from one of our pages: ``Origin``, or else ``Referer``, names one of
    the allowed origins. A request with neither is refused (every current browser sends one)."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return origin.lower().rstrip("/") in allowed
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}".lower() in allowed
    return False


async def read_site_form(
    request: Request, allowed: tuple[str, ...], limit: int, elsewhere: str
) -> dict[str, str]:
    """The fields of a form posted from one of our pages (``read_body``, ``parse_form``,
    ``origin_allowed``); a form from anywhere else is refused (403) with the text ``elsewhere``,
    which says where the real form is."""
    fields = parse_form(request.headers.get("content-type", ""), await read_body(request, limit))
    if not origin_allowed(request, allowed):
        raise Refusal(403, "Aanmelding niet aangenomen", elsewhere)
    return fields


def check_consent(
    fields: dict, values: dict, errors: dict, refused: str, known: Callable[[str], bool]
) -> None:
    """What every form that stores personal data checks alike: the consent box is ticked
    (else ``refused`` is its error), and the form names a consent text version ``known``
    accepts and a privacy statement version (else it is an old page: ``OUTDATED``). Both
    versions go into ``values`` for the consent record."""
    if not values["consent"]:
        errors["consent"] = refused
    version, privacy = fields.get("consent_version", ""), fields.get("privacy_version", "")
    if not known(version) or not PRIVACY_RE.match(privacy):
        errors["form"] = OUTDATED
    values["consent_version"], values["privacy_version"] = version, privacy

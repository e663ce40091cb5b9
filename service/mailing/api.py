"""The publish workflow's API: ``Authorization: Bearer $SWK_API_TOKEN`` (compared in constant
time), JSON in and out, Dutch messages.

- ``POST /api/nieuwsbrief/<slug>/test``: take the rendering from the published site (or from
  the body: ``{"email_json": {...}, "html": "...", "text": "..."}``; an optional
  ``"content_hash"`` must match), check its content hash, store it and send it to the test
  addresses (``SWK_NEWSLETTER_TEST_TO``). Answers the content hash, which the real send names.
- ``POST /api/nieuwsbrief/<slug>/send`` with ``{"content_hash": "..."}``: send exactly that
  tested rendering to every confirmed subscriber, in the background (202). A second trigger
  changes nothing; a finished send answers its figures.
- ``GET /api/nieuwsbrief/<slug>``: how far the send is.
"""

from __future__ import annotations

import hmac
import json
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from content_model.fields import SLUG_RE

from ..forms import Refusal, read_body
from . import rendering as renderings
from .rendering import SendError

BODY_LIMIT = 2 * 1024 * 1024
HASH_RE = re.compile(r"^[0-9a-f]{64}$")


def _answer(status: int, message: str, extra: dict | None = None) -> JSONResponse:
    return JSONResponse(
        {**(extra or {}), "message": message},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def routes(service) -> list[Route]:
    config = service.config

    def authorized(request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), config.api_token.encode()
        )

    async def guarded(request: Request, handler):
        if not authorized(request):
            response = _answer(
                401,
                "Geen of een verkeerd toegangstoken; stuur Authorization: Bearer met SWK_API_TOKEN",
            )
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        slug = request.path_params["slug"]
        if not SLUG_RE.match(slug):
            return _answer(
                400,
                f'"{slug}" is geen bestandsnaam van een nieuwsbrief (kleine letters, cijfers en '
                "streepjes, zonder .md)",
            )
        body = {}
        if request.method == "POST":
            try:
                raw = await read_body(request, BODY_LIMIT)
            except Refusal as refusal:
                return _answer(refusal.status, refusal.text)
            if raw.strip():
                if (
                    request.headers.get("content-type", "").split(";")[0].strip()
                    != "application/json"
                ):
                    return _answer(415, "Stuur JSON (Content-Type: application/json)")
                try:
                    body = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    return _answer(400, "De inhoud van het verzoek is geen JSON in UTF-8")
                if not isinstance(body, dict):
                    return _answer(400, "Stuur een JSON-object")
        try:
            return await run_in_threadpool(handler, slug, body)
        except SendError as exc:
            return _answer(409, str(exc))

    def test(slug: str, body: dict):
        from .sender import Sender
        from .transport import transport_for

        if not config.test_to:
            raise SendError(
                "SWK_NEWSLETTER_TEST_TO is niet ingesteld; zet daar de testadressen van de redactie"
            )
        if body.get("html") is not None:
            rendering = renderings.from_request(slug, body)
        else:
            rendering = renderings.from_site(config.site_url, slug)
        wanted = body.get("content_hash")
        if wanted is not None and wanted != rendering.hash:
            raise SendError(
                f"de nieuwsbrief heeft controlecode {rendering.hash[:12]}, niet {str(wanted)[:12]}: "
                "de site is na de bouw gewijzigd. Wacht tot de site bijgewerkt is en probeer opnieuw"
            )
        with service.connection() as conn:
            count = Sender(config, conn, rendering, transport_for(config)).test(config.test_to)
        return _answer(
            200,
            f"Testversie van '{rendering.subject}' verstuurd naar {count} testadres(sen). "
            "Bekijk hem; keur daarna de verzending goed met deze controlecode.",
            {
                "slug": slug,
                "content_hash": rendering.hash,
                "subject": rendering.subject,
                "test_sent_to": count,
            },
        )

    def send(slug: str, body: dict):
        from .sender import begin, check_send, report

        digest = body.get("content_hash")
        if not isinstance(digest, str) or not HASH_RE.match(digest):
            raise SendError(
                'geef de controlecode van de geteste versie: {"content_hash": "..."} (64 tekens)'
            )
        with service.connection() as conn:
            rendering = check_send(conn, config, slug, digest)
            before = begin(conn, rendering)
            if before == "done":
                result = report(conn, slug)
                return _answer(
                    200,
                    f"'{slug}' is al verstuurd; niemand krijgt hem twee keer. {result.summary()}",
                    result.as_json(),
                )
            service.mailing.start(rendering)
            result = report(conn, slug)
        return _answer(
            202, f"Verzending van '{rendering.subject}' loopt. {result.summary()}", result.as_json()
        )

    def status(slug: str, body: dict):
        from .sender import report

        with service.connection() as conn:
            result = report(conn, slug)
        if not result.state:
            return _answer(404, f"'{slug}' is (nog) niet verstuurd", result.as_json())
        return _answer(200, result.summary(), result.as_json())

    async def test_endpoint(request: Request):
        return await guarded(request, test)

    async def send_endpoint(request: Request):
        return await guarded(request, send)

    async def status_endpoint(request: Request):
        return await guarded(request, status)

    return [
        Route("/api/nieuwsbrief/{slug}/test", test_endpoint, methods=["POST"]),
        Route("/api/nieuwsbrief/{slug}/send", send_endpoint, methods=["POST"]),
        Route("/api/nieuwsbrief/{slug}", status_endpoint, methods=["GET"]),
    ]

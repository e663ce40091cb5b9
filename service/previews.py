"""Previews: the built site with an editor's change, before it is published.

Every entry the web editor saves is a pull request (Decap's editorial workflow). For a pull
request from a ``cms/...`` branch the site workflow (``.github/workflows/site.yml``) asks
this service for the preview's address, builds the site for that address, uploads it here
and sets a commit status ``deploy/voorbeeld`` that links to it. Decap shows that status as
**Bekijk voorvertoning** on the entry (``backend.preview_context``), opening the entry's own
page in the preview (``preview_path``).

- ``POST /voorbeelden`` ``{"name": "pr-12"}`` -> ``{"url": ".../voorbeelden/<id>/"}``: the
  address to build for. The id is an HMAC of the name (the address cannot be guessed from
  the pull request's number).
- ``PUT /voorbeelden/<id>``: the built site as a ``.tar.gz``; replaces that preview whole.
  Both need ``Authorization: Bearer <SWK_API_TOKEN>`` (the workflow's token for the service).
- ``GET /voorbeelden/<id>/...``: the preview's files. They are served sandboxed (no scripts,
  an origin of their own: the pages cannot touch this service or its login), not indexed,
  and removed after ``PREVIEW_DAYS`` days.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import shutil
import tarfile
import time
import zlib
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

log = logging.getLogger("swk.service.previews")

MIGRATIONS: list[str] = []  # the previews are folders in the data folder

PATH = "/voorbeelden"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
ID_RE = re.compile(r"^[0-9a-f]{32}$")
MAX_UPLOAD = 50 * 1024 * 1024  # bytes of .tar.gz (the site without admin/ and pagefind/ is < 1 MB)
MAX_FILES = 20_000
MAX_UNPACKED = 500 * 1024 * 1024
PREVIEW_DAYS = 14
HEADERS = {
    # an opaque origin without scripts: a page in a preview cannot act as this service
    "Content-Security-Policy": "sandbox allow-popups allow-popups-to-escape-sandbox; frame-ancestors 'none'",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


class BadUpload(Exception):
    """The upload is not a site; the message says what is wrong (for the workflow's log)."""


def _with_headers(app, headers: dict):
    extra = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def wrapped(scope, receive, send):
        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped


def unpack(archive: Path, target: Path) -> None:
    """Unpack a site into ``target`` (which must not exist), refusing anything but plain
    files and folders inside it, and more than ``MAX_FILES``/``MAX_UNPACKED``."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            if len(members) > MAX_FILES:
                raise BadUpload(f"meer dan {MAX_FILES} bestanden")
            if sum(m.size for m in members) > MAX_UNPACKED:
                raise BadUpload(f"uitgepakt groter dan {MAX_UNPACKED // 2**20} MB")
            for m in members:
                if not (m.isfile() or m.isdir()):
                    raise BadUpload(f"{m.name}: alleen gewone bestanden en mappen")
            target.mkdir(parents=True)
            tar.extractall(target, filter="data")  # no absolute paths, no "..", safe modes
    except (tarfile.TarError, zlib.error, EOFError) as exc:
        raise BadUpload(f"geen geldig .tar.gz-archief ({exc})") from None
    if not (target / "index.html").is_file():
        raise BadUpload("index.html ontbreekt; pak de map output/ zelf in (tar -C output .)")


class Previews:
    def __init__(self, service):
        self.config = service.config
        self.root = self.config.data_dir / "previews"
        self.incoming = self.config.data_dir / "previews-incoming"
        for folder in (self.root, self.incoming):
            folder.mkdir(parents=True, exist_ok=True)

    def preview_id(self, name: str) -> str:
        return hmac.new(
            self.config.secret_key.encode(), f"preview:{name}".encode(), hashlib.sha256
        ).hexdigest()[:32]

    def url(self, preview_id: str) -> str:
        return f"{self.config.service_url}{PATH}/{preview_id}/"

    def _authorized(self, request: Request) -> bool:
        given = request.headers.get("authorization", "")
        expected = f"Bearer {self.config.api_token}"
        return bool(self.config.api_token) and hmac.compare_digest(
            given.encode(), expected.encode()
        )

    @staticmethod
    def _refuse(status: int, message: str) -> JSONResponse:
        return JSONResponse({"fout": message}, status_code=status)

    async def reserve(self, request: Request) -> JSONResponse:
        if not self._authorized(request):
            return self._refuse(
                401, "Authorization: Bearer <SWK_API_TOKEN> ontbreekt of klopt niet"
            )
        try:
            name = (await request.json()).get("name", "")
        except (ValueError, AttributeError):
            name = ""
        if not isinstance(name, str) or not NAME_RE.match(name):
            return self._refuse(400, 'geef {"name": "pr-12"}: kleine letters, cijfers en streepjes')
        preview_id = self.preview_id(name)
        return JSONResponse({"id": preview_id, "url": self.url(preview_id)})

    async def upload(self, request: Request) -> JSONResponse:
        if not self._authorized(request):
            return self._refuse(
                401, "Authorization: Bearer <SWK_API_TOKEN> ontbreekt of klopt niet"
            )
        preview_id = request.path_params["preview_id"]
        if not ID_RE.match(preview_id):
            return self._refuse(
                404, f"onbekend voorbeeld; vraag eerst een adres aan met POST {PATH}"
            )
        work = self.incoming / secrets.token_hex(8)
        work.mkdir()
        try:
            size = 0
            with (work / "site.tar.gz").open("wb") as out:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > MAX_UPLOAD:
                        return self._refuse(413, f"groter dan {MAX_UPLOAD // 2**20} MB")
                    out.write(chunk)
            try:
                await run_in_threadpool(unpack, work / "site.tar.gz", work / "site")
            except BadUpload as exc:
                return self._refuse(400, str(exc))
            await run_in_threadpool(self._swap, work / "site", self.root / preview_id)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        log.info("preview %s… updated", preview_id[:6])
        await run_in_threadpool(self.prune)
        return JSONResponse({"url": self.url(preview_id)}, status_code=201)

    def _swap(self, new: Path, target: Path) -> None:
        old = self.incoming / f"old-{secrets.token_hex(8)}"
        if target.exists():
            target.rename(old)
        new.rename(target)
        shutil.rmtree(old, ignore_errors=True)

    def prune(self) -> None:
        """Remove previews not updated for ``PREVIEW_DAYS`` days."""
        limit = time.time() - PREVIEW_DAYS * 86400
        for folder in self.root.iterdir():
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)


def routes(service) -> list:
    previews = Previews(service)
    files = StaticFiles(directory=previews.root, html=True)
    return [
        Route(PATH, previews.reserve, methods=["POST"]),
        Route(PATH + "/{preview_id}", previews.upload, methods=["PUT"]),
        Mount(PATH, app=_with_headers(files, HEADERS)),
    ]

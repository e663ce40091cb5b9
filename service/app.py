"""``create_app(config)``: the Starlette application with every feature's routes.

Each feature is a module with ``MIGRATIONS`` (its tables) and ``routes(service)`` (its
endpoints); ``FEATURES`` lists them. ``Service`` is what they share: the settings, the
database, the pages.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import asynccontextmanager, contextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from . import db, github_auth, mailing, partner_applications, previews, registrations, subscriptions
from .config import Config
from .pages import Pages

log = logging.getLogger("swk.service")

# Feature modules, in the order their routes are added. Each has MIGRATIONS and routes();
# optional startup(service)/shutdown(service) run when the server starts and stops.
# registrations and partner_applications come after mailing: they register their mails with
# service.outbox.
FEATURES: list = [
    subscriptions,
    mailing,
    github_auth,
    previews,
    registrations,
    partner_applications,
]


class Service:
    """What the features share: settings, database and pages."""

    def __init__(self, config: Config, pages: Pages | None = None):
        self.config = config
        self.pages = pages or Pages(config)
        with self.connection() as conn:
            for feature in FEATURES:
                db.migrate(conn, feature.__name__.rsplit(".", 1)[-1], feature.MIGRATIONS)

    @contextmanager
    def connection(self):
        conn: sqlite3.Connection = db.connect(self.config.db_path)
        try:
            yield conn
        finally:
            conn.close()


async def health(request: Request):
    """For the reverse proxy and monitoring: answers when the database answers."""
    service: Service = request.app.state.service
    with service.connection() as conn:
        conn.execute("SELECT 1").fetchone()
    return PlainTextResponse("ok")


def create_app(config: Config | None = None) -> Starlette:
    config = config or Config.from_env()
    service = Service(config)
    routes = [Route("/health", health)]
    for feature in FEATURES:
        routes.extend(feature.routes(service))

    async def not_found(request: Request, exc: HTTPException):
        if exc.status_code == 404:
            return service.pages.message(
                "Pagina niet gevonden",
                "Deze pagina bestaat niet. Controleer het adres, of ga naar de homepage.",
                status_code=404,
            )
        if exc.status_code == 405:
            return service.pages.message(
                "Dat kan hier niet", "Deze pagina werkt niet op deze manier.", status_code=405
            )
        return PlainTextResponse(exc.detail, status_code=exc.status_code)

    async def server_error(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return service.pages.message(
            "Er ging iets mis",
            "Er ging bij ons iets mis. Probeer het later opnieuw, of mail ons.",
            status_code=500,
        )

    @asynccontextmanager
    async def lifespan(app):
        for feature in FEATURES:
            if hasattr(feature, "startup"):
                feature.startup(service)
        yield
        for feature in reversed(FEATURES):
            if hasattr(feature, "shutdown"):
                feature.shutdown(service)

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={404: not_found, 405: not_found, 500: server_error},
    )
    app.state.service = service
    return app


def app_from_env() -> Starlette:
    """uvicorn's factory: ``uvicorn --factory service.app:app_from_env``."""
    return create_app(Config.from_env())

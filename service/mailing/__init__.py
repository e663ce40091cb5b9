"""Delivery from the service: the newsletter and the confirmation mails.

- ``rendering``: what the build wrote (``email.json`` with its content hash, the HTML and the
  text part), from the published site, a build folder or a request;
- ``transport``: SMTP from the environment (or files in local mode), DKIM signing;
- ``sender``: ``Sender``, the send loop with its journal in the service database;
- ``outbox``: the confirmation mails after a sign-up, sent by a background thread;
- ``api``: the publish workflow's endpoints (bearer token): test send, send, status.

``Mailing`` (``service.mailing``) runs sends in background threads of the service and picks
up, at start, every send that a crash or a restart interrupted.
"""

from __future__ import annotations

import logging
import threading

from .. import db
from . import api
from .outbox import Outbox
from .rendering import Rendering, SendError
from .sender import MIGRATIONS, Busy, Sender, check_send, send_lock
from .transport import transport_for

__all__ = ["MIGRATIONS", "routes", "startup", "shutdown", "Mailing"]

log = logging.getLogger("swk.service.mailing")


def sender_connection(config):
    """A connection for a sender: every journal entry on disk before the next message."""
    conn = db.connect(config.db_path)
    conn.execute("PRAGMA synchronous = FULL")
    return conn


class Mailing:
    """The sends running in this process, one thread per issue."""

    def __init__(self, service):
        self.service = service
        self.threads: dict[str, threading.Thread] = {}
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def running(self, slug: str) -> bool:
        thread = self.threads.get(slug)
        return thread is not None and thread.is_alive()

    def start(self, rendering: Rendering) -> None:
        """Run the send of ``rendering`` in a background thread (it must have passed check_send
        and begin). Does nothing when this process already runs it."""
        with self.lock:
            if self.running(rendering.slug):
                return
            thread = threading.Thread(
                target=self._run, args=(rendering,), name=f"send-{rendering.slug}", daemon=True
            )
            self.threads[rendering.slug] = thread
            thread.start()

    def _run(self, rendering: Rendering) -> None:
        config = self.service.config
        try:
            with send_lock(config.data_dir, rendering.slug):
                conn = sender_connection(config)
                try:
                    Sender(config, conn, rendering, transport_for(config), self.stopping).run()
                finally:
                    conn.close()
        except Busy:
            log.info("%s wordt al door een ander proces verstuurd", rendering.slug)
        except Exception:
            log.exception("verzending van %s afgebroken", rendering.slug)

    def resume(self) -> None:
        """Sends left ``running`` by a crash or a restart go on where they stopped."""
        with self.service.connection() as conn:
            rows = conn.execute(
                "SELECT slug, content_hash FROM sends WHERE state = 'running'"
            ).fetchall()
            for row in rows:
                try:
                    rendering = check_send(
                        conn, self.service.config, row["slug"], row["content_hash"]
                    )
                except SendError as exc:
                    log.error(
                        "de onderbroken verzending van %s kan niet verder: %s", row["slug"], exc
                    )
                    continue
                log.info("verzending van %s wordt hervat", row["slug"])
                self.start(rendering)

    def stop(self) -> None:
        self.stopping.set()
        for thread in list(self.threads.values()):
            thread.join(timeout=30)


def routes(service):
    service.mailing = Mailing(service)
    service.outbox = Outbox(service)
    return api.routes(service)


def startup(service) -> None:
    log.info("e-mail: %s", transport_for(service.config).describe())
    service.outbox.start()
    service.mailing.resume()


def shutdown(service) -> None:
    service.mailing.stop()
    service.outbox.stop()

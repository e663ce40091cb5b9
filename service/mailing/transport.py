"""Handing messages over: SMTP (from the environment), files (local mode, dry runs), DKIM.

``SmtpTransport.send`` walks MAIL, RCPT and DATA itself so that the caller can record
"being handed over" (``committed``) at the last moment before the final ``.``: a crash before
that point leaves nothing delivered and nothing recorded; a crash after it leaves a message
that is marked uncertain and never sent twice. What the server answers becomes an exception
the sender acts on: ``Deferred`` (4xx: later), ``Bounced`` (5xx for the address),
``Failed`` (5xx for the message), ``Stop`` (the server will not take mail from us at all).
"""

from __future__ import annotations

import itertools
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from email.utils import getaddresses
from pathlib import Path

from ..config import Dkim, Smtp

# What a DKIM signature covers: RFC 8058 asks for both List-Unsubscribe headers.
DKIM_HEADERS = [
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"reply-to",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
    b"mime-version",
    b"content-type",
]


class Deferred(Exception):
    """A temporary refusal (4xx) or a lost connection before the message was handed over."""


class Bounced(Exception):
    """The server permanently refuses this address (5xx at RCPT)."""


class Failed(Exception):
    """The server permanently refuses this message (5xx after DATA)."""


class Stop(Exception):
    """No mail can go out now: no connection, wrong login, or our sender address refused."""


class Uncertain(Exception):
    """The connection broke after the final '.': the message may have arrived."""


def sender_of(from_header: str) -> str:
    return getaddresses([from_header])[0][1]


def dkim_sign(raw: bytes, dkim: Dkim | None, from_header: str) -> bytes:
    """``raw`` with a DKIM-Signature header in front (unchanged without a DKIM key)."""
    if dkim is None:
        return raw
    import dkim as dkimpy

    domain = dkim.domain or sender_of(from_header).rsplit("@", 1)[-1].lower()
    signature = dkimpy.sign(
        raw,
        dkim.selector.encode("ascii"),
        domain.encode("ascii"),
        dkim.key,
        include_headers=DKIM_HEADERS,
        canonicalize=(b"relaxed", b"relaxed"),
        linesep=b"\r\n",
    )
    return signature + raw


def _reply(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}"[:300]


class SmtpTransport:
    real = True
    IDLE_CHECK = 30.0  # seconds: an idle connection is checked (NOOP) before it is used again

    def __init__(self, smtp: Smtp, timeout: float = 60.0):
        self.smtp = smtp
        self.timeout = timeout
        self.conn: smtplib.SMTP | None = None
        self.last_used = 0.0

    def describe(self) -> str:
        return self.smtp.describe()

    def _connect(self) -> None:
        s = self.smtp
        context = ssl.create_default_context()
        try:
            if s.security == "ssl":
                conn = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=context)
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
                if s.security == "starttls":
                    conn.starttls(context=context)
            conn.ehlo_or_helo_if_needed()
            if s.user:
                conn.login(s.user, s.password)
        except smtplib.SMTPAuthenticationError:
            raise Stop("de SMTP-server weigert SMTP_USER/SMTP_PASSWORD; controleer ze") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise Stop(f"geen verbinding met {self.describe()}: {exc}") from None
        # The final "." goes out as a write of its own (see send): without TCP_NODELAY, Nagle's
        # algorithm holds it back until the body is acknowledged, some 40 ms per message.
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conn = conn

    def _ensure(self) -> smtplib.SMTP:
        if self.conn is not None and time.monotonic() - self.last_used > self.IDLE_CHECK:
            try:
                if self.conn.noop()[0] != 250:
                    self._drop()
            except OSError:
                self._drop()
        if self.conn is None:
            self._connect()
        return self.conn

    def _drop(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
        self.conn = None

    def _refused(self, conn, code: int, text, permanent: type[Exception]) -> Exception:
        if code == 421:  # the server closes the connection
            self._drop()
        else:
            try:
                conn.rset()
            except OSError:
                self._drop()
        return (Deferred if 400 <= code < 500 else permanent)(_reply(code, text))

    def send(
        self, raw: bytes, sender: str, recipient: str, committed: Callable[[], None] = lambda: None
    ) -> None:
        for attempt in (1, 2):  # a connection that the server dropped while idle: once more
            conn = self._ensure()
            try:
                code, text = conn.mail(sender)
                if code != 250:
                    raise self._refused(conn, code, text, Stop)
                code, text = conn.rcpt(recipient)
                if code not in (250, 251):
                    raise self._refused(conn, code, text, Bounced)
                conn.putcmd("data")
                code, text = conn.getreply()
                if code != 354:
                    raise self._refused(conn, code, text, Failed)
                body = smtplib._quote_periods(raw)
                if not body.endswith(b"\r\n"):
                    body += b"\r\n"
                conn.send(body)
                break
            except smtplib.SMTPServerDisconnected as exc:
                self._drop()
                if attempt == 2:
                    raise Deferred(f"verbinding verbroken: {exc}") from None
            except OSError as exc:
                self._drop()
                raise Deferred(f"verbinding verbroken: {exc}") from None
        committed()  # from here on the message may arrive: the journal says so first
        try:
            conn.send(b".\r\n")
            code, text = conn.getreply()
        except OSError as exc:
            self._drop()
            raise Uncertain(str(exc)) from None
        self.last_used = time.monotonic()
        if code != 250:
            if code == 421:
                self._drop()
            raise (Deferred if 400 <= code < 500 else Failed)(_reply(code, text))

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except OSError:
                pass
            self.conn = None


class FileTransport:
    """Messages as ``.eml`` files (and the text part as ``.txt``, to read and click) in a folder.
    ``real``: local mode without SMTP_HOST (counts as delivered); not real: a dry run."""

    _counter = itertools.count(1)

    def __init__(self, folder: Path, real: bool):
        self.folder = Path(folder)
        self.real = real

    def describe(self) -> str:
        return f"geen mailserver: berichten als bestanden in {self.folder}"

    def send(
        self, raw: bytes, sender: str, recipient: str, committed: Callable[[], None] = lambda: None
    ) -> None:
        import email
        from email import policy

        self.folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9@._-]", "_", recipient)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{next(self._counter):05d}-{safe}"
        committed()
        (self.folder / f"{name}.eml").write_bytes(raw)
        body = email.message_from_bytes(raw, policy=policy.default).get_body(("plain",))
        if body is not None:
            text = body.get_content().replace("\r\n", "\n")  # to read and to copy links from
            (self.folder / f"{name}.txt").write_text(text, encoding="utf-8")

    def close(self) -> None:
        pass


def transport_for(config, dry_run: Path | None = None):
    """The transport this service sends with: a dry-run folder, SMTP, or (local mode without
    SMTP_HOST) the data folder's ``post/``."""
    if dry_run is not None:
        return FileTransport(dry_run, real=False)
    if config.smtp is not None:
        return SmtpTransport(config.smtp)
    return FileTransport(config.mail_folder, real=True)

"""Helpers for tests: small projects on disk, real builds, a local web server, Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import subprocess
import textwrap
import threading
from contextlib import contextmanager
from pathlib import Path

from swk import ROOT

# Decap CMS from npm, where pelicanconf.py's NODE_MODULES has it (the web editor's DECAP_DIST)
DECAP_DIST = ROOT / "node_modules" / "decap-cms" / "dist"

# Debian's chromium; SWK_CHROMIUM names another Chromium-based browser (GitHub's Ubuntu
# runners ship Google Chrome, while their apt "chromium" is only a snap stub).
CHROMIUM = os.environ.get("SWK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# The smallest valid article: a project with it builds every page template's kind.
ARTICLE = """
---
title: Goed artikel
date: 2023-02-16
category: Nieuws
summary: Een samenvatting.
---
Tekst.
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


GIT_AS_TEST = [
    "git",
    *("-c", "user.name=Redactie", "-c", "user.email=redactie@example.invalid"),
    *("-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"),
]


def git(folder, *args: str, when: int | str | None = None) -> str:
    """``git *args`` in ``folder`` as a test editor; a commit dated ``when`` (seconds since
    the epoch, or Git's date formats); its output, stripped. An error fails the test."""
    environment = {**os.environ}
    if when is not None:
        stamp = f"@{when} +0000" if isinstance(when, int) else when
        environment["GIT_AUTHOR_DATE"] = environment["GIT_COMMITTER_DATE"] = stamp
    return subprocess.run(
        [*GIT_AS_TEST, *args],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
        env=environment,
    ).stdout.strip()


def make_project(tmp: Path, files: dict[str, str] | None = None, with_pages: bool = True) -> Path:
    """A project folder with content/, newsletters/ and the given files (path -> text)."""
    for folder in (
        "content/articles",
        "content/partners",
        "content/events",
        "content/pages",
        "newsletters",
    ):
        (tmp / folder).mkdir(parents=True, exist_ok=True)
    if with_pages:
        for page in (ROOT / "content" / "pages").glob("*.md"):
            shutil.copy(page, tmp / "content" / "pages" / page.name)
    for rel, text in (files or {}).items():
        write(tmp / rel, text)
    return tmp


def overrides(project: Path, **extra) -> dict:
    return {
        "PATH": str(project / "content"),
        "NEWSLETTER_PATH": str(project / "newsletters"),
        "OUTPUT_PATH": str(project / "output"),
        **extra,
    }


def build_project(project: Path, settings_file: str = "pelicanconf.py", **extra) -> Path:
    from swk.build import build

    return build(str(ROOT / settings_file), overrides(project, **extra))


@contextmanager
def env(**values):
    """Set environment variables for the duration of a block."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(folder: Path):
    """Serve a folder on 127.0.0.1 on a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally:
            httpd.shutdown()


# --- mail and the site service in tests ---------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it accepts. ``refuse_after`` K messages answers
    451 (temporary); addresses in ``reject`` are refused with 550 (permanent) at RCPT."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse_after: int | None = None
        self.reject: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 Onbekende ontvanger"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse_after is not None and len(self.messages) >= self.refuse_after:
                return "451 4.3.0 Tijdelijk niet beschikbaar"
            self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"

    def parsed(self):
        import email
        from email import policy

        with self.lock:
            return [
                (rcpt, email.message_from_bytes(raw, policy=policy.default))
                for rcpt, raw in self.messages
            ]

    def to(self, address: str) -> list:
        """The parsed messages for one recipient, oldest first."""
        return [msg for rcpt, msg in self.parsed() if address in rcpt]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10.0) -> list:
        """Wait until ``address`` has at least ``count`` messages; return them."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(
            f"{count} bericht(en) voor {address} niet binnen {timeout} s aangekomen"
        )


@contextmanager
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1; yields the Inbox with ``env`` (SMTP_* vars)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.env = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(controller.port),
        "SMTP_SECURITY": "none",
    }
    try:
        yield inbox
    finally:
        controller.stop()


class RunningService:
    """The site service as a real process (``python -m service``, uvicorn) on 127.0.0.1."""

    def __init__(self, env: dict, data_dir: Path):
        self.env = env
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.log = data_dir / "service.log"

    def start(self, timeout: float = 20.0) -> RunningService:
        import subprocess
        import sys
        import time
        import urllib.request

        env = {
            **os.environ,
            "SWK_SERVICE_DATA": str(self.data_dir),
            "SWK_SERVICE_URL": self.url,
            **self.env,
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "service", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=open(self.log, "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"service exited with {self.proc.returncode}:\n{self.log.read_text()}"
                )
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"service did not answer within {timeout} s:\n{self.log.read_text()}")

    def stop(self, kill: bool = False) -> None:
        import signal

        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
            self.proc.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def service(data_dir: Path, **env):
    """Run the site service in local mode on a free port; yields a RunningService."""
    data_dir.mkdir(parents=True, exist_ok=True)
    running = RunningService(
        {"SWK_SERVICE_MODE": "local", **{k: str(v) for k, v in env.items()}}, data_dir
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()

"""Helpers for tests: small projects on disk, real builds, a local web server, Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import textwrap
import threading
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def make_project(tmp: Path, files: dict[str, str] | None = None, with_pages: bool = True) -> Path:
    """A project folder with content/, newsletters/ and the given files (path -> text)."""
    for folder in ("content/articles", "content/partners", "content/events", "content/pages", "newsletters"):
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

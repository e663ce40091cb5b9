"""When a source file last changed: the time of the last Git commit that changed it.

A fresh checkout (CI, every night) gives every file the checkout's time as its modification
time, so file times would say that everything changed on every build. The commit time
changes only when the file's content is committed again. A file that is not in Git, or that
has uncommitted changes, falls back to its modification time (local work: it did just
change), clamped to ``SOURCE_DATE_EPOCH`` when that is set.

One ``git log`` per folder and HEAD, cached for the process. In a shallow clone Git knows
only the last commits, so older files all seem changed by the oldest commit it has: CI must
check out the whole history (``fetch-depth: 0``); a warning says so.
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def head_log(folder) -> str | None:
    """The file in which Git logs every move of HEAD (commit, checkout, reset, pull) for the
    work tree ``folder`` is in (``.git/logs/HEAD``; a linked worktree has its own), or None
    (not in Git, or nothing committed yet). A commit may change what ``History`` answers
    without changing a source file: the dev server watches this file's folder."""
    out = _git(["rev-parse", "--git-path", "logs/HEAD"], Path(folder))
    if out is None:
        return None
    log = os.path.abspath(os.path.join(folder, out.strip()))
    return log if os.path.isfile(log) else None


def _logged_head(log: str) -> str | None:
    """The commit the last line of a ref log moved the ref to (its second field)."""
    try:
        with open(log, "rb") as f:
            size, tail = os.fstat(f.fileno()).st_size, 4096
            while True:  # from the end, until the tail holds the whole last line
                f.seek(max(0, size - tail))
                text = f.read()
                if tail >= size or b"\n" in text.rstrip(b"\n"):
                    break
                tail *= 4
    except OSError:
        return None
    lines = text.rstrip(b"\n").rsplit(b"\n", 1)
    fields = lines[-1].split(b" ", 2) if lines[-1] else []
    return fields[1].decode("ascii", "replace") if len(fields) > 2 else None


def wait_for_head(folder, log: str, timeout: float = 3.0) -> bool:
    """Wait until HEAD of the work tree ``folder`` is where the last line of its log ``log``
    (``head_log``) says it went; False after ``timeout`` seconds (then HEAD moved some way
    this does not follow, and the build goes on with what Git says). Git appends to HEAD's
    log before it moves the branch (``refs/files-backend.c``: the log, then the ref's lock
    file renamed into place), so a build started by the log's change can still find the old
    commit, and no further change of the log would start another."""
    deadline = time.monotonic() + timeout
    while True:
        want = _logged_head(log)
        if want is None or (_git(["rev-parse", "HEAD"], Path(folder)) or "").strip() == want:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


def _repo(folder: Path) -> tuple[Path, str] | None:
    """(top folder of the Git work tree, HEAD) that ``folder`` is in, or None."""
    out = _git(["rev-parse", "--show-toplevel", "HEAD", "--is-shallow-repository"], folder)
    if out is None:
        return None
    top, head, shallow = out.split("\n")[:3]
    if shallow == "true":
        log.warning(
            "%s: de Git-geschiedenis is onvolledig (shallow clone); 'laatst gewijzigd' in de "
            "agenda klopt pas met de hele geschiedenis (actions/checkout met fetch-depth: 0)",
            top,
        )
    return Path(top), head


@lru_cache(maxsize=256)
def _commit_times(top: Path, folder: str, head: str) -> dict[str, int]:
    """Repo-relative path -> time of the last commit that changed it, for files in folder."""
    out = _git(["log", "--format=@%ct", "--name-only", "--no-renames", "--", folder or "."], top)
    times: dict[str, int] = {}
    current = 0
    for line in (out or "").splitlines():
        if line.startswith("@"):
            current = int(line[1:])
        elif line and line not in times:  # newest first: the first time seen is the last change
            times[line] = current
    return times


def _uncommitted(top: Path, folder: str) -> set[str]:
    out = _git(
        ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", folder or "."], top
    )
    entries = (out or "").split("\0")
    return {entry[3:] for entry in entries if len(entry) > 3}


def _mtime(path: Path) -> int:
    mtime = int(path.stat().st_mtime)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        mtime = min(mtime, int(epoch))
    return mtime


class History:
    """Last-change times of source files; one instance per build (uncommitted changes are
    looked up once per folder per instance)."""

    def __init__(self):
        self._repos: dict[Path, tuple[Path, str] | None] = {}
        self._dirty: dict[tuple[Path, str], set[str]] = {}
        self._folders: dict[str, str] = {}  # folder -> its real path

    def _resolve(self, path) -> Path:
        """``Path(path).resolve()``, with each folder resolved once per instance: the real
        path of a name in a folder is the name in the folder's real path (resolved itself if
        it is a symbolic link)."""
        folder, name = os.path.split(os.fspath(path))
        if name in ("", ".", "..") or not os.path.isabs(folder):  # relative: depends on cwd
            return Path(path).resolve()
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = os.path.realpath(folder or ".")
        full = os.path.join(real, name)
        return Path(os.path.realpath(full) if os.path.islink(full) else full)

    def last_changed(self, path) -> datetime:
        """The last commit time of ``path`` (UTC, whole seconds); its modification time if it
        is not committed as it is now."""
        path = self._resolve(path)
        if path.parent not in self._repos:
            self._repos[path.parent] = _repo(path.parent)
        repo = self._repos[path.parent]
        if repo is not None:
            top, head = repo
            rel = path.relative_to(top).as_posix()
            folder = path.parent.relative_to(top).as_posix()
            folder = "" if folder == "." else folder
            if (top, folder) not in self._dirty:
                self._dirty[(top, folder)] = _uncommitted(top, folder)
            committed = _commit_times(top, folder, head).get(rel)
            if committed is not None and rel not in self._dirty[(top, folder)]:
                return datetime.fromtimestamp(committed, tz=UTC)
        return datetime.fromtimestamp(_mtime(path), tz=UTC)

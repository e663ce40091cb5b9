"""SQLite for the service: one file in the data folder, WAL, a busy timeout, and migrations.

Each feature owns its tables and declares them as a list of SQL steps
(``MIGRATIONS = [step1, step2, ...]``); ``migrate`` applies the steps a database has not seen
yet and records the count per feature in ``schema_version``. A step is never edited once
released: add a new one.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 5000


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (use ``transaction`` for several statements)."""
    conn = sqlite3.connect(
        path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection):
    """``BEGIN IMMEDIATE`` ... ``COMMIT``: takes the write lock at once, so two writers wait
    for each other instead of failing half-way."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, feature: str, steps: list[str]) -> None:
    """Apply the steps of ``feature`` this database has not had yet, each in a transaction."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (feature TEXT PRIMARY KEY, version INTEGER NOT NULL)"
    )
    with transaction(conn):
        row = conn.execute(
            "SELECT version FROM schema_version WHERE feature = ?", (feature,)
        ).fetchone()
        done = row[0] if row else 0
        if done > len(steps):
            raise RuntimeError(
                f"de database is van een nieuwere versie van de dienst ({feature} {done} > {len(steps)}); "
                "start de nieuwere versie of zet een back-up terug"
            )
        for step in steps[done:]:
            for statement in filter(str.strip, step.split(";")):
                conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_version VALUES (?, ?) ON CONFLICT (feature) DO UPDATE SET version = excluded.version",
            (feature, len(steps)),
        )


def backup(source: Path, target: Path) -> None:
    """A consistent copy of a live database (SQLite's online backup API)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()

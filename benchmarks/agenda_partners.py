"""Build time of the partner directory and the agenda as they grow.

Generates N partners and 2N events in the content contract's format into a temporary
project, builds it with our pipeline (validation, Pelican, all plugins), then does the same
for 2N partners and 4N events, and prints the seconds. If the plugins grow linearly, the
second build takes about twice as long (ratio ~2); clearly more means something is
quadratic.

    .venv/bin/python -m benchmarks.agenda_partners [N]     # N defaults to 500
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from content_model.schema import DISTRICTS, KINDS_EVENT, KINDS_PARTNER
from tests.support.testing import build_project, env, make_project

SECTORS = [
    "voeding",
    "groenvoorziening",
    "schoonmaak",
    "zorg",
    "logistiek",
    "horeca",
    "ICT",
    "bouw",
]


def content(n_partners: int, n_events: int) -> dict[str, str]:
    files = {}
    for i in range(n_partners):
        files[f"content/partners/partner-{i:05d}.md"] = (
            "---\n"
            f"title: Organisatie {i:05d}\n"
            f"kind: {KINDS_PARTNER[i % len(KINDS_PARTNER)]}\n"
            f"district: {DISTRICTS[i % len(DISTRICTS)]}\n"
            f"sector: {SECTORS[i % len(SECTORS)]}\n"
            f"email: info{i}@voorbeeld.nl\n"
            f"summary: Partner nummer {i} in het netwerk.\n"
            "---\n"
            f"Beschrijving van organisatie {i}.\n"
        )
    first = date(2023, 1, 2)
    for i in range(n_events):
        day = first + timedelta(days=i % 900)
        when = (
            f"start: {day.isoformat()}T15:00\nend: {day.isoformat()}T18:00\n"
            if i % 3
            else f"start: {day}\n"
        )
        hosts = ", ".join(f"partner-{(i + k) % n_partners:05d}" for k in range(2))
        place = "online: true\n" if i % 4 == 0 else f"location: Zaal {i % 17}\n"
        files[f"content/events/event-{i:05d}.md"] = (
            "---\n"
            f"title: Evenement {i:05d}\n{when}"
            f"kind: {KINDS_EVENT[i % len(KINDS_EVENT)]}\n{place}"
            f"registration: https://voorbeeld.nl/aanmelden/{i}\n"
            f"partners: [{hosts}]\n"
            f"summary: Evenement nummer {i}.\n"
            "---\n"
            f"Over evenement {i}.\n"
        )
    return files


def timed_build(n_partners: int, n_events: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp), content(n_partners, n_events))
        with env(SWK_NOW="2024-01-15T12:00"):
            start = time.perf_counter()
            out = build_project(project)
            seconds = time.perf_counter() - start
        pages = sum(1 for _ in out.rglob("*.html"))
        ics = sum(1 for _ in out.rglob("*.ics"))
    print(
        f"{n_partners:6d} partners {n_events:6d} events: {seconds:7.2f} s  ({pages} pages, {ics} .ics)"
    )
    return seconds


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    small = timed_build(n, 2 * n)
    large = timed_build(2 * n, 4 * n)
    print(f"ratio (2N / N): {large / small:.2f}  (about 2 means linear growth)")


if __name__ == "__main__":
    main()

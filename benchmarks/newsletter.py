"""Print the size of each newsletter issue's e-mail HTML, and of an issue with 10 articles.

    .venv/bin/python -m benchmarks.newsletter

Gmail clips messages above about 100 KB; the build stops above NEWSLETTER_MAX_BYTES (90 KB).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from swk import ROOT
from tests.support.testing import build_project, env, write

LIMIT = 90 * 1024


def sizes(out: Path) -> dict[str, int]:
    return {
        p.parent.name: p.stat().st_size for p in sorted((out / "nieuwsbrief").glob("*/email.html"))
    }


def show(label: str, size: int) -> None:
    print(f"{label:40} {size / 1024:6.1f} KB  ({size / LIMIT:4.0%} of the 90 KB limit)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, env(SWK_NOW="2024-01-15T12:00"):
        project = Path(tmp) / "project"
        shutil.copytree(ROOT / "content", project / "content")
        shutil.copytree(ROOT / "newsletters", project / "newsletters")
        out = build_project(project)
        print("Issues in newsletters/:")
        for slug, size in sizes(out).items():
            show(slug, size)

        slugs = sorted(p.stem for p in (project / "content/articles").glob("*.md"))[:10]
        write(
            project / "newsletters/benchmark-10-artikelen.md",
            f"""
            ---
            title: Benchmark met {len(slugs)} artikelen
            date: 2024-01-15
            articles: [{", ".join(slugs)}]
            events: upcoming
            status: ready
            ---
            Een nieuwsbrief met {len(slugs)} artikelen en de komende evenementen, om de grootte te meten.
            """,
        )
        out = build_project(project)
        print(f"\nAn issue with {len(slugs)} articles and the upcoming events:")
        show("benchmark-10-artikelen", sizes(out)["benchmark-10-artikelen"])


if __name__ == "__main__":
    main()

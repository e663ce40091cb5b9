"""Fixtures for the service's tests: a small built project with newsletter issues."""

from __future__ import annotations

import pytest

from tests.support.testing import build_project, make_project

ARTICLE = """
---
title: Werk dat past
date: 2024-01-02
category: Nieuws
summary: Over werk dat past.
---
Tekst.
"""
ISSUE = """
---
title: {title}
date: 2024-01-10
articles: [werk]
status: {status}
---
{intro}
"""
SERVICE = "https://dienst.example.org"


def newsletter_files() -> dict[str, str]:
    return {
        "content/articles/werk.md": ARTICLE,
        "newsletters/januari.md": ISSUE.format(
            title="Nieuwsbrief januari", status="ready", intro="Welkom."
        ),
        "newsletters/februari.md": ISSUE.format(
            title="Nieuwsbrief februari", status="ready", intro="Weer welkom."
        ),
        "newsletters/concept.md": ISSUE.format(
            title="Concept", status="draft", intro="Nog niet klaar."
        ),
    }


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(project, output) built with an https site and the service at https://dienst.example.org."""
    project = make_project(tmp_path_factory.mktemp("nb"), newsletter_files())
    return project, build_project(project, SITEURL="https://www.example.org", SERVICE_URL=SERVICE)

"""The search plugin: real Pelican builds, the real Pagefind binary, queries in Chromium."""

from __future__ import annotations

import os
import re
import stat

import pytest

from swk.build import BuildError
from tests.support.testing import build_project, make_project, serve, write

ARTICLE = """
---
title: Gepubliceerd artikel
date: 2023-02-16
category: Nieuws
summary: Over de Zeppelinbloem.
---
De zeppelinbloem groeit bij elke werkgever in Amsterdam.
"""
DRAFT = """
---
title: Concept
date: 2023-02-17
category: Nieuws
summary: Nog niet klaar.
status: draft
---
Het geheime woord is kwartelkoning.
"""
PARTNER = """
---
title: Voorbeeld Werkt
kind: sociale-firma
district: Nieuw-West
since: 2019
---
Een sociale firma met een zeppelinbloem in het logo.
"""
EVENT = """
---
title: Voorbeeldtraining
start: 2024-03-05T10:00
kind: training
---
Een training over de zeppelinbloem.
"""


def search_js(page, url: str, term: str) -> list[str]:
    """The URLs Pagefind's own JS API finds for a term on the built site."""
    page.goto(f"{url}/zoeken/")
    return page.evaluate(
        """async (term) => {
            const pagefind = await import("/pagefind/pagefind.js");
            const search = await pagefind.search(term);
            const data = await Promise.all(search.results.map((r) => r.data()));
            return data.map((d) => d.url);
        }""",
        term,
    )


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    project = make_project(
        tmp_path_factory.mktemp("search"),
        {
            "content/articles/gepubliceerd.md": ARTICLE,
            "content/articles/concept.md": DRAFT,
            "content/partners/voorbeeld-werkt.md": PARTNER,
            "content/events/voorbeeldtraining.md": EVENT,
        },
    )
    return build_project(project)


def test_index_is_written_into_the_output(small_site):
    bundle = small_site / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    assert (bundle / "pagefind-component-ui.js").is_file()
    assert list(bundle.glob("wasm.nl.pagefind")), "the Dutch index (lang=nl) is missing"
    assert (small_site / "zoeken/index.html").is_file()


def test_facets_meta_and_sort_key_in_the_pages(small_site):
    partner = (small_site / "partners/voorbeeld-werkt/index.html").read_text()
    assert re.search(r"<main [^>]*data-pagefind-body", partner)
    for attr in (
        'data-pagefind-filter="Soort:Partner"',
        'data-pagefind-filter="Soort partner:Sociale firma"',
        'data-pagefind-filter="Stadsdeel:Nieuw-West"',
        'data-pagefind-meta="type:Partner"',
        'data-pagefind-sort="date:2019-01-01"',
    ):
        assert attr in partner
    event = (small_site / "agenda/voorbeeldtraining/index.html").read_text()
    for attr in (
        'data-pagefind-filter="Soort:Evenement"',
        'data-pagefind-filter="Soort evenement:Training"',
        'data-pagefind-filter="Jaar:2024"',
        'data-pagefind-meta="datum:5 maart 2024"',
        'data-pagefind-sort="date:2024-03-05"',
    ):
        assert attr in event
    home = (small_site / "index.html").read_text()
    assert "data-pagefind-body" not in home  # only content items are indexed


def test_dutch_stemming_finds_the_singular(small_site, page):
    # the article says "werkgever" only; its partner kind filter is not page text
    with serve(small_site) as url:
        assert "/artikelen/gepubliceerd/" in search_js(page, url, "werkgevers")


def test_drafts_are_never_indexed(small_site, page):
    with serve(small_site) as url:
        assert set(search_js(page, url, "zeppelinbloem")) == {
            "/artikelen/gepubliceerd/",
            "/agenda/voorbeeldtraining/",
            "/partners/voorbeeld-werkt/",
        }
        assert search_js(page, url, "kwartelkoning") == []
    everything = b"".join(p.read_bytes() for p in small_site.rglob("*") if p.is_file())
    assert b"kwartelkoning" not in everything


def test_a_pagefind_failure_fails_the_build_and_keeps_the_last_site(tmp_path, monkeypatch):
    project = make_project(tmp_path, {"content/articles/gepubliceerd.md": ARTICLE})
    out = build_project(project)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    broken = write(
        tmp_path / "broken-pagefind",
        """
        #!/bin/sh
        echo "Error: kapotte index" >&2
        exit 3
        """,
    )
    broken.chmod(broken.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))
    write(project / "content/articles/nieuw.md", ARTICLE.replace("Gepubliceerd", "Nieuw"))
    with pytest.raises(BuildError) as err:
        build_project(project)
    assert "Pagefind is mislukt (code 3): Error: kapotte index" in str(err.value)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not out.with_name("output.new").exists()


def test_indexing_can_be_switched_off(tmp_path):
    project = make_project(tmp_path, {"content/articles/gepubliceerd.md": ARTICLE})
    out = build_project(project, SEARCH_INDEX=False)
    assert (out / "zoeken/index.html").is_file()
    assert not (out / "pagefind").exists()


def test_pagefind_binary_is_the_real_one():
    from search.indexer import pagefind_executable

    exe = pagefind_executable()
    assert os.access(exe, os.X_OK)


def test_the_index_glob_covers_the_save_as_settings_of_the_indexed_types():
    from search import index_glob

    settings = {
        "ARTICLE_SAVE_AS": "artikelen/{slug}/index.html",
        "PARTNER_SAVE_AS": "partners/{slug}/index.html",
        "EVENT_SAVE_AS": "agenda/{slug}/index.html",
        "NEWSLETTER_SAVE_AS": "nieuwsbrief/{slug}/index.html",
    }
    assert index_glob(settings) == (
        "{artikelen/*/index.html,partners/*/index.html,agenda/*/index.html,nieuwsbrief/*/index.html}"
    )
    settings["ARTICLE_SAVE_AS"] = "{date:%Y}/{slug}.html"
    assert index_glob(settings).startswith("{*/*.html,")
    settings["NEWSLETTER_SAVE_AS"] = ""
    assert index_glob(settings) is None  # unknown: Pagefind reads every file

"""Scheduling: an article (its ``date``) or event (its ``publish``) after the build's "now" is
left off the site until the first build after that moment (SWK_NOW stands in for the clock)."""

from __future__ import annotations

import pytest

from content_model.clock import parse_datetime, site_zone
from content_model.loading import load_all
from content_model.problems import ContentError
from tests.support import testing

FILES = {
    "content/articles/later.md": """
        ---
        title: Het artikel van later
        date: 2024-03-01
        category: Nieuws
        summary: Verschijnt op 1 maart.
        events: [2024-06-11-lente]
        ---
        Tekst.
        """,
    "content/articles/nu.md": """
        ---
        title: Het artikel van nu
        date: 2024-01-10
        category: Nieuws
        summary: Staat er al.
        ---
        Tekst.
        """,
    "content/events/2024-06-11-lente.md": """
        ---
        title: Lente Event
        start: 2024-06-11
        publish: 2024-02-01T09:00
        ---
        """,
}


def build(project, now):
    with testing.env(SWK_NOW=now):
        return testing.build_project(project, OUTPUT_PATH=str(project / f"out-{now[:10]}"))


def test_future_article_and_event_appear_with_the_first_build_after_their_moment(tmp_path):
    project = testing.make_project(tmp_path, FILES, with_pages=False)

    before = build(project, "2024-01-15T12:00")
    assert (before / "artikelen" / "nu" / "index.html").exists()
    assert not (before / "artikelen" / "later").exists()
    assert not (before / "agenda" / "2024-06-11-lente").exists()
    for listing in (
        "artikelen/index.html",
        "feeds/artikelen.atom.xml",
        "sitemap.xml",
        "agenda.ics",
    ):
        text = (before / listing).read_text(encoding="utf-8")
        assert "later" not in text and "Lente Event" not in text, listing

    between = build(project, "2024-02-01T09:00")  # the event's moment has come, not the article's
    assert (between / "agenda" / "2024-06-11-lente" / "index.html").exists()
    assert not (between / "artikelen" / "later").exists()

    after = build(project, "2024-03-01T00:00")  # a date alone: from the start of that day
    page = (after / "artikelen" / "later" / "index.html").read_text(encoding="utf-8")
    assert "Het artikel van later" in page
    assert "Het artikel van later" in (after / "feeds" / "artikelen.atom.xml").read_text(
        encoding="utf-8"
    )
    assert "Het artikel van later" in (
        after / "agenda" / "2024-06-11-lente" / "index.html"
    ).read_text(encoding="utf-8")


def newsletter_project(tmp_path):
    """A ready newsletter that lists the article of 1 March."""
    return testing.make_project(
        tmp_path,
        {
            "content/articles/later.md": FILES["content/articles/later.md"].replace(
                "events: [2024-06-11-lente]\n", ""
            ),
            "newsletters/2024-02-nieuwsbrief.md": """
            ---
            title: Nieuwsbrief februari
            date: 2024-02-01
            articles: [later]
            status: ready
            ---
            """,
        },
        with_pages=False,
    )


def test_a_ready_newsletter_may_not_list_an_article_that_is_not_on_the_site_yet(tmp_path):
    project = newsletter_project(tmp_path)
    sources = {
        "article": list((project / "content/articles").glob("*.md")),
        "newsletter": list((project / "newsletters").glob("*.md")),
    }
    found = [
        str(p)
        for p in load_all(sources, now=parse_datetime("2024-02-01T12:00", site_zone())[0]).problems
    ]
    assert len(found) == 1
    assert (
        "veld \"Artikelen (in volgorde)\" (articles): verwijst naar artikel 'later', maar dat staat pas vanaf 2024-03-01 op de "
        "site (Publicatiedatum in"
    ) in found[0]
    assert load_all(sources, now=parse_datetime("2024-03-02", site_zone())[0]).problems == []
    with pytest.raises(ContentError, match="staat pas vanaf 2024-03-01"):
        build(project, "2024-02-01T12:00")


def test_a_preview_build_shows_what_is_scheduled(tmp_path):
    """The site workflow's preview of an editor's change (SWK_PREVIEW=1) shows the page as it
    will look on its date."""
    project = testing.make_project(tmp_path, FILES, with_pages=False)
    with testing.env(SWK_PREVIEW="1"):
        out = build(project, "2024-01-15T12:00")
    assert (out / "artikelen" / "later" / "index.html").exists()
    assert (out / "agenda" / "2024-06-11-lente" / "index.html").exists()


def test_a_build_decides_with_one_moment_even_when_the_clock_passes_one_meanwhile(tmp_path):
    """The check, the readers, the templates' ``now`` and the sitemap all take the moment the
    build started: an article whose moment passes while the build runs (here SWK_NOW moves
    on once the readers exist) stays off the whole site, as the check decided."""
    import os

    from pelican import signals

    project = testing.make_project(tmp_path, FILES, with_pages=False)

    def clock_moves_on(readers):
        os.environ["SWK_NOW"] = "2024-03-01T00:00:01"  # just after "later"'s moment

    signals.readers_init.connect(clock_moves_on)
    try:
        out = build(project, "2024-02-29T23:59:59")
    finally:
        signals.readers_init.disconnect(clock_moves_on)
    assert not (out / "artikelen" / "later").exists()
    assert "Het artikel van later" not in (out / "artikelen/index.html").read_text()
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>/</loc>\n<lastmod>2024-02-29T23:59:59+01:00</lastmod>" in sitemap


def test_the_check_decides_with_the_builds_moment(tmp_path):
    """The content check reads the moment the build took when it started (``NOW_KEY``), not
    the clock again: the dev server's check of a rebuild runs in a forked process while the
    build goes on. Settings that never saw a build take SWK_NOW (``swk check``)."""
    from pelican import Pelican

    from content_model import check
    from content_model.clock import NOW_KEY
    from content_model.settings import load_settings

    project = newsletter_project(tmp_path)
    settings = Pelican(
        load_settings(str(testing.ROOT / "pelicanconf.py"), testing.overrides(project))
    ).settings
    with testing.env(SWK_NOW="2024-03-02T12:00"):  # the clock, after "later"'s moment
        check(settings)  # no build yet: the clock's moment, and "later" is on the site
        settings[NOW_KEY] = parse_datetime("2024-02-01T12:00", site_zone())[0]
        with pytest.raises(ContentError, match="staat pas vanaf 2024-03-01"):
            check(settings)

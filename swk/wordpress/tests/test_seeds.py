"""The old site's real content, exported as WordPress would, imported into an empty project
and built: the articles match what is on the site today (content/articles/)."""

from __future__ import annotations

import re

import pytest

from content_model.clock import parse_datetime, site_zone
from content_model.frontmatter import split
from content_model.items import read_item
from content_model.schema import CONTENT_TYPES
from swk.build import load_settings
from swk.wordpress.importer import import_wordpress
from tests.support.testing import ROOT, build_project, make_project, overrides


@pytest.fixture(scope="module")
def imported(seed_export, tmp_path_factory):
    export, articles = seed_export
    project = make_project(tmp_path_factory.mktemp("seeds-import"))
    settings = load_settings(str(ROOT / "pelicanconf.py"), overrides(project))
    report = import_wordpress(export, settings)
    return project, articles, report


def test_every_article_comes_over_as_it_is_on_the_site(imported, blocks):
    project, articles, report = imported
    files = {p.stem: p for p in (project / "content/articles").glob("*.md")}
    assert sorted(files) == sorted(a.slug for a in articles)
    assert not report.todo and not report.problems and not report.quarantined
    for a in articles:
        path = files[a.slug]
        problems = []
        item = read_item(CONTENT_TYPES["article"], path, problems, site_zone())
        assert not problems, problems
        meta, body = split(path.read_text(encoding="utf-8"))
        assert meta["title"] == a.meta["title"], a.slug
        assert item.meta["date"].date() == parse_datetime(a.meta["date"], site_zone())[0].date(), (
            a.slug
        )
        assert meta["category"] == a.meta["category"], a.slug
        assert meta.get("tags", []) == a.meta.get("tags", []), a.slug
        assert "status" not in meta, a.slug
        if a.post.excerpt:
            assert meta["summary"] == a.meta["summary"], a.slug
        else:  # the first sentence of the body
            assert meta["summary"] and meta["summary"][:20] in " ".join(a.lines), a.slug

        ported, got = blocks(a.body), blocks(body)
        seed_text, got_text = " ".join(a.lines), " ".join(text for _, text in got)
        was_on_old_site = [b for b in ported if b[1] in seed_text]
        # the port changed little: almost every block of today's article is in the seed
        assert len(was_on_old_site) >= 0.85 * len(ported), a.slug
        # each of those arrives with its text ...
        missing = [b for b in was_on_old_site if b[1] not in got_text]
        assert not missing, (a.slug, missing)
        # ... and, where it was a line of its own, its kind (heading, question, list item, caption)
        lost = [b for b in was_on_old_site if b[1] in a.lines and b not in got]
        assert not lost, (a.slug, lost)
        # and nothing comes in that was not on the old page
        assert all(text in seed_text for _, text in got), a.slug
        # no WordPress noise left in the Markdown
        assert not re.search(r"<!--\s*/?wp:|\[/?\w+[^\]]*\]|&nbsp;|&#\d+;", body), a.slug


def test_what_is_not_content_is_counted(imported):
    _, articles, report = imported
    assert report.skipped["menu-items"] == 2
    assert report.skipped["revisies"] == 1
    assert report.skipped["reacties"] == sum(a.post.comments for a in articles) > 0
    text = (imported[0] / "wordpress-import/report.md").read_text(encoding="utf-8")
    assert "2 menu-items" in text and "1 revisies" in text
    # the categories were proposed in the mapping file, Interviews -> Interview
    mapping = (imported[0] / "wordpress-import/categories.yaml").read_text(encoding="utf-8")
    assert re.search(r"^interviews: Interview\b", mapping, re.M)
    assert re.search(r"^nieuws: Nieuws\b", mapping, re.M)


def test_the_imported_site_builds_and_old_addresses_lead_to_the_articles(imported):
    project, articles, _ = imported
    out = build_project(project, SEARCH_INDEX=False)
    for a in articles:
        page = (out / "artikelen" / a.slug / "index.html").read_text(encoding="utf-8")
        assert (
            f'<h1 class="ams-heading ams-heading--1">{a.meta["title"]}</h1>'.replace("‘", "‘")
            in page
        ), a.slug
        y, m, d = a.post.date[:10].split("-")
        old = (out / y / m / d / a.slug / "index.html").read_text(encoding="utf-8")
        assert f'url=/artikelen/{a.slug}/"' in old and 'name="robots" content="noindex"' in old
        assert f'"p={a.post.id}": "/artikelen/{a.slug}/"' in (out / "redirects.json").read_text(
            encoding="utf-8"
        )
    # the WordPress categories' archives lead to ours
    assert 'url=/rubriek/interview/"' in (out / "category/interviews/index.html").read_text(
        encoding="utf-8"
    )

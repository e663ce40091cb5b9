"""The engine's faster stand-ins for Pelican internals give Pelican's own results: URL
formatting with only the values a setting names, and remembered slugs."""

from __future__ import annotations

import pytest
from pelican.contents import Article, Page
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Category, Tag
from pelican.utils import SafeDatetime

from swk.engine import _LeanUrlFormat, _MemoSlugs

FORMATS = [
    "artikelen/{slug}/index.html",
    "{date:%Y}/{date:%m}/{slug}.html",
    "{category}/{slug}-{lang}/",
    "{path}",
    "{author}/{date.year}/{slug}/",
    "{kind}/{slug}/",  # a metadata field of its own
    "vast/adres/",
]


def _article(settings, **meta):
    metadata = {
        "title": "Een titel",
        "slug": "een-titel",
        "date": SafeDatetime(2023, 2, 16, 15, 0),
        "category": Category("Nieuws & Zo", settings),
        "kind": "interview",
        **meta,
    }
    return Article("<p>x</p>", metadata, settings, source_path="/site/content/a/een.md")


@pytest.mark.parametrize("fmt", FORMATS)
def test_urls_as_pelican_formats_them(fmt):
    settings = dict(DEFAULT_CONFIG, PATH="/site/content", ARTICLE_URL=fmt, ARTICLE_SAVE_AS=fmt)
    settings["AUTHOR"] = "De Redactie"
    article = _article(settings)
    draft = _article(settings, status="draft")
    page = Page("<p>x</p>", {"title": "Over", "slug": "over"}, settings, source_path="/site/x.md")
    expected = [(o.url, o.save_as) for o in (article, draft, page)]
    with _LeanUrlFormat():
        assert [(o.url, o.save_as) for o in (article, draft, page)] == expected


def test_a_name_missing_from_the_metadata_fails_as_in_pelican():
    settings = dict(DEFAULT_CONFIG, PATH="/site/content", ARTICLE_URL="{ontbreekt}/{slug}/")
    article = _article(settings)
    with pytest.raises(KeyError) as pelican_error:
        _ = article.url
    with _LeanUrlFormat(), pytest.raises(KeyError) as lean_error:
        _ = article.url
    assert lean_error.value.args == pelican_error.value.args


def test_slugs_are_pelicans_and_follow_their_settings():
    settings = dict(DEFAULT_CONFIG)
    names = ["Nieuw-West", "Ça va: één", "werk & inkomen", "<b>Vet</b> werk"]
    expected = [Tag(name, settings).slug for name in names]
    other = dict(settings, SLUGIFY_PRESERVE_CASE=True)
    with _MemoSlugs():
        assert [Tag(name, settings).slug for name in names] == expected
        assert [Tag(name, settings).slug for name in names] == expected  # remembered
        # other options: another slug, not the remembered one
        assert Tag("Nieuw-West", other).slug == "Nieuw-West"

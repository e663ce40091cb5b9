"""feeds: Atom and RSS feeds of the published articles, made with feedgen.

Settings: ``FEED_ATOM_PATH``, ``FEED_RSS_PATH`` (output paths; empty turns a feed off),
``FEED_MAX_ITEMS`` (default 20). Links are absolute: ``SITEURL``, or
``http://localhost:8000`` for a local build without one.
"""

from __future__ import annotations

import os

from feedgen.feed import FeedGenerator
from pelican import signals
from pelican.generators import Generator


LOCAL_SITEURL = "http://localhost:8000"  # `make serve`; used where an absolute URL is required


def site_url(settings) -> str:
    return (settings.get("SITEURL") or LOCAL_SITEURL).rstrip("/")


def build_feed(settings, articles) -> FeedGenerator:
    base = site_url(settings)
    fg = FeedGenerator()
    fg.id(base + "/")
    fg.title(settings["SITENAME"])
    fg.subtitle(settings.get("SITE_DESCRIPTION") or settings["SITENAME"])
    fg.language("nl")
    fg.link(href=base + "/", rel="alternate")
    if settings.get("FEED_ATOM_PATH"):
        fg.link(href=f"{base}/{settings['FEED_ATOM_PATH']}", rel="self")
    items = sorted(articles, key=lambda a: a.date, reverse=True)[: settings.get("FEED_MAX_ITEMS", 20)]
    if items:
        fg.updated(items[0].date)
    for article in reversed(items):  # feedgen prepends entries
        url = f"{base}/{article.url}"
        entry = fg.add_entry()
        entry.id(url)
        entry.title(article.title)
        entry.link(href=url)
        entry.published(article.date)
        entry.updated(article.date)
        entry.summary(article.summary)
        entry.category(term=article.category.name)
        for tag in getattr(article, "tags", []):
            entry.category(term=tag.name)
    return fg


class FeedsGenerator(Generator):
    def generate_output(self, writer):
        fg = build_feed(self.settings, self.context.get("articles", []))
        for key, method in (("FEED_ATOM_PATH", fg.atom_file), ("FEED_RSS_PATH", fg.rss_file)):
            rel = self.settings.get(key)
            if not rel:
                continue
            path = os.path.join(self.output_path, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            method(path, pretty=True)


def _get_generators(pelican):
    return FeedsGenerator


def register():
    signals.get_generators.connect(_get_generators)

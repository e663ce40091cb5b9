"""feeds: Atom and RSS feeds of the published articles, made with feedgen.

- each feed's ``rel="self"`` link is that feed's own file; the RSS channel ``<link>`` is
  the site;
- a summary is plain text: Atom says so (``type="text"``), an RSS ``<description>`` is HTML,
  so there the text is HTML-escaped first (``<`` reaches a reader as ``&amp;lt;`` in the XML);
- the Atom feed has an ``<author>`` (the site: ``SITENAME``, ``CONTACT_EMAIL``), as RFC 4287
  requires.

Settings: ``FEED_ATOM_PATH``, ``FEED_RSS_PATH`` (output paths; empty turns a feed off),
``FEED_MAX_ITEMS`` (``DEFAULTS``; the README's plugin table). Links are absolute: ``SITEURL``, or
``http://localhost:8000`` for a local build without one.
"""

from __future__ import annotations

import html
import os

from feedgen.feed import FeedGenerator
from pelican import signals
from pelican.generators import Generator

from content_model.settings import site_url, use_defaults

DEFAULTS = {"FEED_MAX_ITEMS": 20}


def build_feed(settings, articles, kind: str = "atom") -> FeedGenerator:
    """The feed of ``kind`` ("atom" or "rss") with the newest ``FEED_MAX_ITEMS`` articles."""
    base = site_url(settings)
    fg = FeedGenerator()
    fg.id(base + "/")
    fg.title(settings["SITENAME"])
    fg.subtitle(settings.get("SITE_DESCRIPTION") or settings["SITENAME"])
    fg.language("nl")
    author = {"name": settings["SITENAME"], "uri": base + "/"}
    if settings.get("CONTACT_EMAIL"):
        author["email"] = settings["CONTACT_EMAIL"]
    fg.author(author)
    own = settings.get("FEED_ATOM_PATH" if kind == "atom" else "FEED_RSS_PATH")
    if own:
        fg.link(href=f"{base}/{own}", rel="self")
    fg.link(href=base + "/", rel="alternate")  # last: feedgen makes the RSS <link> of it
    items = sorted(articles, key=lambda a: a.date, reverse=True)[: settings["FEED_MAX_ITEMS"]]
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
        if kind == "atom":
            entry.summary(article.summary, type="text")
        else:  # RSS: the description is HTML
            entry.description(html.escape(article.summary, quote=False), isSummary=True)
        entry.category(term=article.category.name)
        for tag in getattr(article, "tags", []):
            entry.category(term=tag.name)
    return fg


class FeedsGenerator(Generator):
    def generate_output(self, writer):
        articles = self.context.get("articles", [])
        for kind, key in (("atom", "FEED_ATOM_PATH"), ("rss", "FEED_RSS_PATH")):
            rel = self.settings.get(key)
            if not rel:
                continue
            fg = build_feed(self.settings, articles, kind)
            path = os.path.join(self.output_path, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            (fg.atom_file if kind == "atom" else fg.rss_file)(path, pretty=True)


def _get_generators(pelican):
    return FeedsGenerator


def register():
    use_defaults(DEFAULTS)
    signals.get_generators.connect(_get_generators)

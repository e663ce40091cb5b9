"""The feeds as feed readers see them: real builds, read with feedparser and an XML parser."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import feedparser
import pytest

from tests.support.testing import build_project, make_project

SITE = "https://swk.example"
SUMMARY = "Werkgevers & werknemers: <script>alert(1)</script> <b>vet</b> en 3 < 4."
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    project = make_project(
        tmp_path_factory.mktemp("feeds"),
        {
            "content/articles/tekens.md": f"""
            ---
            title: Werk & inkomen
            date: 2023-02-16
            category: Nieuws
            summary: '{SUMMARY}'
            ---
            Tekst.
            """,
        },
    )
    return build_project(project, SITEURL=SITE)


def test_rss_links_the_site_and_itself(out):
    channel = ET.parse(out / "feeds/artikelen.rss.xml").getroot().find("channel")
    assert channel.findtext("link") == f"{SITE}/"
    (self_link,) = channel.findall(f"{ATOM}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == f"{SITE}/feeds/artikelen.rss.xml"


def test_atom_links_the_site_and_itself_and_has_an_author(out):
    feed = ET.parse(out / "feeds/artikelen.atom.xml").getroot()
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": f"{SITE}/feeds/artikelen.atom.xml", "alternate": f"{SITE}/"}
    author = feed.find(f"{ATOM}author")  # RFC 4287: required when not every entry has one
    assert author is not None and author.findtext(f"{ATOM}name") == "Sociaal Werkkoepel Amsterdam"
    assert feedparser.parse(
        (out / "feeds/artikelen.atom.xml").read_bytes()
    ).feed.author_detail.name == ("Sociaal Werkkoepel Amsterdam")


def test_rss_summary_is_escaped_html_of_the_plain_text(out):
    """An RSS description is HTML: the summary's < and & must arrive as text, not markup."""
    item = ET.parse(out / "feeds/artikelen.rss.xml").getroot().find("channel/item")
    assert item.findtext("description") == html.escape(SUMMARY, quote=False)
    entry = feedparser.parse((out / "feeds/artikelen.rss.xml").read_bytes()).entries[0]
    assert "<script" not in entry.summary and "<b>" not in entry.summary  # no live markup
    assert html.unescape(entry.summary) == SUMMARY  # what a reader shows


def test_atom_summary_is_plain_text(out):
    entry = ET.parse(out / "feeds/artikelen.atom.xml").getroot().find(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text" and summary.text == SUMMARY
    parsed = feedparser.parse((out / "feeds/artikelen.atom.xml").read_bytes()).entries[0]
    assert parsed.summary_detail.type == "text/plain" and parsed.summary == SUMMARY
    assert parsed.title == "Werk & inkomen"

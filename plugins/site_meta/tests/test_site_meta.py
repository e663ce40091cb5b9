"""What crawlers and link previews read: favicon, robots.txt, canonical, og:image, JSON-LD."""

from __future__ import annotations

import json
import re

import pytest

from content_model.settings import LOCAL_SITEURL
from tests.support import sitecheck
from tests.support.testing import ROOT, build_project, env, make_project, write

SITE = "https://voorbeeld.github.io/swk"  # a project site: the site lives under a path
ARTICLE = """
---
title: Werk met uitzicht
date: 2023-02-16
category: Nieuws
summary: Een nieuwe werkplek.
tags: [werkgevers]
image: /images/uitzicht.png
image_alt: Een werkplek met uitzicht op het IJ
---
Tekst.
"""
INTERVIEW = (
    "---\ntitle: Gesprek\ndate: 2023-03-01\ncategory: Interview\nsummary: Kort.\n---\nTekst.\n"
)


def jsonld(html: str) -> list[dict]:
    return [
        json.loads(m)
        for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def meta(html: str, prop: str) -> str | None:
    m = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', html)
    return m.group(1) if m else None


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    project = make_project(
        tmp_path_factory.mktemp("meta"),
        {
            "content/articles/uitzicht.md": ARTICLE,
            "content/articles/gesprek.md": INTERVIEW,
        },
    )
    write(project / "content/images/uitzicht.png", "png")
    with env(SWK_SITEURL=SITE, SWK_NOW="2024-01-15T12:00"):
        return build_project(project, "publishconf.py", WEB_EDITOR_REQUIRED=False)


def test_a_favicon_at_the_root_and_linked_from_every_page(published, tmp_path):
    assert (published / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = (published / "index.html").read_text()
    assert re.search(r'<link rel="icon" href="[^"]+"', html)
    # without the City's design system (no npm packages): the site's own icon
    project = make_project(tmp_path, {"content/articles/gesprek.md": INTERVIEW})
    out = build_project(project, DESIGN_SYSTEM_NODE_MODULES=str(tmp_path / "leeg"))
    assert (out / "favicon.ico").read_bytes() == (
        ROOT / "theme/static/images/favicon.ico"
    ).read_bytes()
    html = (out / "index.html").read_text()
    assert '<link rel="icon" href="/theme/images/favicon.svg" type="image/svg+xml">' in html
    assert (out / "theme/images/favicon.svg").read_text().startswith("<svg")


def test_robots_txt_points_at_the_sitemap(published):
    robots = (published / "robots.txt").read_text()
    assert "User-agent: *\n" in robots
    assert f"\nSitemap: {SITE}/sitemap.xml\n" in robots and (published / "sitemap.xml").is_file()
    assert "\nDisallow: /swk/admin/\n" in robots  # the web editor, under the site's path
    assert "robots.txt" not in (published / "sitemap.xml").read_text()  # not a page


def test_article_preview_uses_its_own_image(published):
    html = (published / "artikelen/uitzicht/index.html").read_text()
    assert f'<link rel="canonical" href="{SITE}/artikelen/uitzicht/">' in html
    assert meta(html, "og:url") == f"{SITE}/artikelen/uitzicht/"
    assert meta(html, "og:image") == f"{SITE}/images/uitzicht.png"
    assert meta(html, "og:image:alt") == "Een werkplek met uitzicht op het IJ"


def test_pages_without_an_image_get_the_site_image(published):
    for rel in ("index.html", "agenda/index.html", "artikelen/gesprek/index.html"):
        html = (published / rel).read_text()
        assert meta(html, "og:image") == f"{SITE}/theme/images/og-default.png", rel
        assert meta(html, "og:image:width") == "1200" and meta(html, "og:image:height") == "630"
    assert (published / "theme/images/og-default.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_article_jsonld(published):
    (data,) = jsonld((published / "artikelen/uitzicht/index.html").read_text())
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Werk met uitzicht" and data["description"] == "Een nieuwe werkplek."
    assert data["datePublished"] == "2023-02-16T00:00:00+01:00"
    assert data["image"] == [f"{SITE}/images/uitzicht.png"]
    assert data["mainEntityOfPage"] == data["url"] == f"{SITE}/artikelen/uitzicht/"
    assert data["publisher"]["name"] == data["author"]["name"] == "Sociaal Werkkoepel Amsterdam"
    assert data["inLanguage"] == "nl" and data["keywords"] == ["werkgevers"]
    (interview,) = jsonld((published / "artikelen/gesprek/index.html").read_text())
    assert interview["@type"] == "Article"


def test_home_page_jsonld_names_the_site_its_search_and_the_organisation(published):
    (data,) = jsonld((published / "index.html").read_text())
    website, org = data["@graph"]
    assert website["@type"] == "WebSite" and website["url"] == f"{SITE}/"
    target = website["potentialAction"]["target"]["urlTemplate"]
    assert target == f"{SITE}/zoeken/?q={{zoekterm}}"
    assert website["potentialAction"]["query-input"] == "required name=zoekterm"
    assert org["@type"] == "Organization" and org["email"] == "sociaalwerkkoepel@amsterdam.nl"
    assert website["publisher"] == {"@id": org["@id"]}


def test_every_page_of_the_real_site_names_its_own_address(site):
    """A canonical link and og:url to the page itself (not the home page), og:image that
    exists; the 404 page, served for any address, has no canonical link."""
    problems = []
    for rel, page in sitecheck.parse_site(site).items():
        html = (site / rel).read_text()
        canonical = re.findall(r'<link rel="canonical" href="([^"]*)">', html)
        if rel == "404.html":
            if canonical:
                problems.append(f"{rel}: has a canonical link {canonical}")
            continue
        want = LOCAL_SITEURL + page.url
        if canonical != [want] or meta(html, "og:url") != want:
            problems.append(
                f"{rel}: canonical {canonical}, og:url {meta(html, 'og:url')}, want {want}"
            )
        image = meta(html, "og:image") or ""
        found = sitecheck.local_path(image, page.url, sitecheck.site_bases())
        if not found or not (site / found[0]).is_file():
            problems.append(f"{rel}: og:image {image!r} is not a file of the site")
    assert not problems, "\n".join(problems)


def test_the_policy_lets_the_site_service_take_forms_and_fetches():
    from site_meta import DEFAULTS, content_security_policy

    policy = content_security_policy({**DEFAULTS, "SERVICE_URL": "https://dienst.example/swk"})
    assert "connect-src 'self' https://dienst.example;" in policy
    assert policy.endswith("form-action 'self' https://dienst.example")
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy and "'unsafe-inline'" not in policy
    assert content_security_policy(dict(DEFAULTS)).endswith("form-action 'self'")


def test_the_sitemap_dates_pages_without_a_date_of_their_own_with_each_builds_now(tmp_path):
    """pelican-sitemap gives the home page, the lists and the tag pages the moment its plugin
    was loaded: in the dev server, the moment it started, for every build after. Each build
    dates them with its own "now" (SWK_NOW here), as a cold build at that moment would."""
    project = make_project(tmp_path, {"content/articles/gesprek.md": INTERVIEW})

    def lastmod(out, loc: str) -> str:
        xml = (out / "sitemap.xml").read_text(encoding="utf-8")
        found = re.search(rf"<loc>{re.escape(loc)}</loc>\s*<lastmod>([^<]*)</lastmod>", xml)
        assert found, f"{loc} is not in the sitemap"
        return found.group(1)

    for now, expected in (
        ("2024-01-15T12:00", "2024-01-15T12:00:00+01:00"),
        ("2024-07-01T09:30", "2024-07-01T09:30:00+02:00"),  # summer time in Amsterdam
    ):
        with env(SWK_NOW=now):
            out = build_project(project, SEARCH_INDEX=False)
        assert lastmod(out, "/") == expected
        assert lastmod(out, "/artikelen/") == expected

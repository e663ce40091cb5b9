"""Site-wide checks on the real content, built once (fixture ``site``).

Every page that any feature adds inherits these: valid HTML (W3C Nu checker), no broken
internal link or asset, no WCAG 2.0/2.1 A/AA violation found by axe-core on one page of every
template (discovered from ``<body data-template>``, at 1280 and 375 px), the page basics
(lang, title, one h1, skip link, viewport), Open Graph on articles, feeds and sitemap.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import feedparser
import pytest

from content_model import frontmatter
from tests.support import sitecheck
from tests.support.testing import ROOT, build_project, env, make_project, write

# Templates of the foundation; features add more (they are found in the output by themselves).
FOUNDATION_TEMPLATES = {
    "home",
    "index",
    "article",
    "category",
    "tag",
    "tags",
    "page",
    "404",
    "partner",
    "event",
    "newsletter",
}
WIDTHS = {"desktop": (1280, 800), "phone": (375, 740)}


@pytest.fixture(scope="session")
def pages(site):
    return sitecheck.parse_site(site)


@pytest.fixture(scope="session")
def settings():
    from swk.build import load_settings

    return load_settings(str(ROOT / "pelicanconf.py"))


def published_articles():
    """(slug, title) of every article in content/ that is not a draft."""
    out = []
    for path in sorted((ROOT / "content/articles").glob("*.md")):
        meta, _ = frontmatter.split(path.read_text(encoding="utf-8"))
        out.append((meta.get("slug") or path.stem, meta["title"], meta.get("status") == "draft"))
    return out


# --- the W3C Nu HTML checker ---------------------------------------------------------------


def test_every_page_is_valid_html(site, pages, tmp_path):
    # A page with known errors goes along in the same run: proof the checker really ran.
    canary = write(
        tmp_path / "canary.html", "<!DOCTYPE html><html lang=nl><title>x</title><p><div></p>"
    )
    files = [site / rel for rel in pages] + [canary]
    css = [
        p
        for p in sorted(site.rglob("*.css"))
        if p.relative_to(site).as_posix() not in sitecheck.EXCLUDED_CSS
    ]
    errors = sitecheck.vnu(files, css=css)
    assert any("canary.html" in m.get("url", "") for m in errors), "the Nu checker reported nothing"
    problems = [
        sitecheck.format_vnu(m, site) for m in errors if "canary.html" not in m.get("url", "")
    ]
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(problems)


# --- links ---------------------------------------------------------------------------------


def test_no_broken_internal_links_or_assets(site, pages, settings):
    problems = sitecheck.broken_links(site, pages, settings["SITEURL"])
    assert not problems, f"{len(problems)} broken links:\n" + "\n".join(problems)


def test_nothing_is_loaded_from_other_hosts(pages, settings):
    """The privacy page promises that the site loads nothing from other domains."""
    found = sitecheck.external_assets(pages, settings["SITEURL"])
    assert not found, "assets from other hosts:\n" + "\n".join(found)


def test_no_css_or_font_comes_from_a_cdn(site, pages, settings):
    """Stylesheets and fonts (the City's Amsterdam Sans too) come from the site itself: no
    <link> to another host, no url() or @import to one in any stylesheet or <style>."""
    links = [
        f
        for f in sitecheck.external_assets(pages, settings["SITEURL"])
        if re.search(r"\.(css|woff2?|ttf|otf)\b|fonts?\.", f)
    ]
    assert not links and not sitecheck.external_css_urls(site, settings["SITEURL"]), links
    fonts = {r.url for p in pages.values() for r in p.refs if r.url.endswith(".woff2")}
    assert fonts and all(url.startswith("/theme/fonts/") for url in fonts), fonts


def test_cdn_checker_finds_css_and_fonts_from_other_hosts(tmp_path):
    out = tmp_path / "out"
    write(
        out / "index.html",
        """<!DOCTYPE html><html lang="nl"><head><title>t</title>
        <style>@import url("https://cdn.example/ams.css"); body { font-family: x; }</style></head>
        <body><p style="background: url(/eigen.png)">x</p></body></html>""",
    )
    write(
        out / "css/site.css",
        '@font-face { src: url("https://fonts.example/AmsterdamSans.woff2") } '
        "a { background: url(../img/x.png) } b { background: url(data:image/png;base64,AA) }",
    )
    assert sitecheck.external_css_urls(out) == [
        "css/site.css: https://fonts.example/AmsterdamSans.woff2",
        "index.html: https://cdn.example/ams.css",
    ]


def test_link_checker_finds_broken_links(tmp_path):
    """The checker itself: every kind of reference, relative and root-relative."""
    out = tmp_path / "out"
    write(
        out / "index.html",
        """
        <!DOCTYPE html><html lang="nl"><head><title>t</title>
        <link rel="stylesheet" href="css/site.css"><link rel="icon" href="https://cdn.example/x.ico">
        </head><body><a href="#inhoud">skip</a><main id="inhoud">
        <a href="/a/">ok</a> <a href="a/">ok relative</a> <a href="/a/#deel">ok fragment</a>
        <a href="/b/">missing folder</a> <a href="a/#weg">missing id</a> <a href="#nergens">no id</a>
        <img src="img/x.png" srcset="img/x.png 1x, img/big.png 2x" alt="">
        <form action="/zoeken/"></form> <a href="mailto:a@b.nl">mail</a> <a href="https://elders.nl/">out</a>
        <a href="http://localhost:8000/a/">feed base</a></main></body></html>
    """,
    )
    write(
        out / "a/index.html",
        '<!DOCTYPE html><html lang="nl"><title>a</title><h2 id="deel">d</h2><a href="../">up</a>',
    )
    write(out / "img/x.png", "png")
    write(out / "css/site.css", "body { background: url('../img/x.png'); } @import 'weg.css';")
    write(
        out / "sitemap.xml",
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>/a/</loc></url><url><loc>/c/</loc></url></urlset>",
    )
    pages = sitecheck.parse_site(out)
    problems = "\n".join(sitecheck.broken_links(out, pages))
    for expected in (
        "'/b/' -> b/",
        "'a/#weg': a/index.html has no id 'weg'",
        "'#nergens': no element",
        "img/big.png",
        "(action)",
        "css/weg.css",
        "sitemap.xml: '/c/'",
    ):
        assert expected in problems, (expected, problems)
    assert len(problems.splitlines()) == 7, problems
    assert sitecheck.external_assets(pages) == ["index.html:2 (href): https://cdn.example/x.ico"]


def test_publish_build_uses_absolute_urls_and_links_resolve(tmp_path):
    """publishconf.py: sitemap, feeds, canonical and og:url carry SWK_SITEURL, and resolve."""
    project = make_project(
        tmp_path,
        {
            "content/articles/goed.md": """
        ---
        title: Goed artikel
        date: 2023-02-16
        category: Nieuws
        summary: Een samenvatting.
        tags: [werkgevers]
        ---
        Tekst.
        """
        },
    )
    siteurl = "https://voorbeeld.github.io/swk"
    with env(SWK_SITEURL=siteurl, SWK_NOW="2024-01-15T12:00"):
        out = build_project(project, "publishconf.py")
    pages = sitecheck.parse_site(out)
    assert sitecheck.broken_links(out, pages, siteurl) == []
    locs = sitecheck.xml_links(out / "sitemap.xml")
    assert f"{siteurl}/artikelen/goed/" in locs and all(u.startswith(siteurl + "/") for u in locs)
    article = pages["artikelen/goed/index.html"]
    assert article.meta["og:url"] == f"{siteurl}/artikelen/goed/"
    feed = feedparser.parse((out / "feeds/artikelen.atom.xml").read_bytes())
    assert [e.link for e in feed.entries] == [f"{siteurl}/artikelen/goed/"]


# --- page basics ---------------------------------------------------------------------------


def test_every_page_has_the_basics(site, pages):
    assert len(pages) > 40  # the real content: articles, partners, events, pages, lists
    problems = []
    for rel, page in pages.items():
        if page.lang != "nl":
            problems.append(f"{rel}: <html lang> is {page.lang!r}, not 'nl'")
        if len(page.titles) != 1 or not page.titles[0]:
            problems.append(f"{rel}: needs exactly one non-empty <title>, has {page.titles}")
        if page.h1 != 1:
            problems.append(f"{rel}: needs exactly one <h1>, has {page.h1}")
        if page.first_link != "#inhoud" or "inhoud" not in page.ids:
            problems.append(
                f"{rel}: the first link must be the skip link to #inhoud (is {page.first_link!r})"
            )
        if "width=device-width" not in page.meta.get("viewport", ""):
            problems.append(f"{rel}: no <meta name=viewport content=width=device-width...>")
        if not page.template:
            problems.append(
                f"{rel}: <body> has no data-template (does the template extend base.html?)"
            )
        if not page.meta.get("description"):
            problems.append(f"{rel}: no meta description")
    assert not problems, "\n".join(problems)


def test_titles_are_unique(pages):
    seen = {}
    for rel, page in pages.items():
        if page.titles:
            seen.setdefault(page.titles[0], []).append(rel)
    doubles = {t: rels for t, rels in seen.items() if len(rels) > 1}
    assert not doubles, doubles


def test_404_page_is_dutch(site, pages):
    page = pages["404.html"]
    text = (site / "404.html").read_text(encoding="utf-8")
    assert page.lang == "nl" and page.template == "404"
    assert "Pagina niet gevonden" in page.titles[0] and "Naar de homepage" in text
    # served from anywhere, so its links must be root-relative (or absolute)
    relative = [r.url for r in page.refs if not re.match(r"^(/|#|[a-z]+:)", r.url)]
    assert not relative, relative


def test_open_graph_on_article_pages(pages):
    articles = {rel: p for rel, p in pages.items() if p.template == "article"}
    assert len(articles) == sum(1 for *_, draft in published_articles() if not draft)
    for rel, page in articles.items():
        for key in (
            "og:title",
            "og:description",
            "og:site_name",
            "og:locale",
            "article:published_time",
        ):
            assert page.meta.get(key), (rel, key)
        assert page.meta["og:type"] == "article", rel
        assert page.meta["og:locale"] == "nl_NL", rel
        assert page.meta["og:title"] in page.titles[0], rel


def test_fixed_pages_exist(site, pages):
    """Over ons is content; the two statements come from plugins/statements (its own tests
    check what they say)."""
    for slug, template, words in (
        (
            "toegankelijkheid",
            "toegankelijkheid",
            (
                "Besluit digitale toegankelijkheid overheid",
                "WCAG-EM",
                "sociaalwerkkoepel@amsterdam.nl",
            ),
        ),
        (
            "privacy",
            "privacy",
            ("geen cookies", "GitHub", "IP-adres", "nieuwsbrief", "Autoriteit Persoonsgegevens"),
        ),
        ("over-ons", "page", ("Contact", "sociaalwerkkoepel@amsterdam.nl")),
    ):
        page = pages.get(f"{slug}/index.html")
        assert page is not None and page.template == template, slug
        text = (site / slug / "index.html").read_text(encoding="utf-8")
        for word in words:
            assert word in text, (slug, word)


# --- feeds and sitemap ---------------------------------------------------------------------


@pytest.mark.parametrize("key", ["FEED_ATOM_PATH", "FEED_RSS_PATH"])
def test_feeds_parse_and_list_the_articles(site, settings, key):
    feed = feedparser.parse((site / settings[key]).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.get("language", "").startswith("nl")
    published = [(slug, title) for slug, title, draft in published_articles() if not draft]
    drafts = {slug for slug, _, draft in published_articles() if draft}
    assert len(feed.entries) == min(len(published), settings["FEED_MAX_ITEMS"])
    assert {e.title for e in feed.entries} <= {t for _, t in published}
    for entry in feed.entries:
        assert re.match(r"^https?://[^/]+/artikelen/[a-z0-9-]+/$", entry.link), entry.link
        assert entry.link.rstrip("/").rsplit("/", 1)[-1] not in drafts
        assert entry.get("summary") and entry.get("published_parsed")
    dates = [e.published_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True)


def test_sitemap_lists_articles_and_no_drafts(site, pages):
    root = ET.parse(site / "sitemap.xml").getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = sitecheck.xml_links(site / "sitemap.xml")
    assert len(locs) == len(set(locs))
    paths = {sitecheck.local_path(u, "/", sitecheck.site_bases())[0] for u in locs}
    for slug, _, draft in published_articles():
        assert (f"artikelen/{slug}/" in paths) != draft, slug
    assert "404.html" not in paths


# --- in the browser ------------------------------------------------------------------------


def test_axe_finds_violations_on_a_bad_page(page):
    """The harness itself: axe-core is injected and the WCAG tags select rules."""
    page.set_content('<html><body><img src="x.png"><a href="/x"></a></body></html>')
    ids = {v["id"] for v in sitecheck.axe_violations(page)}
    assert {"html-has-lang", "image-alt", "link-name"} <= ids, ids


def sideways(page, where: str) -> list[str]:
    """A problem when the page scrolls sideways, naming the text that sticks out."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow <= 0:
        return []
    culprits = page.evaluate("""() => {
        const out = [], walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n; (n = walk.nextNode());) {
            const r = document.createRange(); r.selectNodeContents(n);
            if (r.getBoundingClientRect().right > window.innerWidth)
                out.push(n.parentElement.tagName + ': ' + n.textContent.trim().slice(0, 40));
        }
        return out.slice(0, 5);
    }""")
    return [f"{where}: scrolls sideways by {overflow}px ({culprits})"]


def test_one_page_per_template_has_no_axe_violations(pages, site_url, page):
    chosen = sitecheck.one_page_per_template(pages)
    missing = FOUNDATION_TEMPLATES - set(chosen)
    assert not missing, f"templates not found in the output: {missing}"
    # A redirect page's meta refresh leaves it before axe could run; plugins/redirects/tests
    # runs axe on it with the refresh taken out.
    chosen.pop("redirect", None)
    requests, failed = [], []
    page.on("request", lambda r: requests.append(r.url))
    # the Content-Security-Policy (a meta tag from base.html) must not block the site's own
    # scripts, styles or images
    page.add_init_script("""window.__csp = [];
        document.addEventListener('securitypolicyviolation',
            (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));""")
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    problems = []
    for template, sample in sorted(chosen.items()):
        for label, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(site_url + sample.url)
            for v in sitecheck.axe_violations(page):
                problems.append(
                    f"{template} ({sample.url}, {label} {width}px): {v['id']} [{v['impact']}] "
                    f"{v['help']}: {v['targets']}\n    {v['summary']}"
                )
            problems += sideways(page, f"{template} ({sample.url}, {label})")
            problems += [
                f"{template} ({sample.url}): CSP blocked {v}" for v in page.evaluate("window.__csp")
            ]
        # WCAG 1.4.10 reflow: 320 CSS pixels wide without scrolling sideways
        page.set_viewport_size({"width": 320, "height": 640})
        page.goto(site_url + sample.url)
        problems += sideways(page, f"{template} ({sample.url}, 320px)")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    others = [u for u in requests if not u.startswith(site_url)]
    assert not others, f"requests to other hosts: {others}"
    assert not failed, f"the browser asked for files that are not there (favicon?): {failed}"
    assert not page.context.cookies()


def test_every_page_has_the_content_security_policy(site, pages):
    want = (
        '<meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;; script-src'
    )
    missing = [rel for rel in pages if want not in (site / rel).read_text()]
    assert not missing, missing


def test_skip_link_is_first_and_moves_focus(site_url, page):
    page.goto(site_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#inhoud"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the skip link is not visible when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"


def test_focus_is_visible_everywhere(site_url, page):
    """Tabbing through a page: every focused element shows an outline or a ring."""
    page.goto(site_url + "/artikelen/sociaal-werkkoepel-is-van-ons-allemaal/")
    count = page.evaluate(
        "document.querySelectorAll('a[href], button, input, select, textarea').length"
    )
    seen, missing = 0, []
    for _ in range(count):
        page.keyboard.press("Tab")
        state = page.evaluate("""() => {
            const el = document.activeElement, s = getComputedStyle(el);
            return {html: el.outerHTML.slice(0, 80), body: el === document.body,
                    visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
                             || s.boxShadow !== 'none'};
        }""")
        if state["body"]:
            break
        seen += 1
        if not state["visible"]:
            missing.append(state["html"])
    assert seen > 10 and not missing, (seen, missing)

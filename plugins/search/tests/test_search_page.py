"""The search page on the real site, in headless Chromium (fixtures from conftest.py)."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

LINK = ".search-result-link"


def results(page, minimum: int = 1) -> list[dict]:
    """The first results, in order: url, title, meta line, excerpt.

    Results load lazily, so wait until the first ``minimum`` (or all, if fewer) are loaded.
    """
    page.wait_for_function(
        """n => {
            const items = [...document.querySelectorAll('pagefind-results .pf-results > li')];
            const want = Math.min(n, items.length);
            return items.length > 0 && items.slice(0, want).every(li => li.matches('.search-result'));
        }""",
        arg=minimum,
    )
    return page.eval_on_selector_all(
        "pagefind-results .pf-results > li.search-result",
        """els => els.map(el => ({
            url: new URL(el.querySelector('a').href).pathname,
            title: el.querySelector('a').textContent.trim(),
            meta: (el.querySelector('.search-result-meta') || {textContent: ''}).textContent.trim(),
            excerpt: (el.querySelector('.search-result-excerpt') || {innerHTML: ''}).innerHTML,
        }))""",
    )


def test_every_indexed_page_has_the_body_and_a_date_sort_key(site):
    indexed = [p for p in site.rglob("*.html") if "data-pagefind-body" in p.read_text()]
    kinds = {p.relative_to(site).parts[0] for p in indexed}
    assert kinds == {"artikelen", "partners", "agenda", "nieuwsbrief"}
    for path in indexed:
        html = path.read_text()
        assert re.search(r'data-pagefind-sort="date:\d{4}-\d{2}-\d{2}"', html), path
        assert re.search(r"<main [^>]*data-pagefind-body", html), path
        assert "data-pagefind-body" not in html.split("<main", 1)[0]  # not header or nav


def test_pagefind_indexes_every_page_with_a_body(site):
    """Pagefind reads only the indexed types' files (``index_glob``): none may be missed."""
    indexed = [p for p in site.rglob("*.html") if "data-pagefind-body" in p.read_text()]
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["nl"]["page_count"] == len(indexed)


def test_hallowerk_finds_the_hallowerk_article_first(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=HalloWerk")
    first = results(page)[0]
    assert first["url"] == "/artikelen/hallowerk-direct-inzicht-in-klantenbestand-gemeente/"
    assert first["title"] == "HalloWerk; direct inzicht in klantenbestand gemeente"
    assert first["meta"] == "Artikel 1 mei 2020"
    assert "<mark>HalloWerk</mark>" in first["excerpt"]
    expect(page.locator("pagefind-input input")).to_have_value("HalloWerk")


def test_vegan_masters_finds_the_partner_and_the_article(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=Vegan%20Masters")
    urls = [r["url"] for r in results(page, 2)]
    assert "/partners/vegan-masters/" in urls[:3]
    assert "/artikelen/veganizen-in-coronatijd/" in urls[:3]


def test_werkgevers_finds_pages_that_say_werkgever(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=werkgevers")
    expect(page.locator("pagefind-summary")).to_contain_text("resultaten voor werkgevers")
    assert results(page, 3)
    excerpts = page.evaluate(
        """async () => {
            const pagefind = await import("/pagefind/pagefind.js");
            const search = await pagefind.search("werkgevers");
            return (await Promise.all(search.results.map((r) => r.data()))).map((d) => d.excerpt);
        }"""
    )
    # the singular is matched and highlighted: Dutch stemming, not just prefix matching
    assert any(re.search(r"<mark>werkgever</mark>", e, re.I) for e in excerpts)


def test_the_partner_facet_leaves_only_partners(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=werkgevers")
    before = {r["url"].split("/")[1] for r in results(page, 3)}
    assert len(before) > 1  # articles and partners
    page.get_by_role("checkbox", name=re.compile(r"^Partner\b")).check()
    page.wait_for_function(
        """() => {
            const links = [...document.querySelectorAll('.search-result-link')];
            return links.length > 0 && links.every(a => a.pathname.startsWith('/partners/'));
        }"""
    )
    after = results(page)
    assert all(r["url"].startswith("/partners/") and r["meta"] == "Partner" for r in after)


def test_a_nonsense_word_says_there_are_no_results_in_dutch(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=qwkzvb")
    expect(page.locator("pagefind-summary")).to_contain_text("Geen resultaten voor qwkzvb")
    assert page.locator(LINK).count() == 0


def test_newest_first_sorts_results_by_date(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=Doorstroomsessie")
    results(page, 3)
    page.get_by_label("Sorteren").select_option("desc")
    page.wait_for_function(
        "() => document.querySelector('.search-result-link')?.pathname === '/agenda/2024-03-26-job-event/'"
        " || document.querySelector('.search-result-meta')"
    )
    sort_keys = []
    for result in results(page, 3)[:3]:
        html = page.request.get(site_url + result["url"]).text()
        sort_keys.append(re.search(r'data-pagefind-sort="date:([\d-]+)"', html).group(1))
    assert sort_keys == sorted(sort_keys, reverse=True)


def test_the_header_form_leads_to_the_search_page(site_url, page):
    page.goto(f"{site_url}/artikelen/")
    field = page.get_by_role("searchbox", name="Zoeken op deze site")
    field.fill("HalloWerk")
    field.press("Enter")
    page.wait_for_url(re.compile(r"/zoeken/\?q=HalloWerk$"))
    assert results(page)[0]["url"].startswith("/artikelen/hallowerk")


def test_the_search_page_is_keyboard_usable(site_url, page):
    page.goto(f"{site_url}/zoeken/")
    field = page.get_by_role("searchbox", name="Doorzoek deze site")
    field.focus()
    page.keyboard.type("HalloWerk")
    results(page)
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.className")
    assert "search-result-link" in focused
    assert "q=HalloWerk" in page.url  # the address can be shared


def test_without_javascript_the_page_explains_and_links_on(browser, site_url):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{site_url}/zoeken/?q=HalloWerk")
    notice = page.locator(".search-nojs")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Zoeken werkt alleen met JavaScript")
    hrefs = notice.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert hrefs == ["/partners/", "/agenda/", "/artikelen/"]
    assert not page.locator(".search-tools").is_visible()
    context.close()

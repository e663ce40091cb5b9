"""The search page on the real site, in headless Chromium (fixtures from conftest.py)."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

LINK = ".search-result-link"
STATUS = "[data-search-status]"
RESULT = ".search-result-list > li.search-result"


def results(page) -> list[dict]:
    """The results shown, in order: url, title, meta line, excerpt (HTML).

    The page shows a batch of results at once, together with the status line, so wait for
    the status line and read the list. (Predicates are functions: Playwright evaluates a bare
    expression with eval, which the page's Content-Security-Policy refuses.)"""
    page.wait_for_function(f"() => document.querySelector('{STATUS}').textContent.trim() !== ''")
    return page.eval_on_selector_all(
        RESULT,
        """els => els.map(el => ({
            url: new URL(el.querySelector('a').href).pathname,
            title: el.querySelector('a').textContent.trim(),
            heading: el.querySelector('a').parentElement.tagName,
            meta: (el.querySelector('.search-result-meta') || {textContent: ''}).textContent.trim(),
            excerpt: (el.querySelector('.search-result-excerpt') || {innerHTML: ''}).innerHTML,
        }))""",
    )


def wait_for_new_results(page, before: str):
    page.wait_for_function(
        f"(before) => document.querySelector('{STATUS}').textContent !== before", arg=before
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
    expect(page.get_by_label("Zoekterm")).to_have_value("HalloWerk")


def test_result_titles_are_headings(site_url, page):
    """Screen-reader users jump from result to result by heading."""
    page.goto(f"{site_url}/zoeken/?q=Doorstroomsessie")
    shown = results(page)
    assert len(shown) >= 3 and all(r["heading"] == "H3" for r in shown)
    headings = page.get_by_role("heading", level=3).all_inner_texts()
    assert [r["title"] for r in shown] == headings
    # under the page's h1 and the (hidden) h2 "Resultaten": no skipped level
    assert page.get_by_role("heading", level=2, name="Resultaten").count() == 1


def test_vegan_masters_finds_the_partner_and_the_article(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=Vegan%20Masters")
    urls = [r["url"] for r in results(page)]
    assert "/partners/vegan-masters/" in urls[:3]
    assert "/artikelen/veganizen-in-coronatijd/" in urls[:3]


def test_werkgevers_finds_pages_that_say_werkgever(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=werkgevers")
    assert len(results(page)) == 10  # a first batch; more on request
    expect(page.locator(STATUS)).to_have_text(re.compile(r"^\d+ resultaten voor ‘werkgevers’$"))
    excerpts = page.evaluate(
        """async () => {
            const pagefind = await import("/pagefind/pagefind.js");
            const search = await pagefind.search("werkgevers");
            return (await Promise.all(search.results.map((r) => r.data()))).map((d) => d.excerpt);
        }"""
    )
    # the singular is matched and highlighted: Dutch stemming, not just prefix matching
    assert any(re.search(r"<mark>werkgever</mark>", e, re.I) for e in excerpts)


def test_more_results_are_added_on_request_and_get_focus(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=werkgevers")
    first = results(page)
    total = int(page.locator(STATUS).text_content().split()[0])
    assert total > 10
    page.get_by_role("button", name="Meer resultaten").click()
    page.wait_for_function(f"() => document.querySelectorAll('{RESULT}').length > 10")
    after = results(page)
    assert after[:10] == first and len(after) == min(20, total)
    assert page.evaluate("document.activeElement.pathname") == after[10]["url"]


def test_the_partner_facet_leaves_only_partners(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=werkgevers")
    before = {r["url"].split("/")[1] for r in results(page)}
    assert len(before) > 1  # articles and partners
    status = page.locator(STATUS).text_content()
    page.get_by_role("checkbox", name=re.compile(r"^Partner\b")).check()
    wait_for_new_results(page, status)
    after = results(page)
    assert after and all(
        r["url"].startswith("/partners/") and r["meta"] == "Partner" for r in after
    )
    expect(page.locator(STATUS)).to_contain_text("met filters")
    assert "Soort=Partner" in page.url  # the filter is in the address, too
    # "Filters wissen" brings the other types back
    status = page.locator(STATUS).text_content()
    page.get_by_role("button", name="Filters wissen").click()
    wait_for_new_results(page, status)
    assert {r["url"].split("/")[1] for r in results(page)} == before


def test_filters_and_sort_are_read_from_the_address(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=Doorstroomsessie&sorteren=oudste&Soort=Evenement")
    shown = results(page)
    assert shown and all(r["url"].startswith("/agenda/") for r in shown)
    expect(page.get_by_role("checkbox", name=re.compile(r"^Evenement\b"))).to_be_checked()
    expect(page.get_by_label("Sorteren")).to_have_value("oudste")
    assert shown[0]["url"] == "/agenda/2020-04-07-doorstroomsessie/"


def test_filters_show_counts_from_the_build_and_then_from_the_query(site, site_url, page):
    html = (site / "zoeken/index.html").read_text()
    for facet in ("Soort", "Soort partner", "Stadsdeel", "Soort evenement", "Jaar"):
        assert f"<summary>{facet}</summary>" in html, facet
    page.goto(f"{site_url}/zoeken/")
    partner = page.locator("label.search-option", has_text=re.compile(r"^\s*Partner\b"))
    expect(partner).to_have_text(re.compile(r"Partner \(13\)"))  # the 13 partners, before any query
    page.get_by_label("Zoekterm").fill("Vegan Masters")
    page.get_by_label("Zoekterm").press("Enter")
    results(page)
    expect(partner).not_to_have_text(re.compile(r"\(13\)"))


def test_filter_counts_and_reset_are_body_text_size(site_url, page):
    page.goto(f"{site_url}/zoeken/")
    sizes = page.evaluate(
        """() => ({
            body: getComputedStyle(document.body).fontSize,
            count: getComputedStyle(document.querySelector('.search-count')).fontSize,
            option: getComputedStyle(document.querySelector('label.search-option')).fontSize,
            reset: getComputedStyle(document.querySelector('[data-search-reset]')).fontSize,
            sort: getComputedStyle(document.getElementById('search-sort')).fontSize,
        })"""
    )
    assert set(sizes.values()) == {sizes["body"]}, sizes  # all at the body text's size


def test_a_nonsense_word_says_there_are_no_results_in_dutch(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=qwkzvb")
    results(page)
    expect(page.locator(STATUS)).to_have_text(
        "Geen resultaten voor ‘qwkzvb’. Probeer een ander woord."
    )
    assert page.locator(LINK).count() == 0


def test_newest_first_sorts_results_by_date(site_url, page):
    page.goto(f"{site_url}/zoeken/?q=Doorstroomsessie")
    by_relevance = [r["url"] for r in results(page)]
    status = page.locator(STATUS).text_content()
    page.get_by_label("Sorteren").select_option("nieuwste")
    page.wait_for_url(re.compile(r"sorteren=nieuwste"))
    page.wait_for_function(
        f"""(before) => [...document.querySelectorAll('{LINK}')].map(a => a.pathname).join() !== before""",
        arg=",".join(by_relevance),
    )
    assert page.locator(STATUS).text_content() == status  # the same results, in another order
    assert sorted(r["url"] for r in results(page)) == sorted(by_relevance)
    sort_keys = []
    for result in results(page)[:3]:
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
    field = page.get_by_role("searchbox", name="Zoekterm")
    field.focus()
    page.keyboard.type("HalloWerk")
    page.keyboard.press("Enter")
    first = results(page)[0]
    assert "q=HalloWerk" in page.url  # the address can be shared
    assert page.evaluate("document.activeElement.id") == "search-q"  # focus stays put
    for _ in range(40):  # the search button, sorting, the filters, then the results
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('search-result-link')"):
            break
    assert page.evaluate("document.activeElement.pathname") == first["url"]


def test_on_a_phone_the_filters_open_with_a_button(site_url, browser):
    context = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(f"{site_url}/zoeken/?q=werkgevers&Soort=Partner")
    results(page)
    panel = page.locator("#search-filters")
    toggle = page.get_by_role("button", name=re.compile(r"^Filteren"))
    expect(panel).to_be_hidden()  # the results come first on a small screen
    expect(toggle).to_have_text("Filteren (1 gekozen)")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(panel).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    context.close()


def test_nothing_of_pagefind_loads_before_the_first_query(site_url, page):
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(f"{site_url}/zoeken/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in fetched if "/pagefind/" in u], fetched
    page.get_by_label("Zoekterm").fill("HalloWerk")
    results(page)
    loaded = {u.split("/pagefind/", 1)[1].split("?")[0] for u in fetched if "/pagefind/" in u}
    assert {"pagefind.js", "wasm.nl.pagefind"} <= loaded
    assert not {"pagefind-component-ui.js", "pagefind-ui.js"} & loaded


def test_the_page_does_not_move_while_results_load(site_url, browser):
    """Cumulative layout shift on a phone with a query in the address (Lighthouse: < 0.05)."""
    context = browser.new_context(
        locale="nl-NL",
        viewport={"width": 412, "height": 823},
        device_scale_factor=1.75,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.add_init_script(
        """window.__cls = 0; window.__moved = [];
        new PerformanceObserver((list) => {
            for (const e of list.getEntries()) {
                window.__cls += e.value;
                window.__moved.push(e.value.toFixed(3) + ' at ' + Math.round(e.startTime) + ' ms: ' + e.sources.map(
                    s => s.node ? s.node.nodeName + '.' + (s.node.className || '') : '?').join(', '));
            }
        }).observe({type: 'layout-shift', buffered: true});"""
    )
    # Fonts first (a late web font reflows any page; that is not what this test is about)
    page.goto(f"{site_url}/zoeken/")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    for query in ("werkgevers", "qwkzvb", "HalloWerk&Soort=Artikel"):
        page.goto(f"{site_url}/zoeken/?q={query}")
        results(page)
        page.wait_for_timeout(200)
        assert page.evaluate("window.__cls") < 0.01, (query, page.evaluate("window.__moved"))
    context.close()


def test_without_javascript_the_page_explains_and_links_on(browser, site_url):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{site_url}/zoeken/?q=HalloWerk")
    notice = page.locator(".search-nojs")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Zoeken werkt alleen met JavaScript")
    hrefs = notice.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert hrefs == ["/partners/", "/agenda/", "/artikelen/"]
    assert not page.locator(".search-page").is_visible()
    context.close()


def indexed_fragments(site) -> list[dict]:
    """What Pagefind stored for each page: url and content (the text excerpts come from)."""
    import gzip

    out = []
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        out.append(json.loads(raw[raw.index(b"{") :]))
    return out


def test_what_is_indexed_reads_as_on_the_page(site, site_url, page):
    """Every word Pagefind indexed is a word a visitor reads on the page: labels and values
    that run together ("SoortGemeente", "Wanneerdinsdag") would show up in result snippets."""
    fragments = indexed_fragments(site)
    assert len(fragments) > 30
    problems = []
    for fragment in fragments:
        page.goto(site_url + fragment["url"])
        shown = set(re.findall(r"\w+", page.locator("main").inner_text()))
        glued = sorted(set(re.findall(r"\w+", fragment["content"])) - shown)
        if glued:
            problems.append(f"{fragment['url']}: {glued[:8]}")
    assert not problems, "\n".join(problems)
    partner = next(f for f in fragments if f["url"] == "/partners/wsp-groot-amsterdam/")
    assert "Soort: Gemeente. Stadsdeel: Regio." in partner["content"]
    event = next(f for f in fragments if f["url"] == "/agenda/2023-02-16-winter-event/")
    assert "Wanneer: donderdag 16 februari 2023. Waar: Tolhuistuin." in event["content"]
    assert "iCalendar" not in event["content"]  # the buttons are not text to search in

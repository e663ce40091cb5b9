"""The partner directory in headless Chromium, on the real content (fixtures in conftest.py)."""

from playwright.sync_api import expect


def visible_names(page):
    return page.locator("#partner-list > li:visible .card-title").all_inner_texts()


def static_names(page, url):
    page.goto(url)
    return page.locator("#partner-list > li .card-title").all_inner_texts()


def test_js_filter_narrows_the_list(page, site_url):
    gemeente = static_names(page, f"{site_url}/partners/soort/gemeente/")
    assert len(gemeente) == 3

    page.goto(f"{site_url}/partners/")
    total = len(visible_names(page))
    assert total == 13
    expect(page.locator("#partner-filter")).to_be_visible()

    page.select_option("#filter-soort", "gemeente")
    assert visible_names(page) == gemeente
    expect(page.locator("#partner-count")).to_have_text("3 van de 13 partners")

    page.select_option("#filter-stadsdeel", "regio")  # filters combine
    assert visible_names(page) == ["Werkgeversservicepunt Groot-Amsterdam (WSP)"]
    expect(page.locator("#partner-count")).to_have_text("1 van de 13 partners")

    page.select_option("#filter-soort", "werkgever")  # nobody: say so
    assert visible_names(page) == []
    expect(page.locator("#partner-empty")).to_be_visible()

    page.click("button[type=reset]")
    expect(page.locator("#partner-count")).to_have_text("13 partners")
    assert len(visible_names(page)) == total
    expect(page.locator("#partner-empty")).to_be_hidden()


def test_keyboard_user_can_filter(page, site_url):
    page.goto(f"{site_url}/partners/")
    status = page.locator("#partner-count")
    assert status.get_attribute("role") == "status"  # announced by screen readers

    # Tab from the top of the page to the kind select (through the chips and the name field)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "filter-soort":
            break
    else:
        raise AssertionError("the kind filter cannot be reached with Tab")
    page.keyboard.press("ArrowDown")  # the first kind (werkgever)
    assert page.eval_on_selector("#filter-soort", "e => e.value") == "werkgever"
    names = visible_names(page)
    assert names and len(names) < 13
    assert names == static_names(page.context.new_page(), f"{site_url}/partners/soort/werkgever/")
    expect(status).to_contain_text("van de 13 partners")

    # The name field works from the keyboard too: Shift+Tab back to it and type
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "filter-naam"
    page.keyboard.type("vegan")
    assert visible_names(page) == ["Vegan Masters"]

    # and the focus is visible
    outline = page.eval_on_selector("#filter-naam", "e => getComputedStyle(e).outlineStyle")
    assert outline != "none"

    # Enter (the form's submit button, which checkers ask for) goes to the result, not away
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "partner-count"
    assert page.url == f"{site_url}/partners/" and visible_names(page) == ["Vegan Masters"]


def test_without_javascript_the_chips_are_links_to_filter_pages(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/partners/")
    expect(page.locator("#partner-filter")).to_be_hidden()
    page.get_by_role("link", name="Werkgever (6)").click()
    assert page.url.endswith("/partners/soort/werkgever/")
    chip = page.locator("nav.filters a[aria-current=page]")
    expect(chip).to_have_text("Werkgever (6)")
    assert len(page.locator("#partner-list > li").all()) == 6
    context.close()


def test_nothing_shifts_when_the_filter_script_starts(page, site_url):
    """The form is there from the first paint: a slow script moves nothing (Lighthouse's CLS)."""
    import time

    def slow(route):
        time.sleep(0.5)
        route.continue_()

    page.route("**/partner-filter.js", slow)
    page.add_init_script("""window.__shift = 0; new PerformanceObserver(list => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
    }).observe({type: 'layout-shift', buffered: true});""")
    page.goto(f"{site_url}/partners/")
    expect(page.locator("#partner-count")).to_have_attribute(
        "aria-live", "polite"
    )  # the script ran
    page.wait_for_timeout(200)
    assert page.evaluate("window.__shift") < 0.01

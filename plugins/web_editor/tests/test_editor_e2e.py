"""End to end: Decap CMS in headless Chromium, against decap-server on a copy of the repository.

An editor logs in through the local backend, creates an event in the Dutch interface and
saves it. With ``publish_mode: editorial_workflow`` the entry lands on a ``cms/...`` branch
(a pull request on GitHub); we merge it as a reviewer would, check the content with the
build's validation and build the site.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from swk.build import validate
from tests.support import testing

SERVER = testing.ROOT / "node_modules" / ".bin" / "decap-server"
GIT_ID = {
    "GIT_AUTHOR_NAME": "Redactie",
    "GIT_AUTHOR_EMAIL": "redactie@example.org",
    "GIT_COMMITTER_NAME": "Redactie",
    "GIT_COMMITTER_EMAIL": "redactie@example.org",
}

pytestmark = pytest.mark.skipif(
    not SERVER.exists(), reason="npm packages missing: run `make test` (npm ci)"
)


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ID}
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env)
    if done.returncode:
        raise AssertionError(f"git {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return done.stdout


def settle(repo: Path, timeout: float = 45) -> None:
    """Wait until decap-server is back on main with a clean tree.

    In git mode it checks out the entry's branch, writes and commits there, then returns to
    main; the "Item opgeslagen" toast can appear before it has returned. When two of the
    editor's requests collide on git's index.lock, decap-server (a development tool) answers
    one with an error and stays on the entry's branch: after 3 quiet seconds there, with the
    entry committed and the tree clean, we go back to main for it.
    """
    deadline = time.monotonic() + timeout
    quiet_since = stuck_since = None
    while time.monotonic() < deadline:
        head = git(repo, "symbolic-ref", "--short", "HEAD").strip()
        # --no-optional-locks: git status would otherwise take index.lock to refresh the
        # index, and decap-server's own add or commit could fail on it
        busy = (repo / ".git" / "index.lock").exists() or git(
            repo, "--no-optional-locks", "status", "--porcelain"
        ).strip()
        if head.startswith("cms/") and not busy:
            stuck_since = stuck_since or time.monotonic()
            if time.monotonic() - stuck_since >= 3:  # may collide with decap-server: then again
                subprocess.run(
                    ["git", "-C", str(repo), "checkout", "-q", "main"], capture_output=True
                )
                stuck_since = None
        else:
            stuck_since = None
        if head != "main" or busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 1.5:  # the editor's follow-up requests are done too
            return
        time.sleep(0.1)
    status = git(repo, "--no-optional-locks", "status", "--porcelain").strip() or "clean"
    reflog = git(repo, "reflog", "-n", "12", "--date=iso")  # what checked out and committed when
    raise AssertionError(
        f"decap-server left {repo} on {head!r} or with changes ({status}); reflog:\n{reflog}"
    )


def wait_for_server(api: str, proc: subprocess.Popen, log: Path) -> dict:
    request = urllib.request.Request(
        api, data=b'{"action":"info"}', headers={"Content-Type": "application/json"}
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"decap-server stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(request, timeout=1) as response:
                return json.load(response)
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"decap-server did not answer on {api}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    """A git copy of the content, decap-server (git mode) on it, and the built /admin/."""
    tmp = tmp_path_factory.mktemp("editor")
    repo = tmp / "repo"
    shutil.copytree(testing.ROOT / "content", repo / "content")
    shutil.copytree(testing.ROOT / "newsletters", repo / "newsletters")
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Inhoud")

    port = testing.free_port()
    api = f"http://127.0.0.1:{port}/api/v1"
    log = tmp / "decap-server.log"
    env = {
        **os.environ,
        **GIT_ID,
        "BIND_HOST": "127.0.0.1",
        "PORT": str(port),
        "GIT_REPO_DIRECTORY": str(repo),
        "MODE": "git",  # the editorial workflow needs git mode
    }
    with log.open("w") as out:
        proc = subprocess.Popen([str(SERVER)], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        info = wait_for_server(api, proc, log)
        assert "editorial_workflow" in info["publish_modes"]
        with testing.env(SWK_NOW="2024-01-15T12:00"):
            site = testing.build_project(
                repo, OUTPUT_PATH=str(tmp / "site"), DECAP_LOCAL_BACKEND=api
            )
        with testing.serve(site) as url:
            yield {"repo": repo, "url": url, "tmp": tmp}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def open_editor(page, url: str):
    """Open /admin/ and log in through the local backend (once per browser context: Decap
    remembers the user)."""
    page.goto(f"{url}/admin/")
    login = page.get_by_role("button", name="Inloggen")
    agenda = page.get_by_role("link", name="Agenda")
    expect(login.or_(agenda).first).to_be_visible(timeout=20000)
    if login.is_visible():
        login.click()
    expect(agenda).to_be_visible(timeout=20000)


def field(page, label: str):
    """A form field by its label; optional fields carry " (optioneel)" after the label."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \(optioneel\))?$"))


def save(page):
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Item opgeslagen")).to_be_visible(timeout=20000)


def new_article(page, url: str, title: str, date: str, category: str, summary: str) -> None:
    """Open a new article in the editor and fill in the fields the contract requires."""
    open_editor(page, url)
    page.goto(f"{url}/admin/#/collections/articles/new")
    field(page, "Titel").fill(title)
    field(page, "Publicatiedatum").fill(date)
    field(page, "Rubriek").click()
    page.get_by_text(category, exact=True).click()
    field(page, "Samenvatting").fill(summary)


def merge(repo: Path, branch: str) -> None:
    """The reviewer merges the entry's pull request; GitHub then deletes its branch (left in
    place, decap-server keeps listing it as an unpublished entry, reading it on every load)."""
    git(repo, "merge", "-q", "--no-edit", branch)
    git(repo, "branch", "-D", branch)


def check(repo: Path):
    cols = validate(str(testing.ROOT / "pelicanconf.py"), testing.overrides(repo))
    assert [str(p) for p in cols.problems] == []
    return cols


def test_editor_lists_every_collection_in_dutch(editor, page):
    open_editor(page, editor["url"])
    for label in ("Artikelen", "Partners", "Agenda", "Nieuwsbrieven", "Vaste pagina's"):
        expect(page.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_text("Inhoudstypen")).to_be_visible()  # Dutch interface
    page.get_by_role("link", name="Agenda", exact=True).click()
    expect(page.get_by_text("Winter Event")).to_be_visible()


def test_event_created_in_the_editor_validates_and_is_built(editor, page):
    repo = editor["repo"]
    open_editor(page, editor["url"])
    page.goto(f"{editor['url']}/admin/#/collections/events/new")
    field(page, "Titel").fill("Netwerkontbijt Noord")
    field(page, "Begin").fill("2026-12-20")
    page.get_by_label("Begin: Tijd").fill("14:30")
    field(page, "Locatie").fill("Buurthuis Noord")
    partners = field(page, "Partners (organisatoren)")
    partners.click()
    partners.fill("Vegan")
    page.get_by_text("Vegan Masters", exact=True).click()
    save(page)

    settle(repo)
    slug = "2026-12-20-netwerkontbijt-noord"
    branch = f"cms/events/{slug}"
    rel = f"content/events/{slug}.md"
    assert branch in git(repo, "branch", "--list", "cms/*")
    text = git(repo, "show", f"{branch}:{rel}")
    assert "start: 2026-12-20T14:30\n" in text  # Amsterdam time as typed, no UTC conversion
    # editorial workflow: not on main before review
    assert not (repo / rel).exists() and not git(repo, "ls-tree", "main", "--", rel).strip()

    merge(repo, branch)  # the reviewer merges the pull request
    cols = validate(str(testing.ROOT / "pelicanconf.py"), testing.overrides(repo))
    event = cols.items["event"][slug]
    assert event.meta["title"] == "Netwerkontbijt Noord"
    assert event.meta["location"] == "Buurthuis Noord"
    assert event.meta["partners"] == ["vegan-masters"]
    assert (event.meta["start"].isoformat(), event.meta["start_all_day"]) == (
        "2026-12-20T14:30:00+01:00",
        False,
    )

    with testing.env(SWK_NOW="2026-12-01T12:00"):
        out = testing.build_project(repo, OUTPUT_PATH=str(editor["tmp"] / "after"))
    html = (out / "agenda" / slug / "index.html").read_text(encoding="utf-8")
    assert "Netwerkontbijt Noord" in html and "Buurthuis Noord" in html
    assert "20 december 2026" in html
    ics = out / "agenda.ics"
    if ics.exists():  # the agenda plugin (another branch) writes the calendar feed
        assert "Netwerkontbijt Noord" in ics.read_text(encoding="utf-8")


def test_new_newsletter_starts_as_draft_with_upcoming_events(editor, page):
    repo = editor["repo"]
    open_editor(page, editor["url"])
    page.goto(f"{editor['url']}/admin/#/collections/newsletters/new")
    field(page, "Titel (onderwerpregel)").fill("Nieuwsbrief 4")
    field(page, "Datum").fill("2026-12-01")
    save(page)
    settle(repo)
    slug = "2026-12-nieuwsbrief-4"
    text = git(repo, "show", f"cms/newsletters/{slug}:newsletters/{slug}.md")
    assert "events: upcoming\n" in text and "status: draft\n" in text
    assert "date: 2026-12-01\n" in text
    merge(repo, f"cms/newsletters/{slug}")
    cols = validate(str(testing.ROOT / "pelicanconf.py"), testing.overrides(repo))
    issue = cols.items["newsletter"][slug]
    assert issue.meta["events"] == "upcoming" and issue.is_draft


def test_all_day_and_three_day_events_made_in_the_editor(editor, page):
    """The real events are all-day; before the date widget the editor could not make one."""
    import icalendar

    repo = editor["repo"]
    open_editor(page, editor["url"])
    made = [
        ("Doorstroomsessie december", "2026-12-10", None, "donderdag 10 december 2026"),
        (
            "Harrie-training",
            "2026-12-01",
            "2026-12-03",
            "dinsdag 1 december 2026 tot en met donderdag 3 december 2026",
        ),
    ]
    for title, start, end, when in made:
        page.goto(f"{editor['url']}/admin/#/collections/events/new")
        field(page, "Titel").fill(title)
        if end:
            field(page, "Einde").fill("2026-11-30")  # before the start (typed after it): refused
        field(page, "Begin").fill(start)
        field(page, "Locatie").fill("Tolhuistuin")
        if end:
            page.get_by_role("button", name="Opslaan", exact=True).click()
            expect(page.get_by_text("Het einde ligt vóór het begin")).to_be_visible(timeout=20000)
            field(page, "Einde").fill(end)
        # the preview pane shows the site's date line
        expect(page.frame_locator("iframe").locator(".facts time")).to_have_text(
            when, timeout=20000
        )
        save(page)
        settle(repo)

    slugs = {
        "2026-12-10-doorstroomsessie-december": ("2026-12-10", None),
        "2026-12-01-harrie-training": ("2026-12-01", "2026-12-03"),
    }
    for slug, (start, end) in slugs.items():
        text = git(repo, "show", f"cms/events/{slug}:content/events/{slug}.md")
        assert f"start: {start}\n" in text
        assert (f"end: {end}\n" in text) if end else "end:" not in text
        merge(repo, f"cms/events/{slug}")
    events = check(repo).items["event"]
    for slug in slugs:
        assert events[slug].meta["start_all_day"] is True
    assert events["2026-12-01-harrie-training"].meta["end_all_day"] is True

    with testing.env(SWK_NOW="2026-11-01T12:00"):
        out = testing.build_project(repo, OUTPUT_PATH=str(editor["tmp"] / "all-day"))
    agenda = (out / "agenda" / "index.html").read_text(encoding="utf-8")
    for title, _, _, when in made:
        assert title in agenda and when in agenda
    calendar = icalendar.Calendar.from_ical((out / "agenda.ics").read_bytes())
    found = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    one, three = found["Doorstroomsessie december"], found["Harrie-training"]
    assert one["DTSTART"].params["VALUE"] == "DATE" and str(one["DTSTART"].dt) == "2026-12-10"
    assert three["DTSTART"].params["VALUE"] == "DATE" and str(three["DTSTART"].dt) == "2026-12-01"
    assert str(three["DTEND"].dt) == "2026-12-04"  # exclusive: through 3 December


GIT_WRITTEN = {
    # written in Git, in forms the widget does not write itself: they must keep their meaning
    "2026-05-01-met-offset": "start: 2026-05-01T10:00:00+02:00\nend: 2026-05-01\n",
    "2026-05-02-in-utc": "start: 2026-05-02T08:30:00Z\nend: 2026-05-02T12:00\n",
    "2026-05-04-drie-dagen": "start: 2026-05-04\nend: 2026-05-06\npublish: 2026-04-01\n",
}


def test_events_written_in_git_open_and_save_without_changing_meaning(editor, page):
    repo = editor["repo"]
    for slug, dates in GIT_WRITTEN.items():
        testing.write(
            repo / "content" / "events" / f"{slug}.md",
            f"---\ntitle: Uit Git {slug}\n{dates}location: Tolhuistuin\n---\nTekst.\n",
        )
    git(repo, "add", "content/events")
    git(repo, "commit", "-q", "-m", "Evenementen uit Git")
    before = {s: check(repo).items["event"][s].meta for s in GIT_WRITTEN}

    for slug in GIT_WRITTEN:
        open_editor(
            page, editor["url"]
        )  # a fresh load: Decap keeps the open entry on a hash change
        page.goto(f"{editor['url']}/admin/#/collections/events/entries/{slug}")
        field(page, "Samenvatting").fill("Bewerkt in de webeditor.")
        save(page)
        settle(repo)
        merge(repo, f"cms/events/{slug}")
    after = check(repo).items["event"]
    for slug, meta in before.items():
        for name in ("start", "start_all_day", "end", "end_all_day", "publish", "publish_all_day"):
            assert after[slug].meta.get(name) == meta.get(name), (slug, name)
        assert after[slug].meta["summary"] == "Bewerkt in de webeditor."


def test_article_preview_shows_what_the_site_shows(editor, page):
    repo = editor["repo"]
    new_article(
        page,
        editor["url"],
        "Werk dat past",
        "2024-01-10",
        "Interview",
        "Een werkgever en een jobcoach over de eerste maanden.",
    )
    preview = page.frame_locator("iframe")
    expect(preview.locator("h1")).to_have_text("Werk dat past", timeout=20000)
    shown = {
        sel: preview.locator(sel).inner_text()
        for sel in ("h1", ".meta time", ".lead", ".meta .label")
    }
    assert shown[".meta time"] == "10 januari 2024"
    styles = preview.locator("h1").evaluate(STYLE)
    assert preview.locator('link[href$="/theme/css/site.min.css"]').count() == 1  # the City's look
    save(page)
    settle(repo)
    merge(repo, "cms/articles/werk-dat-past")

    with testing.env(SWK_NOW="2024-01-15T12:00"):
        out = testing.build_project(repo, OUTPUT_PATH=str(editor["tmp"] / "article"))
    with testing.serve(out) as url:
        page.goto(f"{url}/artikelen/werk-dat-past/")
        site = page.locator("article.article")
        assert {sel: site.locator(sel).first.inner_text() for sel in shown} == shown
        assert site.locator("h1").evaluate(STYLE) == styles


def test_a_nested_list_typed_in_the_editor_is_nested_on_the_site(editor, page):
    """Decap writes a sub-list indented by two spaces (remark's CommonMark); the site reads
    bodies as CommonMark, so the list the editor saw is the list the visitor sees."""
    repo = editor["repo"]
    new_article(
        page, editor["url"], "Wie de koepel helpt", "2024-01-11", "Nieuws", "Een lijst erin."
    )
    page.locator("[data-slate-editor=true]").click()  # the body, in the rich-text mode
    keys = page.keyboard
    keys.type("De koepel helpt:")
    keys.press("Enter")
    page.get_by_role("button", name="Lijst met opsommingstekens").click()
    keys.type("werkgevers")
    keys.press("Enter")
    keys.press("Tab")  # one level deeper, as an editor does it
    keys.type("sociale firma's")
    keys.press("Enter")
    keys.type("bedrijven")
    keys.press("Enter")
    keys.press("Shift+Tab")
    keys.type("gemeente")
    save(page)
    settle(repo)
    slug = "wie-de-koepel-helpt"
    text = git(repo, "show", f"cms/articles/{slug}:content/articles/{slug}.md")
    assert "\n* werkgevers\n\n  * sociale firma's\n  * bedrijven\n* gemeente\n" in text
    merge(repo, f"cms/articles/{slug}")

    with testing.env(SWK_NOW="2024-01-15T12:00"):
        out = testing.build_project(repo, OUTPUT_PATH=str(editor["tmp"] / "nested"))
    with testing.serve(out) as url:
        page.goto(f"{url}/artikelen/{slug}/")
        outer = page.locator("article.article .prose > ul > li")
        expect(outer).to_have_count(2)
        expect(outer.first.locator("> ul > li")).to_have_text(["sociale firma's", "bedrijven"])
        expect(outer.nth(1)).to_have_text("gemeente")


# what the site's stylesheet decides about a heading (not its size: that follows the width)
STYLE = "el => { const s = getComputedStyle(el); return [s.fontFamily, s.fontWeight, s.color, s.lineHeight !== ''] }"


def test_the_previews_date_lines_are_the_agendas(editor, page):
    """editor.js ports content_model.eventtext.when_text and place_text; same values, same words."""
    from types import SimpleNamespace

    from content_model.clock import parse_datetime, site_zone
    from content_model.eventtext import place_text, when_text

    pairs = [
        ("2023-02-16", None),
        ("2023-02-16T15:00", None),
        ("2023-02-16T15:00", "2023-02-16T18:00"),
        ("2023-02-16T15:00", "2023-02-16T15:00"),
        ("2023-02-16", "2023-02-16"),
        ("2023-02-16T15:00", "2023-02-16"),
        ("2023-02-16", "2023-02-18"),
        ("2023-02-16T15:00", "2023-02-18T12:00"),
        ("2023-02-16", "2023-02-18T12:00"),
        ("2023-02-16T15:00:30", "2023-02-18"),
        ("2023-03-26T01:30:00+01:00", "2023-03-26T03:30"),
        ("2023-10-29T00:30:00Z", None),
        ("2024-12-31T23:00", "2025-01-01 01:00"),
    ]
    pairs += [
        (f"2023-{m:02d}-{d:02d}", None) for m in range(1, 13) for d in (1, 9)
    ]  # every month and weekday

    def python(start, end):
        s, s_all = parse_datetime(start, site_zone())
        e, e_all = parse_datetime(end, site_zone()) if end else (None, False)
        return when_text(SimpleNamespace(start=s, start_all_day=s_all, end=e, end_all_day=e_all))

    page.goto(f"{editor['url']}/admin/")
    page.wait_for_function("window.SWK_EDITOR")
    js = page.evaluate("pairs => pairs.map(([s, e]) => SWK_EDITOR.whenText(s, e))", pairs)
    assert js == [python(s, e) for s, e in pairs]
    # Decap reads "...Z" timestamps as Date objects
    assert page.evaluate("SWK_EDITOR.whenText(new Date('2023-10-29T00:30:00Z'))") == python(
        "2023-10-29T00:30:00Z", None
    )
    places = [("Tolhuistuin", False), ("Tolhuistuin", True), ("", True), ("", False)]
    assert page.evaluate("ps => ps.map(([l, o]) => SWK_EDITOR.placeText(l, o))", places) == [
        place_text(SimpleNamespace(location=loc or None, online=on)) or "" for loc, on in places
    ]


def test_a_newsletters_events_upcoming_chosen_or_none(editor, page):
    """Every value the contract allows for a newsletter's events: 'upcoming', a list, none."""
    repo = editor["repo"]
    slug = "2020-05-nieuwsbrief-3"
    rel = f"newsletters/{slug}.md"
    assert "events: [2020-06-25-zomerevent]" in (repo / rel).read_text()
    steps = [
        ("De komende evenementen", "events: upcoming\n"),
        ("Geen evenementen", None),
        ("Zelf gekozen evenementen", "events:\n  - 2023-02-16-winter-event\n"),
    ]
    for n, (choice, expected) in enumerate(steps):
        open_editor(page, editor["url"])
        page.goto(f"{editor['url']}/admin/#/collections/newsletters/entries/{slug}")
        if n == 0:  # the list written in Git, shown as chosen
            expect(page.get_by_label("Zelf gekozen evenementen")).to_be_checked(timeout=20000)
            expect(page.get_by_text("Zomerevent (digitaal)", exact=True)).to_be_visible(
                timeout=20000
            )
        page.get_by_label(choice).check()
        if choice.startswith("Zelf"):
            events = field(page, "Evenementen")
            events.click()
            events.fill("Winter")
            page.get_by_text("Winter Event", exact=True).click()
        save(page)
        settle(repo)
        merge(repo, f"cms/newsletters/{slug}")
        text = (repo / rel).read_text()
        if expected:
            assert expected in text, text
        else:
            assert "events:" not in text or 'events: ""' in text, text  # empty: no events
        item = check(repo).items["newsletter"][slug]
        assert item.meta.get("events") == {
            "De komende evenementen": "upcoming",
            "Geen evenementen": None,
        }.get(choice, ["2023-02-16-winter-event"])

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
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from swk import testing
from swk.build import validate

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


def settle(repo: Path, timeout: float = 20) -> None:
    """Wait until decap-server is back on main with a clean tree.

    In git mode it checks out the entry's branch, writes and commits there, then returns to
    main; the "Item opgeslagen" toast can appear before it has returned.
    """
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        head = git(repo, "symbolic-ref", "--short", "HEAD").strip()
        busy = (repo / ".git" / "index.lock").exists() or git(repo, "status", "--porcelain").strip()
        if head != "main" or busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 1.5:  # the editor's follow-up requests are done too
            return
        time.sleep(0.1)
    raise AssertionError(f"decap-server left {repo} on {head!r} or with changes")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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

    port = free_port()
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
    page.goto(f"{url}/admin/")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("link", name="Agenda")).to_be_visible(timeout=20000)


def field(page, label: str):
    """A form field by its label; optional fields carry " (optioneel)" after the label."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \(optioneel\))?$"))


def save(page):
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Item opgeslagen")).to_be_visible(timeout=20000)


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
    field(page, "Begin").fill("2026-12-20T14:30")
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

    git(repo, "merge", "-q", "--no-edit", branch)  # the reviewer merges the pull request
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
    git(repo, "merge", "-q", "--no-edit", f"cms/newsletters/{slug}")
    cols = validate(str(testing.ROOT / "pelicanconf.py"), testing.overrides(repo))
    issue = cols.items["newsletter"][slug]
    assert issue.meta["events"] == "upcoming" and issue.is_draft

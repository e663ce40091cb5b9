"""Partner applications: the form on /partner-worden/ in headless Chromium, the real service,
a real Git repository and aiosmtpd. A valid application becomes a draft partner file on a
new branch cms/partners/<slug> that passes `python -m swk check`, stays off the built site
until an editor publishes it, and carries no personal data; bad input stores nothing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import httpx
import pytest
import yaml

from service.proposals import DECAP_DRAFT_LABEL, DECAP_PR_BODY, GitHub
from tests.support.testing import (
    ROOT,
    RunningService,
    build_project,
    make_project,
    serve,
    smtp_server,
    write,
)

PARTNER = "---\ntitle: Vegan Masters\nkind: sociale-firma\n---\nEen sociale firma.\n"


def git(repo, *args) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("partner")
    repo = make_project(tmp / "repo", {"content/partners/vegan-masters.md": PARTNER})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(
        repo,
        "-c",
        "user.name=Redactie",
        "-c",
        "user.email=redactie@example.org",
        "commit",
        "-qm",
        "Begin",
    )
    with smtp_server() as inbox:
        data = tmp / "data"
        data.mkdir()
        running = RunningService(
            {
                "SWK_SERVICE_MODE": "local",
                "SWK_PARTNER_REPO": str(repo),
                "SWK_OFFICE_EMAIL": "kantoor@example.org",
                **inbox.env,
            },
            data,
        )
        out = build_project(
            make_project(tmp / "site", {"content/partners/vegan-masters.md": PARTNER}),
            SERVICE_URL=running.url,
        )
        with serve(out) as site:
            running.env["SWK_SITE_URL"] = site
            running.start()
            try:
                yield running, inbox, site, repo, tmp
            finally:
                running.stop()


def applications(running) -> list[dict]:
    with sqlite3.connect(running.data_dir / "service.sqlite") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM partner_applications ORDER BY id")]


def test_an_application_becomes_a_draft_on_its_own_branch(setup, browser):
    running, inbox, site, repo, tmp = setup
    main_before = git(repo, "rev-parse", "main")
    page = browser.new_page(locale="nl-NL")
    page.goto(site + "/partner-worden/")
    assert "Aanmelden als partner" in page.locator("main").inner_text()
    page.get_by_label("Naam van de organisatie").fill("De Groene Keuken")
    page.get_by_label("Soort organisatie").select_option("sociale-firma")
    page.get_by_label("Stadsdeel").select_option("Nieuw-West")
    page.get_by_label("Sector").fill("Horeca")
    page.get_by_role("textbox", name="Website (niet verplicht)").fill(
        "https://www.degroenekeuken.example"
    )
    page.get_by_label("Over uw organisatie").fill("Een restaurant waar mensen het vak leren.")
    page.get_by_label("Naam", exact=True).fill("Petra Pieters")
    page.get_by_label("E-mailadres").fill("petra@degroenekeuken.example")
    page.get_by_label("Telefoonnummer").fill("06 1234 5678")
    page.get_by_label("Ja, gebruik deze gegevens").check()
    page.get_by_role("button", name="Aanmelding versturen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Dank u wel voor uw aanmelding"

    # a new branch with one commit adding the draft; main and the working tree untouched
    assert git(repo, "rev-parse", "main") == main_before
    assert git(repo, "status", "--porcelain") == ""
    branch = "cms/partners/de-groene-keuken"
    assert (
        git(repo, "diff", "--name-only", f"main..{branch}")
        == "content/partners/de-groene-keuken.md"
    )
    text = git(repo, "show", f"{branch}:content/partners/de-groene-keuken.md")
    meta = yaml.safe_load(text.split("---")[1])
    assert meta == {
        "title": "De Groene Keuken",
        "kind": "sociale-firma",
        "sector": "Horeca",
        "district": "Nieuw-West",
        "website": "https://www.degroenekeuken.example",
        "status": "draft",
    }
    for personal in ("Petra", "petra@", "1234 5678"):  # the contact person stays out of Git
        assert personal not in text and personal not in git(
            repo, "log", "--all", "--format=%an %ae %B"
        )

    # the branch passes the content check, and the draft is not on the built site
    checkout = tmp / "checkout"
    git(repo, "worktree", "add", "-q", str(checkout), branch)
    conf = write(
        checkout / "checkconf.py",
        f"""
        from pelicanconf import *
        PATH = {str(checkout / "content")!r}
        NEWSLETTER_PATH = {str(checkout / "newsletters")!r}
        OUTPUT_PATH = {str(checkout / "output")!r}
        """,
    )
    check = subprocess.run(
        [sys.executable, "-m", "swk", "check", "-s", str(conf)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    out = build_project(checkout)
    assert (
        not (out / "partners/de-groene-keuken").exists()
        and (out / "partners/vegan-masters/index.html").exists()
    )
    # an editor publishes it: then it is on the site
    entry = checkout / "content/partners/de-groene-keuken.md"
    entry.write_text(entry.read_text().replace("status: draft", "status: published"))
    assert (
        "De Groene Keuken"
        in (build_project(checkout) / "partners/de-groene-keuken/index.html").read_text()
    )

    # the office's mail has the contact person; the database keeps them, not Git
    mail = inbox.wait_for("kantoor@example.org")[0]
    assert mail["Subject"] == "Aanmelding als partner: De Groene Keuken"
    assert "Petra Pieters" in mail.get_content() and branch in mail.get_content()
    assert applications(running)[0]["state"] == "voorgesteld"

    # the same organisation again: a branch of its own, never over the first
    again = post(running, site)
    assert again.status_code == 200
    assert git(repo, "rev-parse", "--verify", "cms/partners/de-groene-keuken-2")


def post(running, site, **fields):
    html = httpx.get(site + "/partner-worden/").text
    import re

    data = {
        "organisation": "De Groene Keuken",
        "kind": "sociale-firma",
        "district": "",
        "sector": "",
        "website": "",
        "description": "",
        "contact_name": "Piet",
        "contact_email": "piet@example.org",
        "contact_phone": "",
        "consent": "ja",
        **{
            n: re.search(rf'name="{n}" value="([^"]*)"', html).group(1)
            for n in ("consent_version", "privacy_version")
        },
        **fields,
    }
    return httpx.post(
        running.url + "/partners/aanmelden",
        data={k: v for k, v in data.items() if v is not None},
        headers={"Origin": site},
    )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"organisation": ""}, "Vul de naam van de organisatie in."),
        ({"kind": "bakkerij"}, "Kies een soort organisatie uit de lijst."),
        ({"district": "Amstelveen"}, "Kies een stadsdeel uit de lijst"),
        ({"website": "www.voorbeeld.nl"}, "Dit is geen webadres"),
        ({"contact_email": "piet"}, "Dit is geen geldig e-mailadres"),
        ({"contact_phone": "bel me"}, "Dit is geen telefoonnummer"),
        ({"consent": None}, "Vink het vakje aan"),
        ({"organisation": "A\nB"}, "kan geen stuurtekens of regeleinden bevatten"),
    ],
)
def test_bad_applications_are_refused_in_dutch_and_store_nothing(setup, fields, message):
    running, inbox, site, repo, tmp = setup
    before, branches = len(applications(running)), git(repo, "branch", "--list")
    resp = post(running, site, **fields)
    assert resp.status_code == 400 and message in resp.text and 'role="alert"' in resp.text
    assert len(applications(running)) == before and git(repo, "branch", "--list") == branches


def test_github_requests_are_the_ones_decap_makes():
    """The GitHub path, at the level of its requests (httpx's MockTransport: no network)."""
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        seen.append((request.method, request.url.path, body))
        if request.url.path.endswith("/git/ref/heads/main"):
            return httpx.Response(200, json={"object": {"sha": "abc123"}})
        if request.url.path.endswith("/pulls"):
            return httpx.Response(
                201, json={"number": 7, "html_url": "https://github.com/o/r/pull/7"}
            )
        if request.method == "GET":
            return httpx.Response(404, json={})
        return httpx.Response(201 if request.method == "POST" else 200, json={})

    client = httpx.Client(base_url="https://api.github.com", transport=httpx.MockTransport(handler))
    hub = GitHub("o/r", "t", "main", client=client)
    assert not hub.taken("cms/partners/x", "content/partners/x.md")
    seen.clear()
    assert (
        hub.propose(
            "cms/partners/x", "content/partners/x.md", "---\ntitle: X\n---\n", "Create Partners “x”"
        )
        == "https://github.com/o/r/pull/7"
    )
    assert [(m, p) for m, p, _ in seen] == [
        ("GET", "/repos/o/r/git/ref/heads/main"),
        ("POST", "/repos/o/r/git/refs"),
        ("PUT", "/repos/o/r/contents/content/partners/x.md"),
        ("POST", "/repos/o/r/pulls"),
        ("POST", "/repos/o/r/issues/7/labels"),
    ]
    assert seen[1][2] == {"ref": "refs/heads/cms/partners/x", "sha": "abc123"}
    assert (
        seen[2][2]["branch"] == "cms/partners/x"
        and seen[2][2]["content"] == "LS0tCnRpdGxlOiBYCi0tLQo="
    )
    assert seen[3][2] == {
        "title": "Create Partners “x”",
        "body": DECAP_PR_BODY,
        "head": "cms/partners/x",
        "base": "main",
    }
    assert seen[4][2] == {"labels": [DECAP_DRAFT_LABEL]}

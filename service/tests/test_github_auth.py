"""The web editor's GitHub login through the site service (service/github_auth.py).

Everything is real except GitHub: the service runs as a process under uvicorn, the site is
built with the real plugins and served on 127.0.0.1, Decap CMS runs in headless Chromium.
GitHub cannot be reached from here, so the service's ``GITHUB_OAUTH_URL`` points at
``GitHubStandIn`` on 127.0.0.1, which plays exactly two steps of GitHub's OAuth App flow: the
authorize page (approve, or deny with ``error=access_denied``) and the code-for-token
exchange. GitHub's API, which Decap calls next with the token, is not played: the test
watches that request leave the browser (carrying the token) and stops it there.
"""

from __future__ import annotations

import http.server
import json
import secrets
import socketserver
import threading
import time
import urllib.parse
from contextlib import contextmanager
from types import SimpleNamespace

import httpx
import pytest
from playwright.sync_api import expect

from service.config import Config
from service.github_auth import GitHubLogin
from tests.support import testing
from tests.support.testing import DECAP_DIST as DEFAULT_DIST

pytestmark = pytest.mark.skipif(
    not (DEFAULT_DIST / "decap-cms.js").exists(), reason="npm packages missing: run `make test`"
)

CLIENT_ID = "Iv1.standin"
CLIENT_SECRET = "standin-secret-" + "x" * 24


class GitHubStandIn(http.server.BaseHTTPRequestHandler):
    """GitHub's ``/login/oauth/authorize`` and ``/login/oauth/access_token``, nothing else."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        gh = self.server.github
        if url.path != "/login/oauth/authorize" or query.get("client_id") != CLIENT_ID:
            self.send_error(404)
            return
        gh.authorize_requests.append(query)
        if gh.deny:
            back = {
                "error": "access_denied",
                "error_description": "The user has denied your application access.",
                "state": query["state"],
            }
        else:
            code = secrets.token_hex(10)
            gh.codes[code] = query["redirect_uri"]
            back = {"code": code, "state": query["state"]}
        self.send_response(302)
        self.send_header("Location", query["redirect_uri"] + "?" + urllib.parse.urlencode(back))
        self.end_headers()

    def do_POST(self):
        gh = self.server.github
        length = int(self.headers.get("Content-Length", 0))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        gh.token_requests.append(form)
        ok = (
            self.path == "/login/oauth/access_token"
            and form.get("client_id") == CLIENT_ID
            and form.get("client_secret") == CLIENT_SECRET
            and gh.codes.pop(form.get("code"), None) == form.get("redirect_uri")
        )
        body = (
            {"access_token": gh.token, "token_type": "bearer", "scope": "repo"}
            if ok
            else {"error": "bad_verification_code"}
        )
        data = json.dumps(body).encode()
        self.send_response(200)  # GitHub answers 200 with an "error" field too
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def github_stand_in():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), GitHubStandIn)
    server.daemon_threads = True
    server.github = SimpleNamespace(
        deny=False,
        codes={},
        authorize_requests=[],
        token_requests=[],
        token="gho_" + secrets.token_hex(18),
        url=f"http://127.0.0.1:{server.server_address[1]}",
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.github
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def login(tmp_path_factory):
    """The stand-in, the site (its /admin/ logs in through the service) and the service."""
    tmp = tmp_path_factory.mktemp("login")
    project = testing.make_project(
        tmp / "project", {"content/articles/goed.md": testing.ARTICLE}, with_pages=False
    )
    site = tmp / "site"
    with (
        github_stand_in() as gh,
        testing.serve(site) as site_url,
        testing.service(
            tmp / "data",
            SWK_SITE_URL=site_url,
            GITHUB_CLIENT_ID=CLIENT_ID,
            GITHUB_CLIENT_SECRET=CLIENT_SECRET,
            GITHUB_OAUTH_URL=gh.url,
        ) as svc,
    ):
        testing.build_project(
            project, OUTPUT_PATH=str(site), DECAP_LOCAL_BACKEND=False, SERVICE_URL=svc.url
        )
        yield SimpleNamespace(gh=gh, site_url=site_url, svc=svc, tmp=tmp)


@pytest.fixture
def fresh(login):
    login.gh.deny = False
    login.gh.authorize_requests.clear()
    login.gh.token_requests.clear()
    return login


def log_in(page, site_url: str):
    """Open the web editor and choose "Inloggen met GitHub"; returns the login window."""
    page.goto(f"{site_url}/admin/")
    with page.expect_popup() as popup:
        page.get_by_role("button", name="Inloggen met GitHub").click()
    return popup.value


def test_decap_logs_in_through_the_service_and_holds_the_token(fresh, page):
    gh, svc = fresh.gh, fresh.svc
    stopped = []
    # GitHub's API is not played: the first request Decap makes with the token is stopped here
    page.context.route(
        "https://api.github.com/**", lambda route: (stopped.append(route.request), route.abort())
    )
    with page.expect_request(
        lambda r: r.url.startswith("https://api.github.com/"), timeout=20000
    ) as api:
        window = log_in(page, fresh.site_url)
    assert api.value.headers["authorization"] == f"token {gh.token}"
    # the service asked GitHub for exactly this site's login, and exchanged the code once
    asked = gh.authorize_requests[0]
    assert asked["redirect_uri"] == f"{svc.url}/auth/github/callback" and asked["scope"] == "repo"
    assert [r["client_secret"] for r in gh.token_requests] == [CLIENT_SECRET]
    if not window.is_closed():  # Decap closes the login window as it takes the token
        window.wait_for_event("close", timeout=10000)
    assert gh.token not in svc.output() and CLIENT_SECRET not in svc.output()


def test_access_denied_on_github_is_refused_and_decap_says_why(fresh, page):
    fresh.gh.deny = True
    log_in(page, fresh.site_url)
    expect(page.get_by_text("GitHub gaf geen toestemming", exact=False)).to_be_visible(
        timeout=20000
    )
    assert fresh.gh.token_requests == []  # nothing to exchange


def test_the_token_goes_to_the_sites_origin_only(fresh, page, tmp_path):
    """A page on another origin opens the login window and begs for the token: it gets nothing."""
    testing.write(
        tmp_path / "elders.html",
        """
        <!DOCTYPE html><html lang="nl"><title>Elders</title><script>
        window.received = [];
        window.addEventListener("message", function (e) { window.received.push(String(e.data)); });
        function login(url) {
          var w = window.open(url, "login", "width=600,height=600");
          setInterval(function () { try { w.postMessage("authorizing:github", "*"); } catch (e) {} }, 50);
        }
        </script></html>
        """,
    )
    with testing.serve(tmp_path) as elsewhere:
        page.goto(f"{elsewhere}/elders.html")
        with page.expect_popup() as popup:
            page.evaluate(
                "url => login(url)", f"{fresh.svc.url}/auth/github?provider=github&scope=repo"
            )
        window = popup.value
        # GitHub (the stand-in) approved and the service got the token: the window holds it...
        expect(window.locator("#login-alone")).to_be_visible(timeout=20000)
        assert len(fresh.gh.token_requests) == 1
        # ...and gave it to no one: not to this origin, whatever it posts
        assert page.evaluate("window.received") == []
        assert "webeditor van de site" in window.locator("#login-alone").inner_text()


def _start(client: httpx.Client, svc) -> str:
    """Begin a login; returns the state the service sent to GitHub."""
    answer = client.get(f"{svc.url}/auth/github", params={"provider": "github", "scope": "repo"})
    assert answer.status_code == 302
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.headers["location"]).query))[
        "state"
    ]


def test_a_wrong_or_missing_state_is_refused(fresh):
    svc, gh = fresh.svc, fresh.gh
    with httpx.Client() as browser:
        state = _start(browser, svc)
        cookie = browser.cookies.get("swk-github-state")
        head = browser.get(f"{svc.url}/auth/github", params={"provider": "github"}).headers[
            "set-cookie"
        ]
        assert (
            "HttpOnly" in head
            and "SameSite=lax" in head
            and "Max-Age=600" in head
            and "Path=/" in head
        )
        assert "Secure" not in head  # local mode is plain http; production sets Secure and __Host-
        wrong = browser.get(
            f"{svc.url}/auth/github/callback", params={"code": "abc", "state": state + "x"}
        )
    with httpx.Client() as other_browser:  # the right state, but not the browser that began
        stolen = other_browser.get(
            f"{svc.url}/auth/github/callback", params={"code": "abc", "state": state}
        )
    with httpx.Client(cookies={"swk-github-state": cookie.replace(".", "x.", 1)}) as forged:
        tampered = forged.get(
            f"{svc.url}/auth/github/callback", params={"code": "abc", "state": state}
        )
    for answer in (wrong, stolen, tampered):
        assert answer.status_code == 400
        assert "Deze inlogpoging is verlopen" in answer.text and '<html lang="nl">' in answer.text
        assert (
            "authorization:github:error:" in answer.text
            and "authorization:github:success" not in answer.text
        )
        csp = answer.headers["content-security-policy"]
        assert (
            "script-src 'nonce-" in csp
            and "default-src 'none'" in csp
            and "frame-ancestors 'none'" in csp
        )
    assert gh.token_requests == []  # no code was exchanged


def test_an_expired_state_is_refused(tmp_path):
    config = Config.from_env({"SWK_SERVICE_MODE": "local", "SWK_SERVICE_DATA": str(tmp_path)})
    login = GitHubLogin(SimpleNamespace(config=config, pages=None))
    past = int(time.time()) - 1
    assert login._state_ok(login._cookie_value("abc"), "abc")
    assert not login._state_ok(f"abc.{past}.{login._sign('abc', past)}", "abc")
    assert not login._state_ok(login._cookie_value("abc"), "abd")


def test_not_set_up_and_github_unreachable_are_explained(tmp_path):
    with testing.service(tmp_path / "a", SWK_SITE_URL="https://www.example.org") as svc:
        answer = httpx.get(f"{svc.url}/auth/github", params={"provider": "github"})
        assert (
            answer.status_code == 503 and "Inloggen met GitHub is nog niet ingesteld" in answer.text
        )
    closed = f"http://127.0.0.1:{testing.free_port()}"
    with (
        testing.service(
            tmp_path / "b",
            SWK_SITE_URL="https://www.example.org",
            GITHUB_CLIENT_ID=CLIENT_ID,
            GITHUB_CLIENT_SECRET=CLIENT_SECRET,
            GITHUB_OAUTH_URL=closed,
        ) as svc,
        httpx.Client() as browser,
    ):
        state = _start(browser, svc)
        answer = browser.get(
            f"{svc.url}/auth/github/callback", params={"code": "abc", "state": state}
        )
        assert answer.status_code == 502 and "GitHub is niet bereikbaar" in answer.text
        # Decap gets the same words, for its login page
        assert "authorization:github:error:" in answer.text and "niet bereikbaar" in answer.text


def test_the_editor_says_when_the_login_service_cannot_be_reached(tmp_path, page):
    project = testing.make_project(
        tmp_path, {"content/articles/goed.md": testing.ARTICLE}, with_pages=False
    )
    closed = f"http://127.0.0.1:{testing.free_port()}"
    out = testing.build_project(project, DECAP_LOCAL_BACKEND=False, SERVICE_URL=closed)
    with testing.serve(out) as url:
        page.goto(f"{url}/admin/")
        expect(page.get_by_role("alert")).to_contain_text("is nu niet bereikbaar", timeout=10000)
        expect(page.get_by_role("button", name="Inloggen met GitHub")).to_be_visible(timeout=20000)

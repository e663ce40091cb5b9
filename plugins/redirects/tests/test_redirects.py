"""The redirect map: checked as data, built into redirect pages and server maps, and followed
by a real browser."""

from __future__ import annotations

import functools
import http.server
import json
import socketserver
import textwrap
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from content_model.problems import ContentError
from redirects import data
from tests.support import sitecheck
from tests.support.testing import build_project, make_project, write

ARTICLES = {
    "content/articles/welkom-ben.md": """
        ---
        title: Welkom Ben
        date: 2023-01-09
        category: Interview
        summary: Ben van der Knoop is de nieuwe manager.
        tags: [netwerk]
        ---
        Tekst.
        """,
    "content/articles/concept.md": """
        ---
        title: Nog niet af
        date: 2023-01-10
        category: Nieuws
        summary: Een concept.
        status: draft
        ---
        """,
}

REDIRECTS = """
    # oude adressen
    - from: /2023/01/09/welkom-ben/
      to: /artikelen/welkom-ben/
    - from: /welkom-ben
      to: /2023/01/09/welkom-ben/
    - from: /category/interviews/
      to: /rubriek/interview/
    - from: /2023/01/09/één-bericht/
      to: /over-ons/
    - from: /over-ons.html
      to: /over-ons/
    - from: /wp-content/uploads/2023/01/rapport.pdf
      to: https://www.amsterdam.nl/
    - from: /?p=12
      to: /artikelen/welkom-ben/
    - from: /index.php?page_id=7
      to: /over-ons/
    """


def load(tmp_path, text):
    path = write(tmp_path / "content/redirects.yaml", text)
    return data.read(path)


# --- the file as data ------------------------------------------------------------------------


def test_a_good_map_is_read_and_chains_are_followed(tmp_path):
    entries, final, problems = load(tmp_path, REDIRECTS)
    assert not problems
    assert [e.line for e in entries][:2] == [2, 4]
    assert final["/welkom-ben"] == "/artikelen/welkom-ben/"  # via /2023/01/09/welkom-ben/
    assert entries[3].source == "/2023/01/09/één-bericht/"
    assert final["/?p=12"] == "/artikelen/welkom-ben/"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("from: /a/\nto: /b/\n", "redirects.yaml:1: moet een lijst zijn"),
        (
            "- from: /a/\n  naar: /b/\n",
            "redirects.yaml:2: veld 'naar': is geen veld van een doorverwijzing; gebruik from en to.",
        ),
        ("- from: /a/\n  too: /b/\n", "Bedoel je 'to'?"),
        ("- from: /a/\n", "redirects.yaml:1: veld 'to': ontbreekt"),
        (
            "- from: https://oud.example.org/2020/05/x/?ref=1\n  to: /b/\n",
            "veld 'from': \"https://oud.example.org/2020/05/x/?ref=1\" is een volledig webadres; schrijf alleen het deel vanaf de eerste /: /2020/05/x/?ref=1",
        ),
        (
            "- from: oud/\n  to: /b/\n",
            "begint niet met /; schrijf het oude adres vanaf de eerste /, bv. /oud/",
        ),
        ("- from: /\n  to: /b/\n", "is de voorpagina zelf"),
        ("- from: /a/#deel\n  to: /b/\n", "bevat een #"),
        ("- from: /a/../b/\n  to: /b/\n", "geen geldig pad"),
        (
            "- from: /a/\n  to: artikelen/x/\n",
            "veld 'to': \"artikelen/x/\" is geen adres op deze site; begin met / (bv. /artikelen/x/)",
        ),
        ("- from: /a/\n  to: [/b/, /c/]\n", "veld 'to': moet één adres zijn, geen lijst"),
        (
            "- from: /a/\n  to: /b/\n- from: /a/\n  to: /c/\n",
            "redirects.yaml:3: veld 'from': /a/ staat er al (regel 1)",
        ),
        (
            "- from: /a/\n  to: /a/\n",
            "redirects.yaml:1: veld 'to': de doorverwijzing van /a/ loopt in een kringetje (/a/ → /a/)",
        ),
        (
            "- from: /a/\n  to: /b/\n- from: /b/\n  to: /c/\n- from: /c/\n  to: /a/\n",
            "de doorverwijzing van /a/ loopt in een kringetje (/a/ → /b/ → /c/ → /a/)",
        ),
        ("- from: /a/\n  to: /b/\n - from: /c/\n", "redirects.yaml:3: YAML klopt niet"),
        ("- /a/ /b/\n", "redirects.yaml:1: deze regel is geen doorverwijzing"),
    ],
)
def test_bad_entries_are_named_with_file_line_and_what_to_do(tmp_path, text, expected):
    _, _, problems = load(tmp_path, text)
    assert problems, text
    assert any(expected in str(p) for p in problems), [str(p) for p in problems]


def test_where_a_redirect_page_goes():
    assert data.page_file("/2023/01/09/x/") == "2023/01/09/x/index.html"
    assert data.page_file("/x") == "x/index.html"
    assert data.page_file("/over-ons.html") == "over-ons.html"
    assert (
        data.page_file("/wp-content/uploads/a.pdf") is None
    )  # a static host would serve it as a page
    assert data.page_file("/?p=12") is None
    assert (
        data.query_key("/?p=12") == "p=12" and data.query_key("/index.php?page_id=7") == "page_id=7"
    )
    assert data.query_key("/oud/?p=12") is None and data.query_key("/?p=1&x=2") is None


def test_the_importer_appends_as_text_and_keeps_the_editors_lines(tmp_path):
    path = write(tmp_path / "redirects.yaml", "# mijn uitleg\n- from: /a/\n  to: /b/  # reden\n")
    data.append(path, [("/c/", "/d/"), ('/e "f"/', "/g/")], comment="toegevoegd")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# mijn uitleg\n- from: /a/\n  to: /b/  # reden\n")
    entries, _, problems = data.read(path)
    assert [(e.source, e.target) for e in entries][1] == ("/c/", "/d/")
    empty = write(tmp_path / "leeg.yaml", "[]\n")
    data.append(empty, [("/c/", "/d/")])
    assert data.read(empty)[0][0].source == "/c/"


# --- the build ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(
        tmp_path_factory.mktemp("redirects"), {**ARTICLES, "content/redirects.yaml": REDIRECTS}
    )
    return project, build_project(project, SEARCH_INDEX=False)


def test_a_redirect_page_per_old_address(built):
    _, out = built
    page = (out / "2023/01/09/welkom-ben/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/artikelen/welkom-ben/">' in page
    assert '<link rel="canonical" href="/artikelen/welkom-ben/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<a href="/artikelen/welkom-ben/">Welkom Ben</a>' in page
    assert 'data-template="redirect"' in page and "og:title" not in page
    # a chain goes straight to the end; a non-ASCII path is a decoded file name
    assert "url=/artikelen/welkom-ben/" in (out / "welkom-ben/index.html").read_text(
        encoding="utf-8"
    )
    assert ">Over ons</a>" in (out / "2023/01/09/één-bericht/index.html").read_text(
        encoding="utf-8"
    )
    assert ">Rubriek: Interview</a>" in (out / "category/interviews/index.html").read_text(
        encoding="utf-8"
    )
    assert (out / "over-ons.html").is_file()
    assert not (out / "wp-content").exists()  # a .pdf address: server maps only
    # not in the sitemap
    assert "2023/01/09" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_map_files_for_web_servers(built):
    _, out = built
    netlify = (out / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/2023/01/09/welkom-ben/ /artikelen/welkom-ben/ 301!" in netlify
    assert "/welkom-ben /artikelen/welkom-ben/ 301!" in netlify
    assert "/2023/01/09/%C3%A9%C3%A9n-bericht/ /over-ons/ 301!" in netlify
    assert "/wp-content/uploads/2023/01/rapport.pdf https://www.amsterdam.nl/ 301!" in netlify
    assert not any("?" in line for line in netlify if not line.startswith("#"))
    nginx = (out / "redirects.nginx.conf").read_text(encoding="utf-8")
    assert (
        "map $uri $swk_redirect_uri {" in nginx
        and '"/2023/01/09/welkom-ben" "/artikelen/welkom-ben/";' in nginx
    )
    assert '"p=12" "/artikelen/welkom-ben/";' in nginx and '"page_id=7" "/over-ons/";' in nginx
    assert json.loads((out / "redirects.json").read_text(encoding="utf-8")) == {
        "p=12": "/artikelen/welkom-ben/",
        "page_id=7": "/over-ons/",
    }
    for name in ("index.html", "404.html"):
        assert 'src="/theme/js/old-links.js" data-map="/redirects.json" defer' in (
            out / name
        ).read_text(encoding="utf-8")


def test_without_a_map_nothing_is_added(tmp_path):
    out = build_project(make_project(tmp_path, ARTICLES), SEARCH_INDEX=False)
    assert not (out / "_redirects").exists() and not (out / "redirects.json").exists()
    assert "old-links.js" not in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "redirects,expected",
    [
        (
            "- from: /oud/\n  to: /artikelen/welkom-bne/\n",
            "content/redirects.yaml:1: veld 'to': de doorverwijzing van /oud/ gaat naar /artikelen/welkom-bne/, "
            "maar die pagina bestaat niet. Bedoel je /artikelen/welkom-ben/?",
        ),
        (
            "- from: /oud/\n  to: /artikelen/concept/\n",
            "content/articles/concept.md is een concept (status: draft); publiceer het",
        ),
        (
            "- from: /artikelen/welkom-ben/\n  to: /over-ons/\n",
            "content/redirects.yaml:1: veld 'from': /artikelen/welkom-ben/ is een pagina van deze site zelf",
        ),
        ("- from: /a/\n  to: /b/\n- from: /b/\n  to: /a/\n", "loopt in een kringetje"),
    ],
)
def test_a_bad_map_stops_the_build_and_keeps_the_last_good_site(
    tmp_path, monkeypatch, redirects, expected
):
    project = make_project(tmp_path, ARTICLES)
    monkeypatch.chdir(project)  # file names in messages are relative to where the command runs
    out = build_project(project, SEARCH_INDEX=False)
    before = (out / "index.html").read_bytes()
    write(project / "content/redirects.yaml", redirects)
    with pytest.raises(ContentError) as err:
        build_project(project, SEARCH_INDEX=False)
    assert expected in str(err.value), str(err.value)
    assert (out / "index.html").read_bytes() == before
    assert not (project / "output.new").exists()


# --- the site-wide checks and a real browser -------------------------------------------------


class _StaticHost(http.server.SimpleHTTPRequestHandler):
    """A static host like GitHub Pages: a missing file gets the site's 404.html (status 404)."""

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serve(folder):
    handler = functools.partial(_StaticHost, directory=str(folder))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally:
            httpd.shutdown()


def test_redirect_pages_pass_the_site_checks(built):
    """The checks of tests/test_site_checks.py over this build's redirect pages (the real
    content has no redirects yet)."""
    _, out = built
    pages = sitecheck.parse_site(out)
    redirect_pages = {rel: p for rel, p in pages.items() if p.template == "redirect"}
    assert len(redirect_pages) == 5
    problems = []
    for rel, page in redirect_pages.items():
        if (
            page.lang != "nl"
            or len(page.titles) != 1
            or page.h1 != 1
            or page.first_link != "#inhoud"
        ):
            problems.append(f"{rel}: basics")
        if not page.meta.get("description") or "width=device-width" not in page.meta.get(
            "viewport", ""
        ):
            problems.append(f"{rel}: meta")
    titles = [p.titles[0] for p in redirect_pages.values()]
    assert len(set(titles)) == len(titles), titles  # two old addresses for one page: still unique
    assert not problems, problems
    assert not sitecheck.broken_links(out, redirect_pages)  # (the build has no search index)
    errors = sitecheck.vnu([out / rel for rel in redirect_pages] + [out / "index.html"])
    assert not errors, [sitecheck.format_vnu(m, out) for m in errors]


def test_a_browser_follows_old_addresses(built, page):
    _, out = built
    with serve(out) as url:
        page.goto(url + "/2023/01/09/welkom-ben/")
        page.wait_for_url(url + "/artikelen/welkom-ben/")
        assert page.locator("h1").inner_text() == "Welkom Ben"
        # WordPress's ?p= and ?page_id= forms: the script on the home and 404 pages
        page.goto(url + "/?p=12")
        page.wait_for_url(url + "/artikelen/welkom-ben/")
        page.goto(url + "/index.php?page_id=7")  # no such file: the host's 404 page
        page.wait_for_url(url + "/over-ons/")
        page.goto(url + "/?p=999")  # unknown: stays on the home page
        page.wait_for_load_state("networkidle")
        assert page.url == url + "/?p=999"


def test_redirect_page_has_no_axe_violations(built, page):
    """axe-core on the redirect page itself: served without its meta refresh, which would
    otherwise take the browser to the target before axe runs."""
    _, out = built
    html = (out / "2023/01/09/welkom-ben/index.html").read_text(encoding="utf-8")
    still = html.replace('<meta http-equiv="refresh" content="0; url=/artikelen/welkom-ben/">', "")
    assert still != html
    with serve(out) as url:
        page.route(
            url + "/2023/01/09/welkom-ben/",
            lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=still
            ),
        )
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 700})
            page.goto(url + "/2023/01/09/welkom-ben/")
            assert page.url.endswith("/2023/01/09/welkom-ben/")
            assert not sitecheck.axe_violations(page)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_real_content_has_a_valid_map():
    from tests.support.testing import ROOT

    entries, _, problems = data.read(ROOT / "content/redirects.yaml")
    assert not problems
    assert (
        (ROOT / "content/redirects.yaml")
        .read_text(encoding="utf-8")
        .startswith(textwrap.dedent(data.HEADER))
    )


def test_make_check_reads_the_map_too(tmp_path, monkeypatch):
    from swk.build import validate
    from tests.support.testing import ROOT, overrides

    project = make_project(
        tmp_path, {**ARTICLES, "content/redirects.yaml": "- from: /a/\n  to: /a/\n"}
    )
    monkeypatch.chdir(project)
    with pytest.raises(ContentError) as err:
        validate(str(ROOT / "pelicanconf.py"), overrides(project))
    assert (
        "content/redirects.yaml:1: veld 'to': de doorverwijzing van /a/ loopt in een kringetje"
        in str(err.value)
    )
    assert not (project / "output").exists()

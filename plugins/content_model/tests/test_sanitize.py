"""Hostile HTML in bodies: real builds, the pages in Chromium, the e-mail as sent."""

from __future__ import annotations

import email
import re
from email import policy

import pytest

from content_model.sanitize import clean
from tests.support.testing import build_project, env, make_project, serve, write

# What a pasted snippet or a stolen web-editor account could put in a body.
HOSTILE = """
Gewone tekst met een [goede link](https://www.voorbeeld.nl/) en [mail](mailto:info@voorbeeld.nl).

<script>document.title = "gehackt-script";</script>

<img src="/images/foto.png" alt="Een foto" onerror="document.title = 'gehackt-onerror'">

<img src="/images/kapot.png" alt="Kapot" onerror="document.title = 'gehackt-onerror'">

[Klik hier](javascript:alert(document.domain)) en <a href="JaVaScRiPt:document.title='gehackt-a'">hier</a>
en <a href=" javascript:void(document.title='gehackt-spatie')">daar</a>.

<p onclick="document.title='gehackt-click'" style="color: red">Alinea</p>

<iframe src="https://www.youtube.com/embed/x"></iframe>

<svg onload="document.title='gehackt-svg'"><circle r="1"></circle></svg>

<form action="https://phishing.example/"><input name="wachtwoord"><button>Inloggen</button></form>

| Kolom | Getal |
| --- | ---: |
| Een | 1 |

## Een tussenkop

> Een citaat.
"""
FILES = {
    "content/articles/gevaarlijk.md": "---\ntitle: Gevaarlijk artikel\ndate: 2023-02-16\ncategory: Nieuws\n"
    "summary: Kort.\n---\n" + HOSTILE,
    "content/partners/gevaarlijk.md": "---\ntitle: Gevaarlijke partner\nkind: overig\n---\n"
    + HOSTILE,
    "content/events/gevaarlijk.md": "---\ntitle: Gevaarlijk event\nstart: 2024-03-01T10:00\nonline: true\n---\n"
    + HOSTILE,
    "content/pages/gevaarlijk.md": "---\ntitle: Gevaarlijke pagina\n---\n" + HOSTILE,
    "newsletters/2024-02-gevaarlijk.md": "---\ntitle: Gevaarlijke nieuwsbrief\ndate: 2024-02-01\n"
    "articles: [gevaarlijk]\nevents: upcoming\nstatus: ready\n---\n" + HOSTILE,
}
PAGES = [
    "artikelen/gevaarlijk/",
    "partners/gevaarlijk/",
    "agenda/gevaarlijk/",
    "gevaarlijk/",
    "nieuwsbrief/2024-02-gevaarlijk/",
]
FORBIDDEN = (
    "<script>document",
    "onerror",
    "onclick",
    "onload",
    'href="javascript:',
    "JaVaScRiPt",
    "<iframe",
    "<circle",
    '<form action="https://phishing',
    "color: red",
    "gehackt",
)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("sanitize"), FILES)
    write(project / "content/images/foto.png", "png")
    write(
        project / "content/images/kapot.png", "geen afbeelding"
    )  # the browser cannot show it: onerror would fire
    with env(SWK_NOW="2024-01-15T12:00"):
        return build_project(project, SITEURL="https://swk.example")


def body(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize("rel", PAGES)
def test_hostile_markup_is_gone_from_the_page_and_the_rest_stays(out, rel):
    main = body((out / rel / "index.html").read_text())
    for bad in FORBIDDEN:
        assert bad not in main, (rel, bad)
    assert not re.search(r"<[^>]*javascript:", main, re.I), rel  # in no tag or attribute
    for good in (
        '<a href="https://www.voorbeeld.nl/">goede link</a>',
        '<a href="mailto:info@voorbeeld.nl">mail</a>',
        '<img src="/images/foto.png" alt="Een foto">',
        "<table>",
        "<th>Kolom</th>",
        "<h2>Een tussenkop</h2>",
        "<blockquote>",
        "<p>Alinea</p>",
        "Klik hier",
    ):
        assert good in main, (rel, good)


def test_hostile_markup_is_gone_from_the_email(out):
    folder = out / "nieuwsbrief/2024-02-gevaarlijk"
    html = (folder / "email.html").read_text()
    message = email.message_from_bytes((folder / "email.eml").read_bytes(), policy=policy.default)
    sent = message.get_body(("html",)).get_content()
    for part in (html, sent):
        for bad in FORBIDDEN:
            assert bad not in part, bad
        assert not re.search(r"<[^>]*javascript:", part, re.I)
        assert 'href="https://www.voorbeeld.nl/"' in part and "<table>" in part


def test_nothing_runs_in_the_browser(out, browser):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with serve(out) as url:
        for rel in PAGES:
            page.goto(f"{url}/{rel}")
            page.wait_for_load_state("networkidle")
            assert "gehackt" not in page.title(), rel
            for link in page.locator("main a").all():  # clicking every link runs nothing either
                href = link.get_attribute("href") or ""
                assert not href.lower().strip().startswith("javascript"), (rel, href)
        page.goto(f"{url}/nieuwsbrief/2024-02-gevaarlijk/email.html")
        assert "gehackt" not in page.title()
    assert not dialogs
    context.close()


def test_the_content_security_policy_stops_script_the_sanitizer_would_miss(out, browser):
    """Second line of defence: even an inline script that reached the page would not run."""
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    with serve(out) as url:
        page.goto(f"{url}/artikelen/gevaarlijk/")
        page.evaluate("""() => {
            const s = document.createElement('script');
            s.textContent = 'window.gehackt = true';
            document.body.append(s);
            const img = document.createElement('img');
            img.setAttribute('onerror', 'window.gehackt = true');
            img.src = '/bestaat-niet.png';
            document.body.append(img);
        }""")
        page.wait_for_timeout(300)
        assert page.evaluate("window.gehackt") is None
    assert violations, "the browser reported no blocked script"
    context.close()


def test_clean_keeps_pelican_links_and_footnotes():
    html = (
        '<p><a href="{filename}/articles/x.md">x</a><sup id="fnref:1"><a class="footnote-ref" '
        'href="#fn:1">1</a></sup></p><div class="footnote"><ol><li id="fn:1">Noot</li></ol></div>'
    )
    assert clean(html) == html
    assert (
        re.sub(r"\s", "", clean('<a href="tel:+31 20 123">t</a>')) == '<ahref="tel:+3120123">t</a>'
    )

"""The newsletter as rendered on every build: real Pelican builds, real MRML, real Chromium."""

from __future__ import annotations

import email
import json
import re
import runpy
from email import policy
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from content_model.problems import ContentError
from newsletter.linktext import links
from tests.support.testing import ROOT, build_project, env, make_project, write

ISSUE3 = "nieuwsbrief/2020-05-nieuwsbrief-3"
LOCAL = "http://localhost:8000"

ARTICLE = """
---
title: {title}
date: {date}
category: Nieuws
summary: Samenvatting van {title}.
{extra}
---
Tekst van {title}.
"""
EVENT = """
---
title: {title}
start: {start}
location: Pakhuis de Zwijger
---
"""
ISSUE = """
---
title: {title}
date: {date}
articles: [{articles}]
events: {events}
status: {status}
---
{intro}
"""


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.images, self.html_lang = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "img":
            self.images.append(a)
        if tag == "html":
            self.html_lang = a.get("lang")


def parse(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


def exists_in_build(out: Path, url: str) -> bool:
    path = urlparse(url).path.lstrip("/")
    target = out / path
    return (
        (target / "index.html").is_file()
        if (path == "" or path.endswith("/"))
        else target.is_file()
    )


def test_issue_3_email_size_links_alt_and_parts(site):
    folder = site / ISSUE3
    html = (folder / "email.html").read_text(encoding="utf-8")
    assert 1000 < len(html.encode()) < 90 * 1024
    links = parse(html)
    assert links.html_lang == "nl"
    assert "<mj-" not in html and "mj-html-attributes" not in html and "mj-selector" not in html
    assert "<!--[if mso" in html  # Outlook's conditional comments are kept
    assert 'name="color-scheme" content="light dark"' in html
    assert 'name="supported-color-schemes" content="light dark"' in html
    assert "max-width:600px" in html
    # every link absolute; every link to the site points to a page in the build
    assert len(links.hrefs) >= 8
    for href in links.hrefs:
        assert href.startswith(("http://", "https://", "mailto:")), href
        if href.startswith(LOCAL):
            assert exists_in_build(site, href), f"{href} is not in the build"
    for slug in (
        "sociaal-werk-in-tijden-van-corona",
        "hallowerk-direct-inzicht-in-klantenbestand-gemeente",
        "veganizen-in-coronatijd",
    ):
        assert f"{LOCAL}/artikelen/{slug}/" in links.hrefs
    assert f"{LOCAL}/agenda/2020-06-25-zomerevent/" in links.hrefs
    assert f"{LOCAL}/{ISSUE3}/" in links.hrefs  # "bekijk in uw browser"
    # built without the site service: the footer links to the site's page about unsubscribing by mail
    assert f"{LOCAL}/nieuwsbrief/afmelden/" in links.hrefs
    assert not any("token=" in h for h in links.hrefs)
    assert all((img.get("alt") or "").strip() for img in links.images)
    # the preheader, the intro and the footer's contact
    assert (
        "Sociaal werk in tijden van corona, HalloWerk en onze jongste partner Vegan Masters" in html
    )
    assert "onze jongste partner, Vegan Masters" in html
    assert "mailto:sociaalwerkkoepel@amsterdam.nl" in html

    text = (folder / "email.txt").read_text(encoding="utf-8")
    assert "<" not in text and "&" not in text.replace("&amp;", "")  # plain text, no markup
    assert "Lees verder: http://localhost:8000/artikelen/veganizen-in-coronatijd/" in text
    assert "donderdag 25 juni 2020, online" in text
    assert max(len(line) for line in text.splitlines() if "http" not in line) <= 72

    msg = email.message_from_bytes((folder / "email.eml").read_bytes(), policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in msg.iter_parts())
    assert msg["Subject"] == "Nieuwsbrief 3, mei 2020"
    assert msg["From"] == "Sociaal Werkkoepel Amsterdam <sociaalwerkkoepel@amsterdam.nl>"
    assert msg["Reply-To"] == "sociaalwerkkoepel@amsterdam.nl"
    assert msg["Date"] and msg["Message-ID"].endswith("@amsterdam.nl>")
    # no service, so no one-click promise: only the mailto, and no List-Unsubscribe-Post
    assert (
        msg["List-Unsubscribe"]
        == "<mailto:sociaalwerkkoepel@amsterdam.nl?subject=Afmelden%20nieuwsbrief>"
    )
    assert msg["List-Unsubscribe-Post"] is None
    meta = json.loads((folder / "email.json").read_text(encoding="utf-8"))
    assert meta["unsubscribe_url"] is None and meta["one_click"] is False

    def body(kind):  # SMTP line ends are CRLF
        return msg.get_body((kind,)).get_content().replace("\r\n", "\n").rstrip("\n")

    assert body("html") == html.rstrip("\n")
    assert body("plain") == text.rstrip("\n")


VAGUE = {"lees verder", "lees meer", "meer", "klik hier", "hier", "link", "meer informatie"}


def link_problems(html: str) -> list[str]:
    """Links whose text does not say where they go, read out of context (a screen reader's
    list of links): empty, vague, a bare address, or one text for several destinations."""
    problems, targets = [], {}
    for href, text in links(html):
        if not text or text.lower().rstrip(".:") in VAGUE:
            problems.append(f"{text!r} -> {href}")
        elif re.match(r"^(https?://|www\.)", text, re.I):
            problems.append(f"bare address {text!r}")
        targets.setdefault(text.lower(), set()).add(href)
    problems += [
        f"{text!r} goes to {sorted(hrefs)}" for text, hrefs in targets.items() if len(hrefs) > 1
    ]
    return problems


def test_every_link_in_the_email_says_where_it_goes(site, tmp_path):
    html = (site / ISSUE3 / "email.html").read_text(encoding="utf-8")
    assert not link_problems(html), link_problems(html)
    assert ("http://localhost:8000/", "De website van Sociaal Werkkoepel Amsterdam") in links(html)
    # an article with an image: the image is not a second link with the alt text as its name
    project = _project(
        tmp_path,
        {
            "2024-01": ISSUE.format(
                title="Januari",
                date="2024-01-10",
                articles="een, twee",
                events="[]",
                status="ready",
                intro="Kort.",
            )
        },
    )
    out = build_project(project)
    html = (out / "nieuwsbrief/2024-01/email.html").read_text(encoding="utf-8")
    assert not link_problems(html), link_problems(html)
    assert html.count('href="http://localhost:8000/artikelen/een/"') == 1


def test_vague_links_in_the_introduction_warn_the_editor(tmp_path, caplog):
    intro = (
        "Meld u [hier](https://www.voorbeeld.nl/aanmelden) aan, lees <https://www.voorbeeld.nl/> "
        "of [mail ons](mailto:info@voorbeeld.nl) of <info@voorbeeld.nl>."
    )
    project = _project(
        tmp_path,
        {
            "2024-01": ISSUE.format(
                title="Januari",
                date="2024-01-10",
                articles="een",
                events="[]",
                status="ready",
                intro=intro,
            )
        },
    )
    with caplog.at_level("WARNING"):
        build_project(project)
    warnings = [r.getMessage() for r in caplog.records if r.name == "newsletter"]
    assert len(warnings) == 2, warnings
    assert (
        "2024-01.md: de link 'hier' (https://www.voorbeeld.nl/aanmelden) zegt niet waar hij heen gaat"
        in warnings[0]
    )
    assert "de link 'https://www.voorbeeld.nl/' is alleen een adres" in warnings[1]
    assert "[Meld u aan als partner](https://...)" in warnings[0]


def test_the_link_check_finds_vague_links():
    html = (
        '<a href="/a">Lees verder</a><a href="/b">lees verder</a><a href="https://x.nl/">https://x.nl/</a>'
        '<a href="/c"><img src="c.png" alt=""></a><a href="/d">Titel</a><a href="/e">Titel</a>'
    )
    assert len(link_problems(html)) == 6


def test_archive_menu_and_unsubscribe_page(site):
    archive = (site / "nieuwsbrief/index.html").read_text(encoding="utf-8")
    assert '<h1 class="ams-heading ams-heading--1">Nieuwsbrief</h1>' in archive
    assert 'href="/nieuwsbrief/2020-05-nieuwsbrief-3/"' in archive
    assert 'id="signup-title"' in archive  # the sign-up form (or mail link)
    assert 'href="/nieuwsbrief/" aria-current="page"' in archive  # in the main menu
    page = (site / ISSUE3 / "index.html").read_text(encoding="utf-8")
    assert 'href="/artikelen/veganizen-in-coronatijd/"' in page and "Zomerevent (digitaal)" in page
    assert "Afmelden per e-mail" in (site / "nieuwsbrief/afmelden/index.html").read_text(
        encoding="utf-8"
    )


def test_email_in_chromium_fits_a_phone_and_reads_with_images_off(site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 700}, java_script_enabled=False)
    page = context.new_page()
    page.route("**/*.{png,jpg,jpeg,gif,svg,webp}", lambda route: route.abort())
    page.goto((site / ISSUE3 / "email.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    body = page.inner_text("body")
    assert (
        "Nieuwsbrief 3, mei 2020" in body
        and "Veganizen in coronatijd" in body
        and "Afmelden" in body
    )
    assert page.get_by_role("heading", level=1).inner_text() == "Nieuwsbrief 3, mei 2020"
    context.close()


def _project(tmp_path, issues: dict[str, str], extra_files: dict[str, str] | None = None):
    files = {
        "content/articles/een.md": ARTICLE.format(
            title="Artikel een",
            date="2024-01-02",
            extra="image: images/een.png\nimage_alt: Twee mensen aan het werk",
        ),
        "content/articles/twee.md": ARTICLE.format(
            title="Artikel twee", date="2024-01-03", extra=""
        ),
        "content/events/oud.md": EVENT.format(title="Oud event", start="2023-12-01T15:00"),
        "content/events/nieuw.md": EVENT.format(title="Nieuw event", start="2024-03-26T10:00"),
        **{f"newsletters/{slug}.md": text for slug, text in issues.items()},
        **(extra_files or {}),
    }
    project = make_project(tmp_path, files)
    write(project / "content/images/een.png", "png")  # the image of article "een"
    return project


def test_upcoming_events_order_drafts_and_images(tmp_path):
    project = _project(
        tmp_path,
        {
            "2024-01": ISSUE.format(
                title="Januari",
                date="2024-01-10",
                articles="een, twee",
                events="upcoming",
                status="ready",
                intro="Welkom bij de [nieuwsbrief](/artikelen/). Tweede zin.",
            ),
            "2024-02": ISSUE.format(
                title="Februari",
                date="2024-02-10",
                articles="twee",
                events="[]",
                status="ready",
                intro="Februari.",
            ),
            "2024-03": ISSUE.format(
                title="Geheim concept",
                date="2024-03-10",
                articles="twee",
                events="[]",
                status="draft",
                intro="Concept.",
            ),
        },
    )
    with env(SWK_NOW="2024-01-15T12:00"):
        out = build_project(
            project, SITEURL="https://www.example.org", SERVICE_URL="https://dienst.example.org"
        )
    text = (out / "nieuwsbrief/2024-01/email.txt").read_text()
    assert "KOMENDE EVENEMENTEN" in text and "Nieuw event" in text and "Oud event" not in text
    assert "dinsdag 26 maart 2024, 10.00 uur, Pakhuis de Zwijger" in text  # the agenda's when_text
    assert "nieuwsbrief (https://www.example.org/artikelen/)" in text  # intro link, absolute
    html = (out / "nieuwsbrief/2024-01/email.html").read_text()
    assert 'href="https://www.example.org/artikelen/"' in html
    images = parse(html).images
    assert [i["src"] for i in images] == ["https://www.example.org/images/een.png"]
    assert images[0]["alt"] == "Twee mensen aan het werk"
    # no preheader field: the intro's first sentence
    assert "Welkom bij de nieuwsbrief." in html
    msg = email.message_from_bytes(
        (out / "nieuwsbrief/2024-01/email.eml").read_bytes(), policy=policy.default
    )
    # with the site service: its one-click URL (token placeholder) and the mailto, and the POST promise
    assert msg["List-Unsubscribe"] == (
        "<https://dienst.example.org/nieuwsbrief/afmelden?token=AFMELDCODE>, "
        "<mailto:sociaalwerkkoepel@amsterdam.nl?subject=Afmelden%20nieuwsbrief>"
    )
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert 'href="https://dienst.example.org/nieuwsbrief/afmelden?token=AFMELDCODE"' in html
    archive = (out / "nieuwsbrief/index.html").read_text()
    assert archive.index("Februari") < archive.index("Januari")  # newest first
    assert "Geheim concept" not in archive and not (out / "nieuwsbrief/2024-03").exists()


def test_email_above_90_kb_stops_the_build_and_names_the_issue(tmp_path):
    big_intro = "\n\n".join(f"Alinea {i}: " + "sociaal werk in Amsterdam " * 30 for i in range(150))
    project = _project(
        tmp_path,
        {
            "2024-01": ISSUE.format(
                title="Januari",
                date="2024-01-10",
                articles="een",
                events="[]",
                status="ready",
                intro="Kort.",
            ),
        },
    )
    out = build_project(project)
    before = (out / "nieuwsbrief/2024-01/email.html").read_bytes()
    (project / "newsletters/2024-01.md").write_text(
        ISSUE.format(
            title="Januari",
            date="2024-01-10",
            articles="een",
            events="[]",
            status="ready",
            intro=big_intro,
        ).lstrip(),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as err:
        build_project(project)
    message = str(err.value)
    assert "2024-01.md: de e-mail van deze nieuwsbrief is" in message
    assert "de grens is 90 KB" in message and "Gmail" in message
    assert (out / "nieuwsbrief/2024-01/email.html").read_bytes() == before  # last good output kept


def test_the_size_error_advises_fewer_events_when_events_made_it_too_big(tmp_path):
    long = "Een bijeenkomst voor werkgevers en werkzoekenden in sociaal werk. " * 6
    events = {
        f"content/events/e{i:02d}.md": (
            f"---\ntitle: Bijeenkomst {i}\nstart: 2024-02-{i + 1:02d}T10:00\n"
            f"location: Pakhuis de Zwijger\nsummary: {long}\n---\n"
        )
        for i in range(25)
    }
    project = _project(
        tmp_path,
        {
            "2024-01": ISSUE.format(
                title="Januari",
                date="2024-01-10",
                articles="een, twee",
                events="upcoming",
                status="ready",
                intro="Kort.",
            ),
        },
        events,
    )
    with env(SWK_NOW="2024-01-15T12:00"), pytest.raises(ContentError) as err:
        build_project(project, NEWSLETTER_MAX_EVENTS=25, NEWSLETTER_MAX_BYTES=40 * 1024)
    message = str(err.value)
    assert '2024-01.md: veld "Evenementen" (events): de e-mail van deze nieuwsbrief is' in message
    assert re.search(
        r"Daarvan nemen de evenementen \d+ KB, de artikelen \d+ KB, de inleiding \d+ KB", message
    )
    assert (
        "kies in het veld 'events' een lijst met minder evenementen (nu 25, de komende uit de agenda)"
        in message
    )
    assert "minder artikelen" not in message


def test_the_size_error_advises_fewer_articles_when_articles_made_it_too_big(tmp_path):
    long = "Werkgevers vertellen over sociaal werk in Amsterdam. " * 8
    articles = {
        f"content/articles/a{i:02d}.md": ARTICLE.format(
            title=f"Artikel {i}", date="2024-01-05", extra=""
        ).replace("summary: Samenvatting van", f"summary: {long}")
        for i in range(30)
    }
    names = ", ".join(f"a{i:02d}" for i in range(30))
    project = _project(
        tmp_path,
        {
            "2024-01": ISSUE.format(
                title="Januari",
                date="2024-01-10",
                articles=names,
                events="[]",
                status="ready",
                intro="Kort.",
            ),
        },
        articles,
    )
    with pytest.raises(ContentError) as err:
        build_project(project, NEWSLETTER_MAX_BYTES=40 * 1024)
    message = str(err.value)
    assert (
        "(articles): de e-mail" in message
        and "neem minder artikelen op in het veld 'articles' (nu 30)" in message
    )
    assert "minder evenementen" not in message


@pytest.mark.parametrize(
    "slug, expected",
    [
        ("concept", "verwijst naar artikel 'concept', maar dat is een concept"),
        ("bestaat-niet", "verwijst naar artikel 'bestaat-niet', maar die bestaat niet"),
    ],
)
def test_reference_to_draft_or_unknown_article_is_an_error(tmp_path, slug, expected):
    project = _project(
        tmp_path,
        {
            "2024-01": ISSUE.format(
                title="Januari",
                date="2024-01-10",
                articles=f"een, {slug}",
                events="[]",
                status="ready",
                intro="Kort.",
            ),
        },
        {
            "content/articles/concept.md": ARTICLE.format(
                title="Concept", date="2024-01-04", extra="status: draft"
            )
        },
    )
    with pytest.raises(ContentError) as err:
        build_project(project)
    assert re.search(
        rf'2024-01\.md: veld "Artikelen \(in volgorde\)" \(articles\): {re.escape(expected)}',
        str(err.value),
    )
    assert not (project / "output").exists()


def test_signup_form_posts_to_the_service_with_consent_and_honeypot(tmp_path):
    from content_model.consent import text_version
    from pelicanconf import NEWSLETTER_CONSENT_TEXT
    from statements import privacy_version
    from swk.build import load_settings
    from tests.support.testing import ROOT

    project = _project(tmp_path, {})
    out = build_project(project, SERVICE_URL="https://dienst.example.org")
    privacy = privacy_version(
        load_settings(str(ROOT / "pelicanconf.py"))
    )  # the statement's (plugins/statements)
    assert re.fullmatch(r"[0-9a-f]{40}", privacy)
    for page, path in (("nieuwsbrief/index.html", "/nieuwsbrief/"), ("index.html", "/")):
        html = (out / page).read_text()
        assert 'method="post" action="https://dienst.example.org/nieuwsbrief/aanmelden"' in html
        assert f'<input type="hidden" name="page" value="{path}">' in html
        assert (
            f'<input type="hidden" name="consent_version" value="{text_version(NEWSLETTER_CONSENT_TEXT)}">'
            in html
        )
        assert f'<input type="hidden" name="privacy_version" value="{privacy}">' in html
        # the City's form field: ams-field, ams-label, ams-text-input (partials/form_fields.html)
        assert (
            '<div class="ams-field">\n<label class="ams-label" for="signup-email">E-mailadres</label>'
            in html
        )
        assert (
            '<input class="ams-text-input" id="signup-email" name="email" type="email" autocomplete="email" required'
            in html
        )
        assert (
            '<button class="ams-button ams-button--primary" type="submit">Aanmelden</button>'
            in html
        )
        assert f'<label for="signup-consent">{NEWSLETTER_CONSENT_TEXT}</label>' in html
        assert 'name="consent" type="checkbox" value="ja" required' in html
        assert 'name="website" type="text" tabindex="-1" autocomplete="off"' in html  # the honeypot
    assert (
        "Er zijn nog geen nieuwsbrieven verschenen." in (out / "nieuwsbrief/index.html").read_text()
    )


def test_without_a_service_visitors_sign_up_by_mail(tmp_path):
    out = build_project(_project(tmp_path, {}))
    html = (out / "nieuwsbrief/index.html").read_text()
    assert "<form" not in html.split('id="signup-title"')[1].split("</section>")[0]
    assert 'href="mailto:sociaalwerkkoepel@amsterdam.nl?subject=Aanmelden%20nieuwsbrief"' in html


def test_the_site_and_both_email_parts_say_the_same_about_each_event(tmp_path):
    """One wording (content_model.eventtext) for the event page, the agenda, email.html and
    email.txt, in the City's style ("15.00–18.00 uur"); the same upcoming events. Built with
    the newsletter listed before the agenda: the e-mail needs nothing the agenda computes
    (an event without a summary used to put the agenda's missing lead, Pelican's HTML from
    the body, in email.txt)."""
    events = {
        # a timed start and a date-only end (the e-mail once said "9.00–00.00")
        "tweedaags": "start: 2024-04-02T09:00\nend: 2024-04-03\nlocation: Tolhuistuin",
        # one afternoon, at a place and online; no summary, a body with markup
        "middag": "start: 2024-03-26T15:00\nend: 2024-03-26T18:00\n"
        "location: Tolhuistuin\nonline: true",
        # several whole days
        "meerdaags": "start: 2024-04-10\nend: 2024-04-12\nonline: true",
        # from one day's time to another's ("tot", not "tot en met")
        "weekend": "start: 2024-04-20T10:00\nend: 2024-04-21T16:00\nlocation: Tolhuistuin",
        "voorbij": "start: 2023-12-01T15:00\nlocation: Tolhuistuin",
    }
    files = {
        f"content/events/{slug}.md": f'---\ntitle: "Event {slug}"\n{fields}\n---\n'
        "Een middag met **veel** te doen.\n"
        for slug, fields in events.items()
    }
    files["newsletters/2024-01.md"] = ISSUE.format(
        title="Januari",
        date="2024-01-10",
        articles="",
        events="upcoming",
        status="ready",
        intro="Hallo.",
    )
    project = make_project(tmp_path, files)
    plugins = runpy.run_path(str(ROOT / "pelicanconf.py"))["PLUGINS"]
    plugins = [p for p in plugins if p != "newsletter"]
    plugins.insert(plugins.index("agenda"), "newsletter")
    with env(SWK_NOW="2024-01-15T12:00"):
        out = build_project(project, PLUGINS=plugins, SEARCH_INDEX=False)
    text = (out / "nieuwsbrief/2024-01/email.txt").read_text(encoding="utf-8")
    html = (out / "nieuwsbrief/2024-01/email.html").read_text(encoding="utf-8")
    agenda = (out / "agenda/index.html").read_text(encoding="utf-8")
    ics = (out / "agenda.ics").read_text(encoding="utf-8")
    said = {}
    for slug in events:
        page = (out / f"agenda/{slug}/index.html").read_text(encoding="utf-8")
        when = re.search(r"Wanneer.*?<time [^>]*>([^<]+)</time>", page).group(1)
        where = re.search(r"Waar.*?<dd>([^<]+)</dd>", page).group(1)
        said[slug] = (when, where)
        if slug == "voorbij":  # past: neither in the agenda nor in the e-mail
            assert f"Event {slug}" not in agenda and f"Event {slug}" not in text
            continue
        assert f"{when}, {where}" in text
        assert f"<strong>{when}</strong><br />{where}" in html
        assert f"{when}</time><br>{where}" in agenda
        assert f"LOCATION:{where[0].upper()}{where[1:]}" in ics
    assert said == {
        "tweedaags": (
            "dinsdag 2 april 2024, 9.00 uur tot en met woensdag 3 april 2024",
            "Tolhuistuin",
        ),
        "middag": ("dinsdag 26 maart 2024, 15.00–18.00 uur", "Tolhuistuin en online"),
        "meerdaags": ("woensdag 10 april 2024 tot en met vrijdag 12 april 2024", "online"),
        "weekend": (
            "zaterdag 20 april 2024, 10.00 uur tot zondag 21 april 2024, 16.00 uur",
            "Tolhuistuin",
        ),
        "voorbij": ("vrijdag 1 december 2023, 15.00 uur", "Tolhuistuin"),
    }
    # soonest first, as on the agenda
    order = ["Event middag", "Event tweedaags", "Event meerdaags", "Event weekend"]
    assert sorted(order, key=text.index) == order == sorted(order, key=agenda.index)
    assert "<" not in text and "veel" not in text  # no lead: no summary, no body markup

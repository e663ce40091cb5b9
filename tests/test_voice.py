"""One voice: visitors are "u", and every term of the word list in docs/redactie.md is used.

Checked in the templates (the text between the Jinja, attributes people see or hear), in the
scripts' messages, and in every page and e-mail a build writes: of a small project written for
this test (every template, no quotes) and of the real content, where only the bodies of
articles are left out (interviews quote people as they spoke).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support.testing import ROOT, build_project, env, make_project

GUIDE = ROOT / "docs" / "redactie.md"
TEMPLATES = ROOT / "theme" / "templates"
# Templates that editors see, not visitors (editors may be "je"): the web editor's page.
EDITOR_TEMPLATES = {"admin.html"}
# Visible attributes: what a screen reader reads or a browser shows; the search facets.
ATTRIBUTES = (
    "alt",
    "title",
    "aria-label",
    "placeholder",
    "value",
    "data-pagefind-filter",
    "data-pagefind-meta",
)
RULES = {  # the writing guide's rules for dates and times
    "t/m": re.compile(r"(?<!\w)t/m(?!\w)", re.I),
    "a time with a leading zero (09.00)": re.compile(r"(?<![\d.,])0\d\.\d\d(?!\d)"),
}


def word_list() -> tuple[dict[str, re.Pattern], list[str]]:
    """The "niet" column of the word list (term -> pattern) and the names that keep their own
    spelling ("Job Event")."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("### Woordenlijst") :]
    section = section[: section.index("\n### ", 1)]
    rows = re.findall(r"^\| ([^|]+) \| ([^|]+) \| [^|]* \|$", section, re.M)
    terms = {}
    for use, avoid in rows:
        if use.strip() in ("gebruik", "---"):
            continue
        for term in avoid.split(","):
            term = term.strip()
            words = r"\s+".join(map(re.escape, term.split()))
            terms[term] = re.compile(rf"(?<![\w-]){words}(?![\w-])", re.I)
    names = re.search(
        r"Namen van evenementen en regelingen houden hun eigen spelling: ([^.]+)\.", section
    ).group(1)
    return terms, [n.strip() for n in names.split(",")]


TERMS, NAMES = word_list()


def test_the_word_list_is_read():
    assert {
        "je",
        "jouw",
        "jij",
        "event",
        "bijeenkomst",
        "uitschrijven",
        "Type",
        "korte omschrijving",
    } <= set(TERMS)
    assert "Job Event" in NAMES


# Quoted speech (‘…’ or “…”) stays as it was said; an apostrophe (firma’s) is no quote.
QUOTED = re.compile(r"‘[^‘’]*’(?![\w])|“[^“”]*”")


def problems_in(text: str, where: str) -> list[str]:
    text = QUOTED.sub(" ", text)
    for name in NAMES:
        text = re.sub(re.escape(name), " ", text, flags=re.I)
    found = []
    for term, pattern in {**TERMS, **RULES}.items():
        for m in pattern.finditer(text):
            around = " ".join(text[max(0, m.start() - 40) : m.end() + 40].split())
            found.append(f"{where}: '{term}' in “{around}”")
    return found


class _Visible(HTMLParser):
    """The text people read or hear: text outside scripts and styles, visible attributes, the
    meta description. Elements with a class in ``skip`` are left out, with their content."""

    def __init__(self, skip=()):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = set(skip)
        self._hidden = 0  # depth inside script/style/skipped elements
        self._stack: list[bool] = []

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        hide = tag in ("script", "style") or bool(self.skip & set((a.get("class") or "").split()))
        if tag not in self.VOID:
            self._stack.append(hide)
            self._hidden += hide
        if self._hidden:
            return
        for key in ATTRIBUTES:
            if a.get(key):
                # a search result's meta key ("type:Artikel") is code; its value is shown
                self.parts.append(
                    a[key].split(":", 1)[-1] if key == "data-pagefind-meta" else a[key]
                )
        if tag == "meta" and (
            a.get("name") == "description" or (a.get("property") or "").startswith("og:")
        ):
            self.parts.append(a.get("content") or "")

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._stack:
            self._hidden -= self._stack.pop()

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str, skip=()) -> str:
    parser = _Visible(skip)
    parser.feed(html)
    return " \n".join(parser.parts)


def template_text(source: str) -> str:
    """A template's own words: Jinja (and Pagefind's {{ }}) and comments taken out."""
    source = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    source = re.sub(r"\{%.*?%\}", " ", source, flags=re.S)
    source = re.sub(r"\{\{.*?\}\}", " ", source, flags=re.S)
    source = re.sub(r"<!--.*?-->", " ", source, flags=re.S)
    return source


def test_templates_speak_with_one_voice():
    problems = []
    files = [p for p in TEMPLATES.rglob("*") if p.is_file() and p.name not in EDITOR_TEMPLATES]
    assert len(files) > 30
    for path in files:
        text = template_text(path.read_text(encoding="utf-8"))
        if path.suffix in (".html", ".mjml"):
            text = visible_text(text)
        problems += problems_in(text, str(path.relative_to(ROOT)))
    for script in (ROOT / "theme/static/js").glob("*.js"):
        source = re.sub(r"//[^\n]*|/\*.*?\*/", " ", script.read_text(encoding="utf-8"), flags=re.S)
        strings = " \n".join(re.findall(r'"([^"\\]*)"', source))
        problems += problems_in(strings, str(script.relative_to(ROOT)))
    assert not problems, "\n".join(problems)


def test_the_checker_finds_what_breaks_the_voice():
    page = """<html><head><meta name="description" content="Zet in je agenda"></head><body>
    <p>Het Job Event van 9.00 uur.</p><button aria-label="Inschrijven voor de nieuwsbrief">x</button>
    <div class="prose">Wat doe jij?</div><script>var je = 1;</script>
    <span data-pagefind-filter="Type:Agenda"></span><p>Open t/m 09.30 uur.</p>
    <p>‘Dan moet je er goed mee omgaan.’ Pak je kans. De firma’s.</p></body></html>"""
    found = problems_in(visible_text(page, skip={"prose"}), "x")
    assert sorted(f.split("'")[1] for f in found) == sorted(
        ["je", "inschrijven", "Type", "t/m", "a time with a leading zero (09.00)"]
    ), found


FILES = {
    "content/articles/werk.md": """
        ---
        title: Werk voor iedereen
        date: 2023-02-16
        category: Interview
        summary: Hoe een werkgever ruimte maakt voor nieuwe collega’s.
        tags: [duurzaam-werk, werkgevers]
        partners: [firma]
        events: [voorjaar]
        ---
        Een werkgever vertelt over zijn bedrijf.
        """,
    "content/partners/firma.md": """
        ---
        title: De Firma
        kind: sociale-firma
        district: Noord
        sector: Horeca
        website: https://www.voorbeeld.nl
        email: info@voorbeeld.nl
        since: 2019
        summary: Een sociale firma in Noord.
        ---
        Een restaurant met werkplekken voor mensen met een afstand tot de arbeidsmarkt.
        """,
    "content/events/voorjaar.md": """
        ---
        title: Voorjaarsochtend van het netwerk
        start: 2024-03-05T09:00
        end: 2024-03-05T12:30
        kind: netwerkevent
        location: Pakhuis de Zwijger
        registration: https://www.voorbeeld.nl/aanmelden
        partners: [firma]
        summary: Ontmoet werkgevers en partners.
        ---
        Een ochtend voor het netwerk.
        """,
    "content/events/training.md": """
        ---
        title: Training voor werkgevers
        start: 2024-03-11
        end: 2024-03-12
        kind: training
        online: ja
        registration: mailto:info@voorbeeld.nl
        ---
        Twee dagen online.
        """,
    "content/events/winter.md": """
        ---
        title: Winteravond
        start: 2023-02-16T15:00
        end: 2023-02-16T18:00
        location: Tolhuistuin
        registration: https://www.voorbeeld.nl/winter
        ---
        Dit was een avond in de winter.
        """,
    "newsletters/2024-02-nieuwsbrief.md": """
        ---
        title: Nieuwsbrief februari
        date: 2024-02
        number: 4
        articles: [werk]
        events: komende
        status: klaar
        ---
        Welkom bij de nieuwsbrief.
        """,
}


@pytest.fixture(scope="module")
def project_site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("stem"), FILES)
    with env(SWK_NOW="2024-01-15T12:00"):
        return build_project(project)


def built_pages(out: Path):
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith(("admin/", "pagefind/")) or path.suffix not in (".html", ".txt"):
            continue
        yield rel, path


def test_every_page_and_email_of_a_build_speaks_with_one_voice(project_site):
    templates, problems = set(), []
    for rel, path in built_pages(project_site):
        text = path.read_text(encoding="utf-8")
        templates |= set(re.findall(r'data-template="([\w-]+)"', text))
        problems += problems_in(text if path.suffix == ".txt" else visible_text(text), rel)
    # the build above covers every template of the theme
    assert {
        "home",
        "article",
        "partner",
        "partners",
        "event",
        "agenda",
        "agenda_archive",
        "newsletter",
        "newsletters",
        "newsletter_unsubscribe",
        "search",
        "404",
        "tag",
        "tags",
        "category",
        "index",
        "page",
        "toegankelijkheid",
        "privacy",
    } <= templates, templates
    assert (project_site / "nieuwsbrief/2024-02-nieuwsbrief/email.txt").exists()
    assert not problems, "\n".join(problems)


def test_the_real_site_speaks_with_one_voice(site):
    """The real content too, except the bodies of articles: interviews quote people."""
    problems = []
    for rel, path in built_pages(site):
        text = path.read_text(encoding="utf-8")
        skip = {"prose"} if 'data-template="article"' in text else set()
        problems += problems_in(text if path.suffix == ".txt" else visible_text(text, skip), rel)
    assert not problems, "\n".join(problems)


def test_dutch_dates_times_and_words_in_the_pages(project_site):
    def main(rel):
        text = (project_site / rel / "index.html").read_text(encoding="utf-8")
        return " ".join(visible_text(text[text.index("<main") :]).split())

    assert "dinsdag 5 maart 2024, 9.00–12.30 uur" in main("agenda/voorjaar")
    assert "maandag 11 maart 2024 tot en met dinsdag 12 maart 2024" in main("agenda/training")
    newsletter = main("nieuwsbrief/2024-02-nieuwsbrief")
    assert "Nieuwsbrief 4, februari 2024" in newsletter and "1 februari" not in newsletter
    assert (
        "Nieuwsbrief 4, februari 2024"
        in (project_site / "nieuwsbrief/2024-02-nieuwsbrief/email.txt").read_text()
    )
    assert "februari 2024" in main("nieuwsbrief") and "1 februari 2024" not in main("nieuwsbrief")
    article = main("artikelen/werk")
    assert "duurzaam werk" in article and "duurzaam-werk" not in article  # tags as words
    assert "Trefwoord: duurzaam werk" in main("tag/duurzaam-werk")
    # a past event: nothing to sign up for or to add to a calendar
    past = main("agenda/winter")
    assert (
        "Dit evenement is voorbij." in past
        and "Zet in uw agenda" not in past
        and "Aanmelden" not in past
    )
    assert "Zet in uw agenda" in main("agenda/voorjaar")

"""The partner directory: real Pelican builds of small projects, read back from disk."""

import json
import re
from html.parser import HTMLParser

from tests.support.testing import build_project, make_project

PARTNERS = {
    "content/partners/zeeman.md": """
        ---
        title: Zeeman Werkt
        kind: werkgever
        sector: retail
        district: Nieuw-West
        website: https://www.voorbeeld.nl/zeeman/
        email: info@voorbeeld.nl
        phone: 020 123 4567
        since: 2019
        summary: Een werkgever in Nieuw-West.
        ---
        Over **Zeeman Werkt**.
        """,
    "content/partners/eenhoorn.md": """
        ---
        title: Éénhoorn Sociale Firma
        kind: sociale-firma
        district: Nieuw-West
        ---
        """,
    "content/partners/de-brug.md": """
        ---
        title: de Brug
        kind: werkgever
        district: Zuidoost
        sector: retail
        ---
        Tekst.
        """,
    "content/partners/alfa.md": """
        ---
        title: Alfa Opleidingen
        kind: opleider
        ---
        Kaal: geen enkel optioneel veld.
        """,
    "content/partners/geheim.md": """
        ---
        title: Geheime Partner
        kind: werkgever
        district: Nieuw-West
        status: draft
        ---
        """,
    "content/articles/over-zeeman.md": """
        ---
        title: Werken bij Zeeman
        date: 2023-03-01
        category: Interview
        summary: Een interview.
        partners: [zeeman]
        ---
        Tekst.
        """,
    "content/events/open-dag.md": """
        ---
        title: Open dag
        start: 2030-05-01T10:00
        partners: [zeeman]
        ---
        """,
}


class _Extract(HTMLParser):
    """Card titles in the partner list, the current filter chip and the JSON-LD."""

    def __init__(self):
        super().__init__()
        self.cards, self.current, self.jsonld = [], [], []
        self._in = None
        self._filters = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self._filters = attrs.get("class") == "filters"
        if tag == "h3" and attrs.get("class") == "card-title":
            self._in = "card"
        elif tag == "a" and attrs.get("aria-current") == "page" and self._filters:
            self._in = "current"
            self.current.append("")
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "jsonld"

    def handle_endtag(self, tag):
        if tag == "nav":
            self._filters = False
        if (
            (self._in == "card" and tag == "h3")
            or (self._in == "current" and tag == "a")
            or (self._in == "jsonld" and tag == "script")
        ):
            self._in = None

    def handle_data(self, data):
        if self._in == "card":
            self.cards.append(data.strip())
        elif self._in == "current":
            self.current[-1] += data
        elif self._in == "jsonld":
            self.jsonld.append(json.loads(data))


def read(out, rel) -> _Extract:
    parser = _Extract()
    parser.feed((out / rel / "index.html").read_text())
    return parser


def test_index_lists_published_partners_in_dutch_order(tmp_path):
    out = build_project(make_project(tmp_path, PARTNERS))
    page = read(out, "partners")
    # Case and accents do not count: de Brug < Éénhoorn < Zeeman
    assert page.cards == ["Alfa Opleidingen", "de Brug", "Éénhoorn Sociale Firma", "Zeeman Werkt"]
    html = (out / "partners/index.html").read_text()
    assert "4 partners" in html
    assert "Sociale firma" in html and "Opleider" in html  # Dutch labels, not the slugs
    assert page.current == ["Alle partners (4)"]
    everything = "".join(p.read_text(errors="ignore") for p in out.rglob("*.html"))
    assert "Geheime Partner" not in everything


def test_filter_pages_list_exactly_their_partners_with_counts(tmp_path):
    out = build_project(make_project(tmp_path, PARTNERS))
    expected = {
        "partners/soort/werkgever": ["de Brug", "Zeeman Werkt"],
        "partners/soort/sociale-firma": ["Éénhoorn Sociale Firma"],
        "partners/soort/opleider": ["Alfa Opleidingen"],
        "partners/stadsdeel/nieuw-west": ["Éénhoorn Sociale Firma", "Zeeman Werkt"],
        "partners/stadsdeel/zuidoost": ["de Brug"],
        "partners/sector/retail": ["de Brug", "Zeeman Werkt"],
    }
    for rel, names in expected.items():
        assert read(out, rel).cards == names, rel
    # no pages for values nobody has (the draft's kind/district do not count either)
    assert sorted(p.name for p in (out / "partners/soort").iterdir()) == [
        "opleider",
        "sociale-firma",
        "werkgever",
    ]
    assert sorted(p.name for p in (out / "partners/stadsdeel").iterdir()) == [
        "nieuw-west",
        "zuidoost",
    ]

    page = read(out, "partners/stadsdeel/nieuw-west")
    assert page.current == ["Nieuw-West (2)"]
    html = (out / "partners/stadsdeel/nieuw-west/index.html").read_text()
    assert '<h1 class="ams-heading ams-heading--1">Partners in stadsdeel Nieuw-West</h1>' in html
    assert (
        '<p class="result-count" id="partner-count" role="status">2 van de 4 partners</p>' in html
    )
    assert '<h2 id="filters-title">Zoeken en filteren</h2>' in html
    for chip in ("Werkgever", "Zuidoost", "Retail"):
        assert re.search(rf">{chip} <span class=\"chip-count\">\(\d\)</span></a>", html), chip
    assert 'href="/partners/soort/werkgever/">Werkgever <span class="chip-count">(2)' in html
    # the JavaScript form is for the index only; filter pages are plain
    assert "partner-filter.js" not in html
    assert "partner-filter.js" in (out / "partners/index.html").read_text()


def test_partner_page_has_contact_details_backlinks_and_jsonld(tmp_path):
    out = build_project(make_project(tmp_path, PARTNERS), SITEURL="https://swk.example")
    html = (out / "partners/zeeman/index.html").read_text()
    assert '<a href="https://www.voorbeeld.nl/zeeman/">www.voorbeeld.nl/zeeman</a>' in html
    assert '<a href="mailto:info@voorbeeld.nl">info@voorbeeld.nl</a>' in html
    assert '<a href="tel:0201234567">020 123 4567</a>' in html
    assert '<dt>Partner sinds<span class="visually-hidden">:</span></dt> <dd>2019</dd>' in html
    assert '<a href="https://swk.example/partners/stadsdeel/nieuw-west/">Nieuw-West</a>' in html
    assert '<a href="https://swk.example/partners/sector/retail/">Retail</a>' in html
    assert "<strong>Zeeman Werkt</strong>" in html
    assert 'href="https://swk.example/artikelen/over-zeeman/">Werken bij Zeeman</a>' in html
    assert 'href="https://swk.example/agenda/open-dag/">Open dag</a>' in html
    assert "woensdag 1 mei 2030, 10.00 uur" in html

    (org,) = read(out, "partners/zeeman").jsonld
    assert org["@context"] == "https://schema.org" and org["@type"] == "Organization"
    assert org["name"] == "Zeeman Werkt"
    assert org["url"] == "https://www.voorbeeld.nl/zeeman/"  # the organisation's own website
    assert org["@id"] == "https://swk.example/partners/zeeman/#organisatie"
    assert org["mainEntityOfPage"] == "https://swk.example/partners/zeeman/"
    assert org["email"] == "info@voorbeeld.nl" and org["telephone"] == "020 123 4567"
    assert org["areaServed"] == "Nieuw-West"


def test_partner_without_optional_fields_renders_cleanly(tmp_path):
    out = build_project(make_project(tmp_path, PARTNERS))
    html = (out / "partners/alfa/index.html").read_text()
    main = html[html.index("<main") : html.index("</main>")]
    for absent in (
        "Website",
        "E-mail",
        "Telefoon",
        "Stadsdeel",
        "Sector",
        "Partner sinds",
        "Artikelen",
        "Evenementen",
        "None",
        'class="lead"',
    ):
        assert absent not in main, absent
    assert (
        '<dt>Soort<span class="visually-hidden">:</span></dt> '
        '<dd><a href="/partners/soort/opleider/">Opleider</a></dd>'
    ) in main
    (org,) = read(out, "partners/alfa").jsonld
    # no website: no url (our page about the partner is not the organisation's website)
    assert "url" not in org and org["mainEntityOfPage"] == "http://localhost:8000/partners/alfa/"
    assert "email" not in org and "telephone" not in org and "areaServed" not in org


def test_empty_directory_says_so(tmp_path):
    out = build_project(
        make_project(
            tmp_path,
            {
                "content/partners/concept.md": "---\ntitle: Concept\nkind: overig\nstatus: draft\n---\n",
            },
        )
    )
    html = (out / "partners/index.html").read_text()
    assert "Er staan nog geen partners in de lijst." in html
    assert 'class="filters"' not in html and "partner-filter" not in html
    assert not (out / "partners/soort").exists()


def test_every_kind_has_one_dutch_label():
    from content_model.schema import KINDS_PARTNER
    from partners.directory import KIND_LABELS

    assert list(KIND_LABELS) == list(KINDS_PARTNER)
    assert KIND_LABELS["sociale-firma"] == "Sociale firma"
    assert KIND_LABELS["maatschappelijke-organisatie"] == "Maatschappelijke organisatie"


def test_real_filter_pages_match_the_content(site):
    """Every static filter page of the real content lists exactly the partners of its value."""
    import yaml

    from tests.support.testing import ROOT

    metas = []
    for path in sorted((ROOT / "content/partners").glob("*.md")):
        meta = yaml.safe_load(path.read_text().split("---")[1])
        if meta.get("status") != "draft":
            metas.append(meta)
    seen = 0
    for segment, key in (("soort", "kind"), ("stadsdeel", "district"), ("sector", "sector")):
        folder = site / "partners" / segment
        for value_dir in folder.iterdir() if folder.exists() else ():
            names = read(site, value_dir.relative_to(site)).cards
            wanted = [
                m["title"]
                for m in metas
                if str(m.get(key, "")).lower().replace(" ", "-") == value_dir.name
            ]
            assert sorted(names) == sorted(wanted) and names, value_dir
            seen += 1
    assert seen >= 5
    assert len(read(site, "partners").cards) == len(metas) == 13

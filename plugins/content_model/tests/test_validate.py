"""The content contract: every kind of bad input gives one clear line, all at once."""

from pathlib import Path

import pytest

from content_model.clock import parse_datetime, site_zone
from content_model.loading import load_all
from tests.support.testing import write

ARTICLE = """
---
title: Een artikel
date: 2023-02-16
category: Nieuws
summary: Kort.
{extra}
---
Tekst.
"""
PARTNER = """
---
title: Vegan Masters
kind: sociale-firma
---
Beschrijving.
"""
EVENT = """
---
title: Winter Event
start: {start}
{extra}
---
"""


def problems_for(tmp_path: Path, files: dict[str, str]) -> list[str]:
    sources = {"article": [], "partner": [], "event": [], "newsletter": [], "page": []}
    folder = {
        "articles": "article",
        "partners": "partner",
        "events": "event",
        "newsletters": "newsletter",
    }
    for rel, text in files.items():
        path = write(tmp_path / rel, text)
        sources[folder[Path(rel).parts[0]]].append(path)
    return [str(p) for p in load_all(sources).problems]


def test_good_content_has_no_problems(tmp_path):
    assert (
        problems_for(
            tmp_path,
            {
                "articles/a.md": ARTICLE.format(
                    extra="partners: [vegan-masters]\nevents: [winter]"
                ),
                "partners/vegan-masters.md": PARTNER,
                "events/winter.md": EVENT.format(
                    start="2023-02-16T15:00", extra="end: 2023-02-16T18:00"
                ),
            },
        )
        == []
    )


@pytest.mark.parametrize(
    "extra, expected",
    [
        (
            "category: Opinie",
            'veld "Rubriek" (category): "Opinie" is geen geldige waarde; kies uit: Interview, Nieuws',
        ),
        (
            "date: 16 februari 2023",
            'veld "Publicatiedatum" (date): "16 februari 2023" is geen datum; schrijf 2023-02-16',
        ),
        (
            "partners: [vegan-master]",
            "veld \"Partners\" (partners): verwijst naar partner 'vegan-master', maar die bestaat niet. Bedoel je 'vegan-masters'?",
        ),
        (
            "events: [zomer]",
            "veld \"Evenementen\" (events): verwijst naar evenement 'zomer', maar die bestaat niet",
        ),
        ("sumary: typo", "veld 'sumary': is geen veld van een artikel"),
        (
            "image: /images/x.jpg",
            'veld "Beschrijving van de afbeelding (alt-tekst)" (image_alt): ontbreekt',
        ),
        ("tags: {a: b}", 'veld "Trefwoorden" (tags): moet een lijst zijn'),
    ],
)
def test_bad_article_field(tmp_path, extra, expected):
    text = ARTICLE.replace("category: Nieuws\n", "") if extra.startswith("category") else ARTICLE
    text = text.replace("date: 2023-02-16\n", "") if extra.startswith("date") else text
    found = problems_for(
        tmp_path, {"articles/a.md": text.format(extra=extra), "partners/vegan-masters.md": PARTNER}
    )
    assert len(found) == 1, found
    assert found[0].startswith(str(Path("articles/a.md"))) or "a.md" in found[0]
    assert expected in found[0]


def test_missing_required_fields_are_all_reported(tmp_path):
    found = problems_for(tmp_path, {"articles/a.md": "---\ntitle: X\n---\n"})
    assert [f.split(": ", 1)[1] for f in found] == [
        'veld "Publicatiedatum" (date): ontbreekt; dit veld is verplicht',
        'veld "Rubriek" (category): ontbreekt; dit veld is verplicht',
        'veld "Samenvatting" (summary): ontbreekt; dit veld is verplicht',
    ]


def test_yaml_error_names_the_line(tmp_path):
    found = problems_for(tmp_path, {"articles/a.md": "---\ntitle: X\nsummary: a: b\n---\n"})
    assert len(found) == 1
    assert "a.md:3: de velden bovenaan zijn niet te lezen" in found[0]
    assert "YAML" not in found[0] and "mapping" not in found[0]  # no parser English


def test_missing_front_matter(tmp_path):
    found = problems_for(tmp_path, {"articles/a.md": "title: X\n"})
    assert "begint niet met '---'" in found[0]


def test_unclosed_front_matter(tmp_path):
    found = problems_for(tmp_path, {"articles/a.md": "---\ntitle: X\n"})
    assert "worden niet afgesloten" in found[0]


def test_event_end_before_start(tmp_path):
    found = problems_for(
        tmp_path,
        {"events/e.md": EVENT.format(start="2023-02-16T15:00", extra="end: 2023-02-16T14:00")},
    )
    assert found == [
        f'{tmp_path / "events/e.md"}: veld "Einde" (end): ligt vóór het begin; het einde moet na het begin liggen'.replace(
            str(tmp_path / "events/e.md"), found[0].split(":")[0]
        )
    ]


def test_all_day_event_may_end_same_day(tmp_path):
    assert (
        problems_for(
            tmp_path, {"events/e.md": EVENT.format(start="2023-02-16", extra="end: 2023-02-16")}
        )
        == []
    )


def test_partner_vocabularies(tmp_path):
    found = problems_for(
        tmp_path,
        {
            "partners/p.md": "---\ntitle: P\nkind: bedrijf\ndistrict: Amsterdam-Noord\nwebsite: www.x.nl\n---\n"
        },
    )
    assert len(found) == 3
    assert (
        'veld "Soort" (kind): "bedrijf" is geen geldige waarde; kies uit: werkgever, sociale-firma'
        in found[0]
    )
    assert 'veld "Stadsdeel" (district)' in found[1] and "Noord" in found[1]
    assert 'veld "Website" (website): "www.x.nl" is geen webadres' in found[2]


def test_duplicate_slug(tmp_path):
    found = problems_for(
        tmp_path,
        {"partners/a.md": PARTNER, "partners/b.md": PARTNER.replace("title:", "slug: a\ntitle:")},
    )
    assert (
        len(found) == 1
        and "veld \"Webadres\" (slug): het webadres 'a' wordt al gebruikt door" in found[0]
    )


def test_newsletter_may_not_refer_to_draft_article(tmp_path):
    found = problems_for(
        tmp_path,
        {
            "articles/a.md": ARTICLE.format(extra="status: draft"),
            "newsletters/n.md": "---\ntitle: N\ndate: 2023-03-01\narticles: [a]\nstatus: ready\n---\n",
        },
    )
    assert len(found) == 1
    assert (
        "n.md: veld \"Artikelen (in volgorde)\" (articles): verwijst naar artikel 'a', maar dat is een concept"
        in found[0]
    )


def test_reference_problems_name_both_files_relative_to_the_working_folder(tmp_path, monkeypatch):
    """The paths in a reference problem are made only when there is one: still the file
    with the reference, and the file it refers to, as the editor's working folder sees them."""
    monkeypatch.chdir(tmp_path)
    files = {
        "articles/a.md": ARTICLE.format(extra="partners: [nergens]"),
        "articles/concept.md": ARTICLE.format(extra="status: draft"),
        "articles/later.md": ARTICLE.replace("2023-02-16", "2023-05-01").format(extra=""),
        "newsletters/n.md": "---\ntitle: N\ndate: 2023-03-01\narticles: [concept, later]\n"
        "status: ready\n---\n",
    }
    sources = {"article": [], "partner": [], "event": [], "newsletter": [], "page": []}
    for rel, text in files.items():
        kind = {"articles": "article", "newsletters": "newsletter"}[rel.split("/")[0]]
        sources[kind].append(write(tmp_path / rel, text))
    now = parse_datetime("2023-03-01T12:00", site_zone())[0]
    found = [str(p) for p in load_all(sources, now).problems]
    assert found == [
        "articles/a.md: veld \"Partners\" (partners): verwijst naar partner 'nergens', maar die "
        "bestaat niet. Controleer de naam van het bestand in de map van partners.",
        'newsletters/n.md: veld "Artikelen (in volgorde)" (articles): verwijst naar artikel '
        "'concept', maar dat is een concept (status: draft in articles/concept.md); publiceer "
        "het of haal het uit de lijst",
        'newsletters/n.md: veld "Artikelen (in volgorde)" (articles): verwijst naar artikel '
        "'later', maar dat staat pas vanaf 2023-05-01 op de site (Publicatiedatum in "
        "articles/later.md); wacht tot dan of haal het uit de lijst",
    ]


def test_content_files_are_what_rglob_finds_in_sorted_path_order(tmp_path):
    """``markdown_files`` walks the folders with ``os.scandir``, not ``rglob``, and sorts
    without comparing Paths: the files and the order of ``sorted()`` of what ``rglob("*.md")``
    finds that ``is_file()`` (by their parts: "a/b.md" before "a-c.md", unlike strings)."""
    import os

    from content_model.loading import markdown_files

    root = tmp_path / "content"
    for rel in ("a/b.md", "a-c.md", "a.md", "B.md", "a/a/z.md", "é.md", "_x.md", "a b.md"):
        write(root / rel, "x")
    write(root / "map.md/binnen.md", "x")  # a folder named .md: not a file, but searched
    write(root / ".verborgen/v.md", "x")
    write(root / "hoofd.MD", "x")
    write(root / "tekst.txt", "x")
    write(tmp_path / "elders/e.md", "x")
    os.symlink(tmp_path / "elders", root / "gelinkt")  # a linked folder: not searched
    os.symlink(tmp_path / "elders/e.md", root / "link.md")  # a linked file: found
    os.symlink(tmp_path / "weg.md", root / "kapot.md")  # a broken link: not a file
    os.symlink(root / "lus.md", root / "lus.md")  # a loop: not a file
    found = markdown_files(root)
    assert found == sorted(p for p in root.rglob("*.md") if p.is_file())
    assert found.index(root / "a/b.md") < found.index(root / "a-c.md")
    names = {p.relative_to(root).as_posix() for p in found}
    assert {"map.md/binnen.md", ".verborgen/v.md", "link.md"} <= names
    assert not names & {"map.md", "hoofd.MD", "gelinkt/e.md", "kapot.md", "lus.md"}
    assert len(found) == 11
    assert markdown_files(tmp_path / "nergens") == []


def test_newsletter_events_upcoming_or_list(tmp_path):
    ok = "---\ntitle: N\ndate: 2023-03-01\nevents: upcoming\n---\n"
    assert problems_for(tmp_path, {"newsletters/n.md": ok}) == []
    bad = "---\ntitle: N\ndate: 2023-03-01\nevents: [nope]\n---\n"
    assert "verwijst naar evenement 'nope'" in problems_for(tmp_path, {"newsletters/n.md": bad})[0]


def test_bad_file_name_is_not_a_slug(tmp_path):
    found = problems_for(tmp_path, {"partners/Vegan Masters.md": PARTNER})
    assert "kan geen webadres worden; hernoem het bestand" in found[0]


@pytest.mark.parametrize(
    "text, iso, all_day",
    [
        ("2023-02-16", "2023-02-16T00:00:00+01:00", True),
        ("2026-12-20T14:30", "2026-12-20T14:30:00+01:00", False),  # as the web editor writes it
        ("2023-06-11T15:00:00", "2023-06-11T15:00:00+02:00", False),  # summer time
        ("2023-06-11T13:00:00Z", "2023-06-11T15:00:00+02:00", False),  # converted to Amsterdam
    ],
)
def test_dates_are_amsterdam_time(text, iso, all_day):
    dt, is_all_day = parse_datetime(text, site_zone())
    assert dt.isoformat() == iso and is_all_day is all_day


def test_a_changed_file_is_read_again(tmp_path):
    """read_item keeps parsed files between the checks of one build; any change counts."""
    files = {"articles/a.md": ARTICLE.format(extra="")}
    assert problems_for(tmp_path, files) == []
    assert problems_for(tmp_path, files) == []  # from the cache, same answer
    files["articles/a.md"] = ARTICLE.format(extra="").replace("Nieuws", "Nieuwz")  # same size
    assert any("Nieuwz" in p for p in problems_for(tmp_path, files))
    files["articles/a.md"] = ARTICLE.format(extra="")
    assert problems_for(tmp_path, files) == []


# --- what editors naturally type, and messages in plain Dutch ----------------------------------


def load(tmp_path: Path, files: dict[str, str]):
    sources = {"article": [], "partner": [], "event": [], "newsletter": [], "page": []}
    folder = {
        "articles": "article",
        "partners": "partner",
        "events": "event",
        "newsletters": "newsletter",
    }
    for rel, text in files.items():
        sources[folder[Path(rel).parts[0]]].append(write(tmp_path / rel, text))
    return load_all(sources)


def test_ja_nee_concept_klaar_and_komende_are_understood(tmp_path):
    cols = load(
        tmp_path,
        {
            "events/online.md": EVENT.format(start="2023-02-16", extra="online: ja"),
            "events/zaal.md": EVENT.format(
                start="2023-02-16", extra="online: Nee\nstatus: concept"
            ),
            "articles/a.md": ARTICLE.format(extra="status: Concept"),
            "newsletters/n.md": "---\ntitle: N\ndate: 2023-03-01\nevents: komende\nstatus: klaar\n---\n",
        },
    )
    assert [str(p) for p in cols.problems] == []
    events = cols.items["event"]
    assert events["online"].meta["online"] is True and events["zaal"].meta["online"] is False
    assert events["zaal"].is_draft and cols.items["article"]["a"].is_draft
    newsletter = cols.items["newsletter"]["n"]
    assert newsletter.meta["status"] == "ready" and newsletter.meta["events"] == "upcoming"


def test_a_wrong_yes_no_value_asks_for_ja_or_nee(tmp_path):
    found = problems_for(
        tmp_path, {"events/e.md": EVENT.format(start="2023-02-16", extra="online: misschien")}
    )
    assert found == [
        found[0].split(":")[0]
        + ': veld "Online" (online): "misschien" is geen ja of nee; schrijf ja of nee'
    ]


def test_a_newsletter_may_give_only_a_month(tmp_path):
    cols = load(tmp_path, {"newsletters/n.md": "---\ntitle: N\ndate: 2020-05\n---\n"})
    assert cols.problems == []
    meta = cols.items["newsletter"]["n"].meta
    assert meta["date"].date().isoformat() == "2020-05-01" and meta["date_month_only"] is True
    full = load(tmp_path, {"newsletters/m.md": "---\ntitle: M\ndate: 2020-05-14\n---\n"})
    assert full.items["newsletter"]["m"].meta["date_month_only"] is False
    # an article needs its day; a month that does not exist is an error
    found = problems_for(
        tmp_path, {"articles/a.md": ARTICLE.format(extra="").replace("2023-02-16", "2023-02")}
    )
    assert 'veld "Publicatiedatum" (date): "2023-02" is geen datum' in found[0]
    found = problems_for(tmp_path, {"newsletters/n.md": "---\ntitle: N\ndate: 2020-13\n---\n"})
    assert '"2020-13" is geen maand' in found[0]
    found = problems_for(tmp_path, {"newsletters/n.md": "---\ntitle: N\ndate: mei 2020\n---\n"})
    assert "of 2020-05 als alleen de maand bekend is" in found[0]


@pytest.mark.parametrize(
    "head, expected",
    [
        ("title: a: b", "er staat een dubbele punt op een plek waar die niet kan"),
        ("title: 'abc\ndate: 2020-01-01", "een aanhalingsteken wordt niet gesloten"),
        ("tags: [a, b\ndate: 2020-01-01", "een lijst tussen [ en ] is niet goed gesloten"),
        ("\ttitle: x", "er staat een tab; gebruik spaties"),
        ("title: @x", "zet de waarde tussen aanhalingstekens"),
    ],
)
def test_front_matter_errors_in_plain_dutch(tmp_path, head, expected):
    found = problems_for(tmp_path, {"articles/a.md": f"---\n{head}\n---\nTekst.\n"})
    assert len(found) == 1 and expected in found[0], found
    assert not any(
        word in found[0].lower() for word in ("yaml", "scalar", "mapping", "token", "found")
    )


def test_messages_use_the_editors_words(tmp_path):
    """Labels as in the web editor; no programmer words such as 'slug' outside the field's name."""
    found = problems_for(
        tmp_path,
        {
            "partners/Vegan Masters.md": PARTNER,
            "partners/a.md": PARTNER.replace("title:", "slug: Vegan Masters\ntitle:"),
        },
    )
    assert len(found) == 2
    for line in found:
        assert "slug" not in line.replace("(slug)", ""), line
    assert 'veld "Webadres" (slug): "Vegan Masters" kan geen webadres zijn' in found[1]


def test_registration_on_the_site_with_capacity_and_closing(tmp_path):
    extra = "registration: site\ncapacity: 40\nregistration_closes: 2023-02-14"
    assert (
        problems_for(tmp_path, {"events/e.md": EVENT.format(start="2023-02-16T15:00", extra=extra)})
        == []
    )


@pytest.mark.parametrize(
    "extra, expected",
    [
        (
            "registration: Site",
            'veld "Aanmelden (site, link of mailto:)" (registration): '
            '"Site" is geen geldige aanmelding; schrijf site',
        ),
        (
            "capacity: 20",
            "veld \"Aantal plaatsen\" (capacity): werkt alleen met 'registration: site'",
        ),
        (
            "registration: mailto:a@b.nl\nregistration_closes: 2023-02-10",
            "veld \"Aanmelden sluit\" (registration_closes): werkt alleen met 'registration: site'",
        ),
        (
            "registration: site\ncapacity: 0",
            'veld "Aantal plaatsen" (capacity): "0" is geen aantal plaatsen',
        ),
        (
            "registration: site\ncapacity: veel",
            'veld "Aantal plaatsen" (capacity): "veel" is geen geheel getal',
        ),
        (
            "registration: site\nregistration_closes: 2023-02-17",
            'veld "Aanmelden sluit" (registration_closes): ligt na het begin',
        ),
    ],
)
def test_bad_registration_fields(tmp_path, extra, expected):
    found = problems_for(
        tmp_path, {"events/e.md": EVENT.format(start="2023-02-16T15:00", extra=extra)}
    )
    assert (
        len(found) == 1 and found[0].split(": ")[0].endswith("events/e.md") and expected in found[0]
    ), found


def test_a_field_given_twice_is_an_error_not_a_silent_last_value(tmp_path):
    """YAML would keep the second ``partners:`` and drop the first without a word."""
    head = "partners: [a]\ntags: [x]\npartners: [b]"
    found = problems_for(tmp_path, {"articles/a.md": ARTICLE.format(extra=head)})
    assert len(found) == 1 and found[0].endswith(
        'a.md:8: veld "Partners" (partners): staat twee keer bovenaan (ook op regel 6); '
        "er telt maar één waarde, dus haal één van beide weg of voeg ze samen"
    ), found
    # a name given once per mapping, and a YAML merge that is overridden, stay fine
    assert problems_for(tmp_path, {"articles/a.md": ARTICLE.format(extra="tags: [x]")}) == []
    from content_model.frontmatter import split

    meta, _ = split("---\nbase: &b {a: 1}\nitem:\n  <<: *b\n  a: 2\n---\n")
    assert meta["item"] == {"a": 2}

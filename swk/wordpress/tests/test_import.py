"""Importing WordPress's own conventions into an empty project, building it, and running the
import again after editors changed things."""

from __future__ import annotations

import json
import re

import pytest

from content_model import check
from content_model.frontmatter import split
from swk.build import load_settings
from swk.cli import main
from swk.wordpress.importer import ImportFailed, import_wordpress
from swk.wordpress.wxrwriter import Post, write_wxr
from tests.support.testing import ROOT, build_project, make_project, overrides

SITE = "https://oud.example.org"
UP = f"{SITE}/wp-content/uploads/"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def posts():
    return [
        # attachments: one with alt text, one without; "foto-weg" is not in the uploads folder
        Post(
            50,
            "team",
            type="attachment",
            attachment_url=f"{UP}2023/01/team.jpg",
            parent=1,
            meta={
                "_wp_attached_file": "2023/01/team.jpg",
                "_wp_attachment_image_alt": "Het team op het Winter Event",
            },
        ),
        Post(
            51,
            "zaal",
            type="attachment",
            attachment_url=f"{UP}2023/01/zaal.jpg",
            meta={"_wp_attached_file": "2023/01/zaal.jpg"},
        ),
        Post(
            52,
            "weg",
            type="attachment",
            attachment_url=f"{UP}2023/01/foto-weg.jpg",
            meta={"_wp_attached_file": "2023/01/foto-weg.jpg", "_wp_attachment_image_alt": "Weg"},
        ),
        Post(
            1,
            "Welkom Ben",
            "<!-- wp:paragraph -->\n<p>Ben van der Knoop is sinds 1 januari manager.</p>\n"
            '<!-- /wp:paragraph -->\n\n<!-- wp:image {"id":51} -->\n<figure class="wp-block-image">'
            f'<img src="{UP}2023/01/zaal-1024x768.jpg" alt=""/></figure>\n<!-- /wp:image -->',
            name="welkom-ben",
            date="2023-01-09 11:15:00",
            categories=[("interviews", "Interviews")],
            tags=[("winter-event", "Winter Event")],
            meta={"_thumbnail_id": "50"},
            comments=3,
        ),
        Post(
            2,
            "Welkom Ben (tweede keer)",
            "<p>Zelfde slug, ander bericht.</p>",
            name="welkom-ben",
            date="2023-01-10 08:00:00",
            categories=[("nieuws", "Nieuws")],
            meta={"_thumbnail_id": "51"},
        ),
        Post(
            3,
            "Zomer in de Tolhuistuin",
            "<p>Een bericht met een niet-ASCII slug.</p>",
            name="zomer-in-de-tolhuistuin-%e2%98%80%ef%b8%8f",
            date="2023-06-25 15:00:00",
            categories=[("agenda-nieuws", "Agenda")],
            tags=[("%c3%a9%c3%a9n-werkgever", "Één werkgever")],
            meta={"_thumbnail_id": "52"},
        ),
        Post(
            4,
            "",
            "<p>Een bericht zonder titel. Het staat gewoon online.</p>",
            name="4",
            date="2023-02-01 12:00:00",
            categories=[("nieuws", "Nieuws")],
        ),
        Post(
            5,
            "Alleen voor ons",
            "<p>Privé.</p>",
            name="alleen-voor-ons",
            status="private",
            categories=[("nieuws", "Nieuws")],
        ),
        Post(6, "Half af", "<p>Concept.</p>", status="draft", gmt=False),
        Post(7, "Ter beoordeling", "<p>Wacht.</p>", name="ter-beoordeling", status="pending"),
        Post(
            8,
            "Volgende week",
            "<p>Gepland.</p>",
            name="volgende-week",
            status="future",
            date="2030-01-01 09:00:00",
        ),
        Post(9, "Weggegooid", "<p>Prullenbak.</p>", name="weggegooid__trashed", status="trash"),
        Post(
            10,
            "Met een kapotte afbeelding",
            f'<p>Kijk: <img src="{UP}2023/01/bestaat-niet.jpg" alt="x"></p>',
            name="kapotte-afbeelding",
            date="2023-03-01 10:00:00",
        ),
        # nested pages: /over-de-koepel/team/contact/; a page the new site has itself (/agenda/);
        # "over-ons" exists in content/pages/ already (ported by hand)
        Post(20, "Over de koepel", "<p>Over de koepel.</p>", type="page", name="over-de-koepel"),
        Post(21, "Team", "<p>Het team.</p>", type="page", name="team", parent=20),
        Post(22, "Contact", "<p>Bel of mail.</p>", type="page", name="contact", parent=21),
        Post(23, "Agenda", "<p>De oude agenda.</p>", type="page", name="agenda"),
        Post(24, "Over ons", "<p>Over ons, oude tekst.</p>", type="page", name="over-ons"),
        Post(30, "Home", "", type="nav_menu_item", name="30"),
        Post(31, "rev", "oud", type="revision", status="inherit", name="1-revision-v1", parent=1),
        Post(32, "Product", "<p>Winkel.</p>", type="product", name="product"),
    ]


CATEGORIES = [
    ("interviews", "Interviews", ""),
    ("nieuws", "Nieuws", ""),
    ("agenda-nieuws", "Agenda", "nieuws"),
]


@pytest.fixture
def site(tmp_path):
    """(project, export, uploads, settings): an empty project and a WXR 1.1 export (http)."""
    project = make_project(tmp_path / "project")
    uploads = tmp_path / "uploads"
    for name in ("team.jpg", "zaal.jpg", "zaal-1024x768.jpg"):
        (uploads / "2023/01").mkdir(parents=True, exist_ok=True)
        (uploads / "2023/01" / name).write_bytes(JPEG + name.encode())
    export = write_wxr(
        tmp_path / "export.xml",
        posts(),
        version="1.1",
        site=SITE,
        categories=CATEGORIES,
        tags=[("winter-event", "Winter Event")],
        authors=[("redactie", "Redactie SWK")],
    )
    settings = load_settings(str(ROOT / "pelicanconf.py"), overrides(project))
    return project, export, uploads, settings


def front(path):
    return split(path.read_text(encoding="utf-8"))


def test_wordpress_conventions(site):
    project, export, uploads, settings = site
    report = import_wordpress(export, settings, uploads=uploads)
    arts = project / "content/articles"
    names = sorted(p.name for p in arts.glob("*.md"))
    assert names == [
        "alleen-voor-ons.md",
        "bericht-4.md",
        "half-af.md",
        "kapotte-afbeelding.md",
        "ter-beoordeling.md",
        "volgende-week.md",
        "welkom-ben-2.md",
        "welkom-ben.md",
        "zomer-in-de-tolhuistuin.md",
    ]

    meta, body = front(arts / "welkom-ben.md")
    assert meta["title"] == "Welkom Ben" and meta["category"] == "Interview"
    assert meta["date"] == "2023-01-09T11:15" and meta["tags"] == ["winter-event"]
    assert meta["summary"] == "Ben van der Knoop is sinds 1 januari manager."
    assert (
        meta["image"] == "/images/2023/01/team.jpg"
        and meta["image_alt"] == "Het team op het Winter Event"
    )
    assert "![](/images/2023/01/zaal-1024x768.jpg)" in body  # copied; no alt text anywhere
    assert (project / "content/images/2023/01/team.jpg").read_bytes() == JPEG + b"team.jpg"
    text = (arts / "welkom-ben.md").read_text(encoding="utf-8")
    assert "# auteur in WordPress: Redactie SWK" in text and "example.invalid" not in text

    meta, _ = front(arts / "welkom-ben-2.md")  # the same slug: the second one gets -2
    assert meta["title"] == "Welkom Ben (tweede keer)" and "image" not in meta
    assert "# image: /images/2023/01/zaal.jpg" in (arts / "welkom-ben-2.md").read_text(
        encoding="utf-8"
    )

    meta, _ = front(arts / "zomer-in-de-tolhuistuin.md")  # non-ASCII slug, nested category
    assert meta["tags"] == ["een-werkgever"] and meta["category"] == "Nieuws"
    assert "image" not in meta  # its file is missing

    meta, _ = front(arts / "bericht-4.md")  # no title: a draft with a placeholder title
    assert meta["status"] == "draft" and meta["title"] == "Zonder titel (WordPress post 4)"
    for name in ("alleen-voor-ons", "half-af", "ter-beoordeling", "volgende-week"):
        assert front(arts / f"{name}.md")[0]["status"] == "draft", name
    assert front(arts / "half-af.md")[0]["date"] == "2023-01-05T10:00"  # no GMT date on drafts

    pages = project / "content/pages"
    assert front(pages / "contact.md")[0]["title"] == "Contact"
    assert front(pages / "agenda-oud.md")[0]["status"] == "draft"  # /agenda/ is the new site's
    assert "Over ons, oude tekst" not in (pages / "over-ons.md").read_text(
        encoding="utf-8"
    )  # left alone

    # every file passes the contract
    check(settings)

    # the report: per file what to do, missing files, what was skipped, what was converted
    text = (project / "wordpress-import/report.md").read_text(encoding="utf-8")
    assert "content/articles/bericht-4.md: concept; had geen titel: schrijf 'title'" in text
    assert "content/articles/alleen-voor-ons.md: concept; was in WordPress 'privé'" in text
    assert (
        "content/articles/welkom-ben-2.md: de uitgelichte afbeelding heeft in WordPress geen alt-tekst"
        in text
    )
    assert (
        "wp-content/uploads/2023/01/foto-weg.jpg: content/articles/zomer-in-de-tolhuistuin.md"
        in text
    )
    assert (
        "wp-content/uploads/2023/01/bestaat-niet.jpg: content/articles/kapotte-afbeelding.md"
        in text
    )
    assert "content/pages/over-ons.md (bestond al" in text
    for skipped in (
        "1 menu-items",
        "1 revisies",
        "3 reacties",
        "3 bijlagen (als bericht)",
        "1 berichten in de prullenbak",
        "1 berichten van het type 'product'",
    ):
        assert skipped in text, skipped
    assert "omgezet: blok image (1x)" in text
    assert report.redirects_added > 0

    redirects = (project / "content/redirects.yaml").read_text(encoding="utf-8")
    for source, target in [
        ("/2023/01/09/welkom-ben/", "/artikelen/welkom-ben/"),
        ("/2023/01/10/welkom-ben/", "/artikelen/welkom-ben-2/"),
        ("/2023/06/25/zomer-in-de-tolhuistuin-☀️/", "/artikelen/zomer-in-de-tolhuistuin/"),
        ("/?p=1", "/artikelen/welkom-ben/"),
        ("/?p=4", None),
        ("/?p=5", None),  # drafts: no redirect to a page that is not there
        ("/over-de-koepel/team/contact/", "/contact/"),
        ("/?page_id=22", "/contact/"),
        ("/?page_id=24", "/over-ons/"),
        ("/category/interviews/", "/rubriek/interview/"),
        ("/category/nieuws/agenda-nieuws/", "/rubriek/nieuws/"),
        ("/tag/één-werkgever/", "/tag/een-werkgever/"),
        ("/2023/01/", "/artikelen/"),
        ("/2023/", "/artikelen/"),
    ]:
        entry = f'- from: "{source}"\n  to: "{target}"'
        if target:
            assert entry in redirects, entry
        else:
            assert f'"{source}"' not in redirects, source
    assert '"/tag/winter-event/"' not in redirects  # the same address on the new site
    assert '"/agenda/"' not in redirects

    out = build_project(project, SEARCH_INDEX=False)
    assert (out / "artikelen/zomer-in-de-tolhuistuin/index.html").is_file()
    page = (out / "over-de-koepel/team/contact/index.html").read_text(encoding="utf-8")
    assert (
        '<meta http-equiv="refresh" content="0; url=/contact/">' in page and ">Contact</a>" in page
    )
    assert (out / "tag/één-werkgever/index.html").is_file()
    assert (out / "images/2023/01/team.jpg").is_file()
    assert (
        json.loads((out / "redirects.json").read_text(encoding="utf-8"))["page_id=22"]
        == "/contact/"
    )


def test_running_again_changes_only_what_the_import_owns(site):
    project, export, uploads, settings = site
    import_wordpress(export, settings, uploads=uploads)
    arts = project / "content/articles"
    state = json.loads((project / "wordpress-import/state.json").read_text(encoding="utf-8"))
    assert state["items"]["post:1"]["file"] == "content/articles/welkom-ben.md"
    assert len(state["items"]["post:1"]["sha256"]) == 64

    again = import_wordpress(export, settings, uploads=uploads)
    assert not again.written and not again.updated and again.redirects_added == 0
    assert len(again.unchanged) == 13

    # an editor works on the content
    edited = arts / "welkom-ben.md"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("manager.", "manager. Aangevuld."),
        encoding="utf-8",
    )
    (arts / "half-af.md").unlink()
    redirects = project / "content/redirects.yaml"
    text = redirects.read_text(encoding="utf-8")
    text = text.replace('- from: "/?p=2"\n  to: "/artikelen/welkom-ben-2/"\n', "")  # taken out
    text = text.replace('to: "/artikelen/welkom-ben/"', 'to: "/over-ons/"', 1)  # pointed elsewhere
    text += "# een eigen doorverwijzing\n- from: /oude-pagina/\n  to: /over-ons/\n"
    redirects.write_text(text, encoding="utf-8")
    mapping = project / "wordpress-import/categories.yaml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace(
            "agenda-nieuws: Nieuws", "agenda-nieuws: Interview"
        ),
        encoding="utf-8",
    )
    (uploads / "2023/01/foto-weg.jpg").write_bytes(JPEG)  # the missing file turned up

    third = import_wordpress(export, settings, uploads=uploads)
    assert "Aangevuld." in edited.read_text(encoding="utf-8")
    assert third.kept == ["content/articles/welkom-ben.md"]
    assert third.gone == ["content/articles/half-af.md"] and not (arts / "half-af.md").exists()
    meta, _ = front(arts / "zomer-in-de-tolhuistuin.md")  # new category, and its image now
    assert meta["category"] == "Interview" and meta["image"] == "/images/2023/01/foto-weg.jpg"
    assert "content/articles/zomer-in-de-tolhuistuin.md" in third.updated
    after = redirects.read_text(encoding="utf-8")
    assert after.startswith(text)  # nothing the editor wrote was changed or re-added
    assert '"/?p=2"' not in after and "# een eigen doorverwijzing" in after
    report = (project / "wordpress-import/report.md").read_text(encoding="utf-8")
    assert "content/articles/welkom-ben.md (na de import bewerkt)" in report
    assert "content/articles/half-af.md (verwijderd of hernoemd)" in report
    out = build_project(project, SEARCH_INDEX=False)
    assert "url=/over-ons/" in (out / "2023/01/09/welkom-ben/index.html").read_text(
        encoding="utf-8"
    )


def test_a_bad_mapping_or_redirect_file_stops_before_anything_is_written(site, capsys):
    project, export, uploads, settings = site
    mapping = project / "wordpress-import/categories.yaml"
    mapping.parent.mkdir(parents=True)
    mapping.write_text("interviews: Interviews\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        import_wordpress(export, settings, uploads=uploads)
    assert str(err.value) == (
        "wordpress-import/categories.yaml: categorie 'interviews': \"Interviews\" is "
        "geen rubriek; kies uit: Interview, Nieuws"
    )
    assert not list((project / "content/articles").glob("*.md"))

    mapping.unlink()
    (project / "content/redirects.yaml").write_text(
        "- from: /oud/\n  naar: /nieuw/\n", encoding="utf-8"
    )
    code = main(
        [
            "import",
            "wordpress",
            str(export),
            "-s",
            str(ROOT / "pelicanconf.py"),
            "--content",
            str(project / "content"),
            "--uploads",
            str(uploads),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert re.search(
        r"content/redirects\.yaml:2: veld 'naar': is geen veld van een doorverwijzing", err
    ), err
    assert not list((project / "content/articles").glob("*.md"))


def test_the_command_prints_a_summary_and_points_to_the_report(site, capsys):
    project, export, uploads, _ = site
    code = main(
        [
            "import",
            "wordpress",
            str(export),
            "-s",
            str(ROOT / "pelicanconf.py"),
            "--content",
            str(project / "content"),
        ]
    )  # no --uploads: images are reported
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "WordPress-import klaar: 13 nieuw, 0 bijgewerkt, 0 ongewijzigd, 1 niet aangeraakt;"
    )
    assert "Lees het verslag: " in out and "wordpress-import/report.md" in out
    report = (project / "wordpress-import/report.md").read_text(encoding="utf-8")
    assert (
        "(geen --uploads opgegeven)" in report and "wp-content/uploads/2023/01/team.jpg" in report
    )


def test_authors_as_people_on_request(site):
    project, export, uploads, settings = site
    import_wordpress(export, settings, uploads=uploads, authors_as_people=True)
    meta, _ = front(project / "content/articles/welkom-ben.md")
    assert meta["people"] == ["Redactie SWK"]  # the name WordPress showed, not the login
    check(settings)

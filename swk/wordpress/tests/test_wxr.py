"""Reading exports: both namespace spellings, CDATA, and files that must be refused."""

from __future__ import annotations

import time

import pytest

from swk.cli import main
from swk.wordpress import wxr
from swk.wordpress.wxrwriter import Post, write_wxr
from tests.support.testing import ROOT, make_project

ITEMS = [
    Post(
        1,
        "Eén & twee <x>",
        "<p>Tekst met ]]> erin en <b>vet</b>.</p>",
        name="een-twee",
        categories=[("nieuws", "Nieuws")],
        tags=[("%c3%a9t%c3%a9", "Été")],
        meta={"_thumbnail_id": "7"},
        comments=2,
    ),
    Post(
        7,
        "foto",
        type="attachment",
        attachment_url="https://oud.example.org/wp-content/uploads/a.jpg",
        meta={"_wp_attached_file": "a.jpg", "_wp_attachment_image_alt": "Een foto"},
    ),
]


@pytest.mark.parametrize(
    "version,https", [("1.2", False), ("1.2", True), ("1.1", False), ("1.1", True)]
)
def test_reads_both_namespace_spellings_and_versions(tmp_path, version, https):
    path = write_wxr(
        tmp_path / "e.xml",
        ITEMS,
        version=version,
        https_namespace=https,
        categories=[("nieuws", "Nieuws", "")],
        authors=[("anna", "Anna de Vries")],
    )
    things = list(wxr.read(path))
    channel = next(t for t in things if isinstance(t, wxr.Channel))
    assert channel.version == version and channel.base_site_url == "https://oud.example.org"
    terms = {(t.taxonomy, t.slug, t.name) for t in things if isinstance(t, wxr.Term)}
    assert ("category", "nieuws", "Nieuws") in terms and (
        "author",
        "anna",
        "Anna de Vries",
    ) in terms
    post, attachment = [t for t in things if isinstance(t, wxr.Item)]
    assert (post.id, post.type, post.status, post.name) == (1, "post", "publish", "een-twee")
    assert post.title == "Eén & twee <x>"  # CDATA: no escaping needed or done
    assert (
        post.content == "<p>Tekst met ]]> erin en <b>vet</b>.</p>"
    )  # a CDATA split across sections
    assert post.post_date == "2023-01-05 10:00:00" and post.post_date_gmt == "2023-01-05 09:00:00"
    assert ("post_tag", "été", "Été") in post.terms  # percent-encoded slugs decoded
    assert post.meta["_thumbnail_id"] == "7" and post.comments == 2
    assert attachment.meta["_wp_attachment_image_alt"] == "Een foto"
    # an author's e-mail address is in every export; it never leaves the reader
    assert not any("example.invalid" in repr(t) for t in things)


BOMB = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>&g;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY geheim SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>&geheim;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


@pytest.mark.parametrize("text", [BOMB, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_entity_declarations_are_refused_before_expanding(tmp_path, text):
    path = tmp_path / "bom.xml"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(wxr.WXRError) as err:
        list(wxr.read(path))
    assert time.perf_counter() - start < 2  # refused, not expanded (20^6 * 80 bytes would be 5 GB)
    assert (
        "bom.xml" in str(err.value)
        and "<!ENTITY" in str(err.value)
        and "geweigerd" in str(err.value)
    )


def test_malformed_xml_names_the_file_and_line(tmp_path):
    path = write_wxr(tmp_path / "e.xml", ITEMS)
    lines = path.read_text(encoding="utf-8").splitlines()
    cut = next(i for i, line in enumerate(lines) if "<wp:post_name>" in line)
    path.write_text(
        "\n".join(lines[:cut] + ["\t\t<wp:post_name>kapot</wp:post_nam>"] + lines[cut + 1 :]),
        encoding="utf-8",
    )
    with pytest.raises(wxr.WXRError) as err:
        list(wxr.read(path))
    assert f"e.xml:{cut + 1}:" in str(err.value) and "XML klopt niet" in str(err.value)


@pytest.mark.parametrize(
    "text,why",
    [
        ('<?xml version="1.0"?><html><body>Export</body></html>', "begint met <html>"),
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title></channel></rss>',
            "geen <channel> met WordPress",
        ),
        ("", "XML klopt niet"),
    ],
)
def test_other_files_are_not_taken_for_an_export(tmp_path, text, why):
    path = tmp_path / "x.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(wxr.WXRError) as err:
        list(wxr.read(path))
    assert why in str(err.value)


def test_the_command_refuses_a_bad_export_without_writing_anything(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    bad = tmp_path / "bom.xml"
    bad.write_text(BOMB, encoding="utf-8")
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    code = main(
        [
            "import",
            "wordpress",
            str(bad),
            "-s",
            str(ROOT / "pelicanconf.py"),
            "--content",
            str(project / "content"),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("Niet geïmporteerd: ") and "bom.xml" in err
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    # a missing file and a missing uploads folder: the same, named
    assert (
        main(
            [
                "import",
                "wordpress",
                str(tmp_path / "weg.xml"),
                "--content",
                str(project / "content"),
                "-s",
                str(ROOT / "pelicanconf.py"),
            ]
        )
        == 1
    )
    assert "weg.xml: bestand niet gevonden" in capsys.readouterr().err
    good = write_wxr(tmp_path / "e.xml", ITEMS)
    assert (
        main(
            [
                "import",
                "wordpress",
                str(good),
                "--uploads",
                str(tmp_path / "geen-uploads"),
                "--content",
                str(project / "content"),
                "-s",
                str(ROOT / "pelicanconf.py"),
            ]
        )
        == 1
    )
    assert "map niet gevonden" in capsys.readouterr().err
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before

"""Bodies are CommonMark, as the web editor writes them, with the guide's extras."""

from __future__ import annotations

import glob

import pytest
from markdown_it import MarkdownIt

from content_model.body import to_html
from content_model.frontmatter import split
from content_model.sanitize import clean
from tests.support.testing import ROOT


def test_a_nested_list_as_the_web_editor_writes_it_is_nested_on_the_site():
    # Decap CMS serializes lists with '*' bullets and each level indented by the marker's
    # width plus one space (remark-stringify, listItemIndent '1'); Python-Markdown, which the
    # site used before, needs four spaces and flattened these lists
    html = to_html("* werkgevers\n  * sociale firma's\n  * bedrijven\n* gemeente\n")
    assert html == (
        "<ul>\n<li>werkgevers\n<ul>\n<li>sociale firma's</li>\n<li>bedrijven</li>\n</ul>\n"
        "</li>\n<li>gemeente</li>\n</ul>"
    )
    # what Decap 3.16 wrote for such a list typed in its editor (plugins/web_editor e2e test)
    typed = to_html("* werkgevers\n\n  * sociale firma's\n  * bedrijven\n* gemeente\n")
    assert "<li>\n<p>werkgevers</p>\n<ul>\n<li>sociale firma's</li>" in typed
    numbered = to_html("1. aanmelden\n   1. formulier\n2. gesprek\n")
    assert "<li>aanmelden\n<ol>\n<li>formulier</li>\n</ol>" in numbered


def test_a_list_right_under_a_sentence_is_a_list():
    html = to_html("De gemeente helpt met:\n- schulden\n- werk\n")
    assert html == "<p>De gemeente helpt met:</p>\n<ul>\n<li>schulden</li>\n<li>werk</li>\n</ul>"


def test_the_guides_extras_tables_footnotes_definitions_strikethrough():
    html = to_html(
        "| Jaar | Plekken |\n| --- | ---: |\n| 2019 | 4.214 |\n\n"
        "Een zin met een noot[^1] en ~~oud~~ nieuw.\n\n"
        "Jobcoach\n: begeleidt op de werkplek\n\n"
        "[^1]: De bron.\n"
    )
    assert "<th>Jaar</th>" in html and "<td>4.214</td>" in html
    assert "style=" not in html  # column alignment is a style attribute: cleaned away
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>' in html
    assert '<li id="fn1" class="footnote-item">' in html
    # the way back from the note has a Dutch name, not a bare arrow
    assert '<a href="#fnref1" class="footnote-backref" aria-label="Terug naar de tekst">' in html
    assert "<s>oud</s> nieuw" in html
    assert "<dl>\n<dt>Jobcoach</dt>\n<dd>begeleidt op de werkplek</dd>\n</dl>" in html


def test_html_in_a_body_is_cleaned_and_a_script_link_is_no_link():
    html = to_html(
        '[Klik](javascript:alert(1)) <a href="javascript:x()">hier</a>\n\n'
        '<script>alert(1)</script>\n\n<p onclick="x()">Alinea</p>\n'
    )
    assert "<script" not in html and "onclick" not in html
    assert "href" not in html  # neither link keeps its javascript: address
    assert "<p>Alinea</p>" in html


@pytest.mark.parametrize(
    "path",
    sorted(glob.glob(str(ROOT / "content/**/*.md"), recursive=True))
    + sorted(glob.glob(str(ROOT / "newsletters/*.md"))),
    ids=lambda p: p.split("/", 3)[-1],
)
def test_the_site_and_the_emails_text_part_read_every_body_alike(path):
    """The text part (``newsletter.plaintext``) parses with markdown-it-py; the site renders
    with its Rust port. On every real body both give the same HTML, so the e-mail's two parts
    show the same lists, links and headings."""
    body = split(open(path, encoding="utf-8").read())[1]
    python = MarkdownIt("commonmark", {"xhtmlOut": False}).enable(["table", "strikethrough"])
    assert to_html(body) == clean(python.render(body).rstrip("\n"))

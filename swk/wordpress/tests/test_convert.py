"""WordPress bodies to Markdown: block comments, shortcodes, classic paragraphs, clean-up.

Each result is also rendered with the site's own renderer (``content_model.body``), as the build
would."""

from __future__ import annotations

from content_model.body import to_html
from swk.wordpress import convert

UPLOADS = "https://oud.example.org/wp-content/uploads/"


def render(markdown_text: str) -> str:
    return to_html(markdown_text)


def files(*present):
    return lambda upload: f"/images/{upload}" if upload in present else None


def test_gutenberg_blocks_become_markdown_and_are_counted():
    html = """<!-- wp:heading {"level":3} -->
<h3>Kop drie</h3>
<!-- /wp:heading -->

<!-- wp:paragraph -->
<p>Een <strong>vette</strong> en <em>schuine</em> zin met <a href="https://elders.nl/">een link</a>.</p>
<!-- /wp:paragraph -->

<!-- wp:list {"ordered":true} -->
<ol><li>eerste</li><li>tweede<ul><li>eronder</li></ul></li></ol>
<!-- /wp:list -->

<!-- wp:table -->
<figure class="wp-block-table"><table><tbody><tr><td>Jaar</td><td>Plekken</td></tr><tr><td>2019</td><td>4.214</td></tr></tbody></table></figure>
<!-- /wp:table -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><p>Een citaat.</p></blockquote>
<!-- /wp:quote -->

<!-- wp:latest-posts {"postsToShow":3} /-->
<!-- wp:block {"ref":55} /-->
<!-- wp:block {"ref":56} /-->
<!-- wp:more -->
<!--more-->
<!-- /wp:more -->"""
    body = convert.convert(
        html, reusable={55: "<!-- wp:paragraph --><p>Herbruikbaar blok.</p><!-- /wp:paragraph -->"}
    )
    md = body.markdown
    assert md.startswith(
        "### Kop drie\n\nEen **vette** en *schuine* zin met [een link](https://elders.nl/)."
    )
    assert "1. eerste\n2. tweede\n    - eronder" in md
    assert "| Jaar | Plekken |\n| --- | --- |\n| 2019 | 4.214 |" in md
    assert "> Een citaat." in md and "Herbruikbaar blok." in md
    assert "wp:" not in md and "<!--" not in md
    html_out = render(md)
    assert "<ol>\n<li>eerste</li>\n<li>tweede\n<ul>\n<li>eronder</li>" in html_out  # nested
    assert "<table>" in html_out and "<blockquote>" in html_out
    assert body.notes.converted["blok heading"] == 1 and body.notes.converted["blok list"] == 1
    assert body.notes.removed["blok latest-posts (dynamisch blok zonder tekst)"] == 1
    assert body.notes.converted["blok block (herbruikbaar blok, tekst overgenomen)"] == 1
    assert body.notes.removed["blok block (herbruikbaar blok 56, niet in de export)"] == 1
    assert convert.summary_of(body.text) == "Een vette en schuine zin met een link."


def test_classic_shortcodes_are_converted_or_removed_keeping_text():
    html = (
        f'Intro [caption id="attachment_3" align="alignleft" width="300"]<a href="{UPLOADS}2020/05/groot.jpg">'
        f'<img class="size-medium" src="{UPLOADS}2020/05/groot-300x200.jpg" alt="Twee collega’s" width="300" /></a>'
        " Erwin en Ben[/caption]\n\n"
        'Een galerij: [gallery ids="3,4" columns="2"]\n\n'
        "[embed]https://www.youtube.com/watch?v=abc[/embed]\n\n"
        '[video width="640" mp4="https://video.example.org/film.mp4"][/video]\n\n'
        '[contact-form-7 id="12" title="Aanmelden"]\n\n'
        "[et_pb_section][et_pb_text]Tekst uit een paginabouwer[/et_pb_text][/et_pb_section]\n\n"
        "Dit blijft [sic] staan, net als [1] en [[gallery]].\n"
        "Een regel\nmet een regelbreuk."
    )
    media = convert.Media(
        by_id={
            3: (f"{UPLOADS}2020/05/groot.jpg", "Twee collega’s"),
            4: (f"{UPLOADS}2020/05/ander.jpg", ""),
        }
    )
    body = convert.convert(
        html,
        post_id=9,
        media=media,
        resolve_file=files("2020/05/groot.jpg", "2020/05/groot-300x200.jpg", "2020/05/ander.jpg"),
    )
    md = body.markdown
    assert (
        "![Twee collega’s](/images/2020/05/groot-300x200.jpg)\n\n*Erwin en Ben*" in md
    )  # image, caption
    assert "[![" not in md  # the "link to media file" around the image is gone
    assert (
        "![Twee collega’s](/images/2020/05/groot.jpg)" in md
        and "![](/images/2020/05/ander.jpg)" in md
    )
    assert (
        "<https://www.youtube.com/watch?v=abc>" in md
        and "<https://video.example.org/film.mp4>" in md
    )
    assert "Tekst uit een paginabouwer" in md and "et_pb" not in md and "contact-form" not in md
    assert "Dit blijft [sic] staan, net als [1] en [gallery]." in md
    assert "Een regel  \nmet een regelbreuk." in md
    n = body.notes
    assert n.converted["[caption]"] == 1 and n.converted["[gallery]"] == 1
    assert n.converted["[embed] (als link)"] == 1 and n.converted["[video] (als link)"] == 1
    assert (
        n.removed["[contact-form-7]"] == 1
        and n.removed["[et_pb_section] (tekst erin behouden)"] == 1
    )
    assert n.images_without_alt == 1  # ander.jpg: the attachment had no alt text either
    assert "<br />" in render(md) or "<br>" in render(md)


def test_unsafe_and_foreign_html_is_removed_or_made_a_link():
    html = (
        "<p>Tekst</p><script>alert(1)</script><style>p{}</style>"
        '<iframe src="https://www.youtube.com/embed/xyz" title="Video over sociaal werk"></iframe>'
        '<form action="/x"><input name="email"></form>'
        '<p><img src="https://cdn.elders.example/foto.jpg" alt="Elders"></p>'
        f'<p><img src="{UPLOADS}2021/01/weg.jpg" alt="Weg"></p>'
        f'<p><a href="{UPLOADS}2021/01/rapport.pdf">Het rapport</a></p>'
        "<p>https://www.youtube.com/watch?v=los</p>"
        "<p>Getypte code: &lt;script&gt;alert(2)&lt;/script&gt; en 5 &lt; 6</p>"
        '<p><a href="javascript:alert(3)">Klik</a> <a href=" JavaScript:x">hier</a></p>'
    )
    body = convert.convert(html, resolve_file=files("2021/01/rapport.pdf"))
    md = body.markdown
    assert "alert(1)" not in md and "p{}" not in md and "email" not in md
    assert "[Video over sociaal werk](https://www.youtube.com/embed/xyz)" in md
    assert (
        "[Elders](https://cdn.elders.example/foto.jpg)" in md
    )  # nothing is loaded from other hosts
    assert "<!-- afbeelding ontbreekt: 2021/01/weg.jpg -->" in md and "weg.jpg)" not in md
    assert "[Het rapport](/images/2021/01/rapport.pdf)" in md
    assert "<https://www.youtube.com/watch?v=los>" in md
    assert body.notes.missing_files == ["2021/01/weg.jpg"]
    assert body.notes.removed["<script>"] == 1 and body.notes.removed["<form>"] == 1
    assert "<img" not in render(md).replace('src="/images', "")  # no image from elsewhere
    # text that showed as "<script>" on the old site is text here too, not HTML
    assert "Klik hier" in md and "javascript" not in md.lower()
    assert "<script" not in render(
        md
    ) and "&lt;script&gt;alert(2)&lt;/script&gt; en 5 &lt; 6" in render(md)


def test_links_to_old_addresses_are_rewritten():
    old = {"https://oud.example.org/2020/05/01/ander-bericht/": "/artikelen/ander-bericht/"}
    body = convert.convert(
        '<p><a href="https://oud.example.org/2020/05/01/ander-bericht/">lees</a> en '
        '<a href="https://elders.nl/">elders</a></p>',
        resolve_link=old.get,
    )
    assert (
        body.markdown.strip() == "[lees](/artikelen/ander-bericht/) en [elders](https://elders.nl/)"
    )


def test_summary_is_the_first_sentence():
    assert (
        convert.first_sentence("Kort. En dan de tweede zin die langer is. Derde.")
        == "Kort. En dan de tweede zin die langer is."
    )
    assert (
        convert.first_sentence("De koepel werkt o.a. met werkgevers samen. Tweede zin hier.")
        == "De koepel werkt o.a. met werkgevers samen."
    )
    long = "woord " * 100
    assert convert.first_sentence(long).endswith(" …") and len(convert.first_sentence(long)) <= 302

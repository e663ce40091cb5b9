"""Plain text from Markdown: links, lists, headings, wrapping."""

from newsletter.plaintext import first_sentence, markdown_to_text


def test_markdown_to_text():
    text = markdown_to_text(
        "## Kop\n\nEen [link](/artikelen/a/), [mail](mailto:a@b.nl) en **vet**.\n\n"
        "- een\n- twee\n\n1. a\n2. b\n\n![Foto van het team](/images/t.png)\n",
        "https://www.example.org",
    )
    assert text == (
        "Kop\n---\n\n"
        "Een link (https://www.example.org/artikelen/a/), mail (a@b.nl) en vet.\n\n"
        "-  een\n-  twee\n\n1. a\n2. b\n\n"
        "[Afbeelding: Foto van het team]\n"
    )


def test_long_paragraphs_wrap_but_urls_stay_whole():
    url = "https://www.example.org/" + "a" * 80
    text = markdown_to_text("woord " * 40 + f"<{url}>", "https://x")
    assert all(len(line) <= 72 for line in text.splitlines() if url not in line)
    assert url in text


def test_first_sentence():
    assert first_sentence("Dit is de eerste zin. En de tweede!") == "Dit is de eerste zin."
    assert first_sentence("Geen punt") == "Geen punt"
    assert len(first_sentence("lang " * 100)) <= 150

"""Links in the editor's introduction whose text does not say where they go.

A screen reader lists a message's links by their text alone: "hier", "lees verder" or a bare
address says nothing there. The e-mail's own links (templates) are written to be clear; for
the editor's text the build warns, naming the issue file, with an example of a better link.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

VAGUE = {
    "hier",
    "klik hier",
    "klik",
    "lees verder",
    "lees meer",
    "meer",
    "meer informatie",
    "link",
    "deze link",
    "via deze link",
    "website",
}
ADDRESS = re.compile(r"^(https?://|www\.|mailto:)", re.I)


class _Links(HTMLParser):
    """(href, text) of every link; an image in a link counts with its alt text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self._open = [a["href"], ""]
        elif tag == "img" and self._open is not None:
            self._open[1] += a.get("alt") or ""

    def handle_data(self, data):
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.links.append((self._open[0], " ".join(self._open[1].split())))
            self._open = None


def links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every link in ``html``, as a screen reader lists them."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.links


def unclear_links(html: str) -> list[str]:
    """A Dutch sentence per link whose text says nothing out of context."""
    out = []
    for href, text in links(html):
        if href.startswith("mailto:") and "@" in text:
            continue  # an e-mail address as the text of its own mail link is clear
        if not text:
            out.append(f"een link zonder tekst ({href})")
        elif text.lower().strip(" .:!") in VAGUE:
            out.append(f"de link '{text}' ({href}) zegt niet waar hij heen gaat")
        elif ADDRESS.match(text):
            out.append(f"de link '{text}' is alleen een adres")
    return out

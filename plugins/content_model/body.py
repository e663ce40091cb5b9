"""A body's Markdown as the site's HTML: one renderer for every body, and then ``sanitize``.

The dialect is CommonMark, the Markdown the web editor writes and previews (Decap CMS
serializes with remark in CommonMark mode: ``*`` bullets, nested items indented by the
marker's width plus one space) and the one the e-mail's text part reads
(``newsletter.plaintext``, markdown-it-py), plus what the editors' guide promises on top of
it: tables, footnotes, definition lists and ``~~strikethrough~~``. The renderer is
markdown-it-pyrs, the Rust port of markdown-it: the same CommonMark, about forty times faster
than Python-Markdown, which was the largest single cost of a build.
"""

from __future__ import annotations

import re

from markdown_it_pyrs import MarkdownIt

from .sanitize import clean

PLUGINS = ("table", "strikethrough", "footnote", "deflist")
_PARSER = MarkdownIt("commonmark").enable_many(list(PLUGINS))

# The footnote plugin's way back to the text is a bare arrow; give it a Dutch name.
_BACKREF = re.compile(r'(<a href="#fnref\d+" class="footnote-backref")>')
_BACKREF_NAMED = r'\1 aria-label="Terug naar de tekst">'


def to_html(markdown: str) -> str:
    """The body's HTML, cleaned against the allowlist (no script, handlers, javascript: URLs)."""
    html = _PARSER.render(markdown, xhtml=False).rstrip("\n")  # as Python-Markdown ended it
    return clean(_BACKREF.sub(_BACKREF_NAMED, html))

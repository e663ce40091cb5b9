"""Clean the HTML of a rendered body against an allowlist, with nh3 (the Ammonia sanitizer).

Editors may write HTML in Markdown, and the web editor has many accounts: a pasted snippet
or a stolen account must not run script on the site or in subscribers' mail. Every body
(article, page, partner, event, newsletter introduction) passes through ``clean`` right
after Markdown, so the site and the e-mail get the same safe HTML.

Kept: text structure (paragraphs, headings, lists, quotes, code, tables, definition lists,
footnotes), images, and links to ``http``, ``https``, ``mailto`` and ``tel`` addresses or
within the site. Gone: ``<script>`` and ``<style>`` with their content, event handlers
(``onerror``, ``onclick``), ``style`` attributes (the Content-Security-Policy would block
them anyway), ``javascript:`` and ``data:`` URLs, forms, ``<iframe>``/``<object>``/``<embed>``
(no video embeds: the site loads nothing from other hosts, see the privacy page; link to the
video instead) and HTML comments. The policy for editors is in ``docs/redactie.md``.
"""

from __future__ import annotations

import nh3

TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "mark",
    "small",
    "sub",
    "sup",
    "abbr",
    "cite",
    "q",
    "code",
    "pre",
    "kbd",
    "blockquote",
    "span",
    "div",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "colgroup",
    "col",
}
ATTRIBUTES = {
    # id and class: footnotes link by id (``body``)
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang", "aria-label"},  # aria-label: the footnotes' way back
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "th": {"colspan", "rowspan", "scope", "headers"},
    "td": {"colspan", "rowspan", "headers"},
    "col": {"span"},
    "colgroup": {"span"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean(html: str) -> str:
    """The body's HTML with only what the allowlist above permits."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style", "template"},
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,  # our own links need no rel; nh3 would add "noopener noreferrer"
        strip_comments=True,
    )

"""Plain text from Markdown source, for the text part of the e-mail.

The text is generated from the editor's Markdown (through markdown-it-py's token stream),
not scraped from the HTML: links become ``text (https://...)``, lists keep their bullets,
paragraphs are wrapped at 72 columns without breaking URLs.
"""

from __future__ import annotations

import re
import textwrap

from markdown_it import MarkdownIt

WIDTH = 72
_md = MarkdownIt("commonmark", {"typographer": True}).enable(["replacements", "smartquotes"])


def absolute(url: str, base: str) -> str:
    """An absolute URL for a link in content: root-relative and relative ones get ``base``."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith("#"):
        return url
    if url.startswith("//"):
        return "https:" + url
    return f"{base}/{url.lstrip('/')}"


def wrap(text: str, indent: str = "", first: str | None = None, width: int = WIDTH) -> str:
    """Wrap one paragraph; URLs and long words are never broken."""
    lines = []
    for i, part in enumerate(text.split("\n")):  # hard line breaks stay
        lines.append(
            textwrap.fill(
                part,
                width=width,
                initial_indent=(first if first is not None and i == 0 else indent),
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or indent.rstrip()
        )
    return "\n".join(lines)


def _inline(children, base: str, links: bool = True) -> str:
    out: list[str] = []
    link_stack: list[tuple[str, int]] = []
    for tok in children or ():
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type == "softbreak":
            out.append(" ")
        elif tok.type == "hardbreak":
            out.append("\n")
        elif tok.type == "link_open":
            link_stack.append((absolute(tok.attrs.get("href", ""), base), len(out)))
        elif tok.type == "link_close" and link_stack:
            href, start = link_stack.pop()
            label = "".join(out[start:]).strip()
            shown = href[len("mailto:") :] if href.startswith("mailto:") else href
            if links and label != shown and label != href:
                out.append(f" ({shown})")
        elif tok.type == "image":
            alt = tok.content or "".join(c.content for c in tok.children or ())
            if alt:
                out.append(f"[Afbeelding: {alt}]")
        # emphasis, strong and inline HTML add nothing to plain text
    return re.sub(r"[ \t]+", " ", "".join(out)).strip()


def markdown_to_text(source: str, base: str, width: int = WIDTH, links: bool = True) -> str:
    """Plain text of a Markdown document; links absolute against ``base`` (or left out)."""
    blocks: list[str] = []
    lists: list[list] = []  # stack of [ordered, counter]
    quote = 0
    pending_item = False
    heading = None
    for tok in _md.parse(source):
        t = tok.type
        if t in ("bullet_list_open", "ordered_list_open"):
            lists.append([t == "ordered_list_open", int(tok.attrs.get("start", 1) or 1)])
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            blocks.append("\0")  # a list ends: the next item starts a new block
        elif t == "list_item_open":
            pending_item = True
        elif t == "blockquote_open":
            quote += 1
        elif t == "blockquote_close":
            quote -= 1
        elif t == "hr":
            blocks.append("-" * 20)
        elif t in ("fence", "code_block"):
            blocks.append(textwrap.indent(tok.content.rstrip("\n"), "    "))
        elif t == "inline":
            text = _inline(tok.children, base, links)
            if not text:
                continue
            prefix = "> " * quote
            indent = prefix + "   " * len(lists)
            first = indent
            if lists and pending_item:
                ordered, n = lists[-1]
                marker = f"{n}." if ordered else "-"
                if ordered:
                    lists[-1][1] += 1
                first = prefix + "   " * (len(lists) - 1) + marker.ljust(3)
                pending_item = False
            if heading:
                rule = "=" if heading == "h1" else "-"
                blocks.append(text + "\n" + rule * min(len(text), width))
                heading = None
            else:
                blocks.append(wrap(text, indent=indent, first=first, width=width))
        elif t == "heading_open":
            heading = tok.tag
    # list items are one block per item; keep items of a list together
    out: list[str] = []
    for block in blocks:
        if block == "\0":
            out.append(block)
            continue
        if (
            out
            and re.match(r"^\s*(-|\d+\.)\s", block)
            and re.match(r"^\s*(-|\d+\.)\s", out[-1].split("\n")[0])
        ):
            out[-1] += "\n" + block
        else:
            out.append(block)
    return "\n\n".join(b for b in out if b != "\0").strip() + "\n"


def first_sentence(text: str, limit: int = 150) -> str:
    """The first sentence of a text (for the preheader), at most ``limit`` characters."""
    flat = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", flat)
    sentence = match.group(1) if match else flat
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return sentence

"""Read a WordPress export (WXR 1.0-1.2) as a stream of terms and items.

The file is parsed with ``defusedxml``'s ``iterparse``: a DTD with entity declarations (the
"billion laughs" expansion bomb), external entities and external DTDs are refused before
anything expands. Each ``<item>`` is turned into a small ``Item`` and then removed from the
tree, so memory does not grow with the size of the export.

Namespaces: WordPress writes ``xmlns:wp="http://wordpress.org/export/1.2/"`` and, in newer
versions and some tools, ``https://``; 1.0 and 1.1 exports have their own version in the
address. Any of them is accepted, for ``wp`` and for ``excerpt``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

_ROLES = (
    (re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$"), "excerpt"),
    (re.compile(r"^https?://wordpress\.org/export/1\.\d+/$"), "wp"),
    (re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/$"), "content"),
    (re.compile(r"^https?://purl\.org/dc/elements/1\.1/$"), "dc"),
)


class WXRError(Exception):
    """The export cannot be read; the message (Dutch) says why and what to do."""


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    version: str = ""


@dataclass
class Term:
    taxonomy: str  # category, post_tag, nav_menu, ..., and author (slug: login, name: shown)
    slug: str  # percent-decoded
    name: str
    parent: str = ""  # the parent's slug (categories)


@dataclass
class Item:
    id: int
    type: str = ""
    status: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    pub_date: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    modified: str = ""
    name: str = ""  # wp:post_name, the slug
    parent: int = 0
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    attachment_url: str = ""
    terms: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # (taxonomy, decoded slug, name)
    meta: dict[str, str] = field(default_factory=dict)
    comments: int = 0


@lru_cache(maxsize=512)
def _split(tag: str) -> tuple[str, str]:
    """'{ns}local' -> (role, local): role is wp, excerpt, content, dc or '' (RSS itself)."""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        for pattern, role in _ROLES:
            if pattern.match(ns):
                return role, local
        return "?", local
    return "", tag


def _text(el) -> str:
    return (el.text or "").strip()


# child element ("role:local") -> Item field: stripped text, raw text (bodies), numbers
_TEXT = {
    ":title": "title",
    ":link": "link",
    ":guid": "guid",
    ":pubDate": "pub_date",
    "dc:creator": "creator",
    "wp:post_type": "type",
    "wp:status": "status",
    "wp:post_name": "name",
    "wp:post_date": "post_date",
    "wp:post_date_gmt": "post_date_gmt",
    "wp:post_modified": "modified",
    "wp:attachment_url": "attachment_url",
}
_RAW = {"content:encoded": "content", "excerpt:encoded": "excerpt"}
_INT = {"wp:post_id": "id", "wp:post_parent": "parent"}


def _item(el) -> Item:
    item = Item(id=0)
    for child in el:
        key = "{}:{}".format(*_split(child.tag))
        if key in _TEXT:
            setattr(item, _TEXT[key], _text(child))
        elif key in _RAW:
            setattr(item, _RAW[key], child.text or "")
        elif key in _INT:
            setattr(item, _INT[key], _int(_text(child)))
        elif key == ":category":
            item.terms.append(
                (child.get("domain", "category"), unquote(child.get("nicename", "")), _text(child))
            )
        elif key == "wp:postmeta":
            values = {_split(m.tag)[1]: m for m in child}
            if "meta_key" in values:
                value = values.get("meta_value")
                item.meta[_text(values["meta_key"])] = (
                    (value.text or "") if value is not None else ""
                )
        elif key == "wp:comment":
            item.comments += 1
    return item


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def _term(el, local: str) -> Term | None:
    values = {_split(c.tag)[1]: _text(c) for c in el}
    for key in ("category_nicename", "category_parent", "tag_slug", "term_slug", "term_parent"):
        if key in values:
            values[key] = unquote(values[key])  # non-ASCII slugs are stored percent-encoded
    if local == "category":
        return Term(
            "category",
            values.get("category_nicename", ""),
            values.get("cat_name", ""),
            values.get("category_parent", ""),
        )
    if local == "tag":
        return Term("post_tag", values.get("tag_slug", ""), values.get("tag_name", ""))
    if local == "author":  # only the login and the name shown; never the e-mail address
        return Term("author", values.get("author_login", ""), values.get("author_display_name", ""))
    if local == "term":
        return Term(
            values.get("term_taxonomy", ""),
            values.get("term_slug", ""),
            values.get("term_name", ""),
            values.get("term_parent", ""),
        )
    return None


def read(path: Path) -> Iterator[Channel | Term | Item]:
    """Yield the channel (once, before the first item), its terms and its items, in file order.

    Raises WXRError for a file that is not well-formed XML, not a WordPress export, or that
    declares entities (refused, never expanded)."""
    shown = str(path)
    try:
        yield from _read(path)
    except DefusedXmlException:
        raise WXRError(
            f"{shown}: het bestand bevat een DTD met entiteiten (<!ENTITY ...>) of verwijst naar "
            "externe bestanden. Een WordPress-export heeft die nooit; het bestand is geweigerd "
            "zonder ze uit te voeren (ze kunnen de computer laten vastlopen). Exporteer opnieuw "
            "uit WordPress (Extra > Exporteren)."
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        detail = re.sub(r":? line \d+, column \d+$", "", str(exc))
        raise WXRError(
            f"{shown}:{line}: de XML klopt niet (kolom {column}: {detail}). "
            "Is het bestand volledig gedownload en niet met de hand bewerkt? Exporteer opnieuw "
            "uit WordPress (Extra > Exporteren)."
        ) from None
    except OSError as exc:
        raise WXRError(f"{shown}: kan het bestand niet lezen ({exc.strerror or exc})") from None


def _read(path: Path) -> Iterator[Channel | Term | Item]:
    channel_el = None
    channel = Channel()
    seen_root = seen_wp = announced = False
    with open(path, "rb") as f:
        for event, el in iterparse(f, events=("start", "end")):
            role, local = _split(el.tag)
            if event == "start":
                if not seen_root:
                    seen_root = True
                    if local != "rss":
                        raise WXRError(
                            f"{path}: dit is geen WordPress-export (het begint met <{local}>, niet "
                            "met <rss>). Exporteer uit WordPress met Extra > Exporteren > Alle inhoud."
                        )
                elif local == "channel" and role == "" and channel_el is None:
                    channel_el = el
                if role == "wp":
                    seen_wp = True
                continue
            if channel_el is None or el is channel_el:
                continue
            if el not in channel_el:
                continue  # a descendant of a channel child: handled with its parent
            if role == "" and local == "item":
                if not announced:
                    announced = True
                    yield channel
                item = _item(el)
                if item.type:
                    yield item
            elif role == "wp" and local in ("category", "tag", "term", "author"):
                term = _term(el, local)
                if term is not None:
                    yield term
            elif role == "wp":
                text = _text(el)
                if local == "wxr_version":
                    channel.version = text
                elif local == "base_site_url":
                    channel.base_site_url = text
                elif local == "base_blog_url":
                    channel.base_blog_url = text
            elif role == "":
                if local == "title":
                    channel.title = _text(el)
                elif local == "link":
                    channel.link = _text(el)
            channel_el.remove(el)
    if channel_el is None or not seen_wp:
        raise WXRError(
            f"{path}: dit is geen WordPress-export (geen <channel> met WordPress-gegevens). "
            "Exporteer uit WordPress met Extra > Exporteren > Alle inhoud."
        )
    if not announced:
        yield channel

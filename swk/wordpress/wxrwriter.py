"""Write WordPress exports (WXR) the way WordPress lays them out, for tests and the benchmark.

Follows ``wp-admin/includes/export.php``: an RSS 2.0 document with the ``wp``, ``excerpt``,
``content``, ``wfw`` and ``dc`` namespaces, bodies and titles in CDATA, terms at the top of the
channel, then one ``<item>`` per post, page, attachment or menu item with its post meta and
comments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from content_model.clock import DEFAULT_TIMEZONE

AMSTERDAM = ZoneInfo(DEFAULT_TIMEZONE)  # the WordPress site's clock


@dataclass
class Post:
    id: int
    title: str = ""
    content: str = ""
    type: str = "post"
    status: str = "publish"
    name: str = ""  # the slug as WordPress stores it (non-ASCII percent-encoded)
    date: str = "2023-01-05 10:00:00"  # local (Amsterdam) time, as wp:post_date
    link: str | None = None  # default: date-based permalink for posts, /name/ for pages
    excerpt: str = ""
    parent: int = 0
    creator: str = "redactie"
    categories: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    tags: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: int = 0
    attachment_url: str = ""
    gmt: bool = True  # write post_date_gmt (drafts have 0000-00-00 00:00:00)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _gmt(local: str) -> str:
    moment = datetime.strptime(local, "%Y-%m-%d %H:%M:%S").replace(tzinfo=AMSTERDAM)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _rfc822(local: str) -> str:
    moment = datetime.strptime(local, "%Y-%m-%d %H:%M:%S").replace(tzinfo=AMSTERDAM)
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def default_link(site: str, post: Post, pages: dict[int, Post]) -> str:
    if post.type == "page":
        chain, parent = [post.name], pages.get(post.parent)
        while parent is not None:
            chain.insert(0, parent.name)
            parent = pages.get(parent.parent)
        return f"{site}/{'/'.join(chain)}/"
    if post.type == "post" and post.status == "publish" and post.name:
        y, m, d = post.date[:10].split("-")
        return f"{site}/{y}/{m}/{d}/{post.name}/"
    return f"{site}/?p={post.id}"


def write_item(out: IO[str], post: Post, site: str, pages: dict[int, Post]) -> None:
    link = post.link if post.link is not None else default_link(site, post, pages)
    w = out.write
    w("\t<item>\n")
    w(f"\t\t<title>{cdata(post.title)}</title>\n")
    w(f"\t\t<link>{escape(link)}</link>\n")
    w(f"\t\t<pubDate>{_rfc822(post.date)}</pubDate>\n")
    w(f"\t\t<dc:creator>{cdata(post.creator)}</dc:creator>\n")
    guid = post.attachment_url or f"{site}/?p={post.id}"
    w(f'\t\t<guid isPermaLink="false">{escape(guid)}</guid>\n')
    w("\t\t<description></description>\n")
    w(f"\t\t<content:encoded>{cdata(post.content)}</content:encoded>\n")
    w(f"\t\t<excerpt:encoded>{cdata(post.excerpt)}</excerpt:encoded>\n")
    w(f"\t\t<wp:post_id>{post.id}</wp:post_id>\n")
    w(f"\t\t<wp:post_date>{cdata(post.date)}</wp:post_date>\n")
    gmt = _gmt(post.date) if post.gmt else "0000-00-00 00:00:00"
    w(f"\t\t<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>\n")
    w(f"\t\t<wp:post_modified>{cdata(post.date)}</wp:post_modified>\n")
    w("\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>\n")
    w(f"\t\t<wp:post_name>{cdata(post.name)}</wp:post_name>\n")
    w(f"\t\t<wp:status>{cdata(post.status)}</wp:status>\n")
    w(f"\t\t<wp:post_parent>{post.parent}</wp:post_parent>\n")
    w("\t\t<wp:menu_order>0</wp:menu_order>\n")
    w(f"\t\t<wp:post_type>{cdata(post.type)}</wp:post_type>\n")
    w("\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n")
    w("\t\t<wp:is_sticky>0</wp:is_sticky>\n")
    if post.attachment_url:
        w(f"\t\t<wp:attachment_url>{cdata(post.attachment_url)}</wp:attachment_url>\n")
    for slug, name in post.categories:
        w(f'\t\t<category domain="category" nicename={quoteattr(slug)}>{cdata(name)}</category>\n')
    for slug, name in post.tags:
        w(f'\t\t<category domain="post_tag" nicename={quoteattr(slug)}>{cdata(name)}</category>\n')
    for key, value in post.meta.items():
        w("\t\t<wp:postmeta>\n")
        w(f"\t\t\t<wp:meta_key>{cdata(key)}</wp:meta_key>\n")
        w(f"\t\t\t<wp:meta_value>{cdata(value)}</wp:meta_value>\n")
        w("\t\t</wp:postmeta>\n")
    for n in range(post.comments):
        w("\t\t<wp:comment>\n")
        w(f"\t\t\t<wp:comment_id>{post.id * 100 + n}</wp:comment_id>\n")
        w("\t\t\t<wp:comment_author><![CDATA[Lezer]]></wp:comment_author>\n")
        w(
            "\t\t\t<wp:comment_author_email><![CDATA[lezer@example.invalid]]></wp:comment_author_email>\n"
        )
        w(f"\t\t\t<wp:comment_date>{cdata(post.date)}</wp:comment_date>\n")
        w("\t\t\t<wp:comment_content><![CDATA[Mooi stuk!]]></wp:comment_content>\n")
        w("\t\t\t<wp:comment_approved><![CDATA[1]]></wp:comment_approved>\n")
        w("\t\t</wp:comment>\n")
    w("\t</item>\n")


def write_wxr(
    path: Path,
    posts: Iterable[Post],
    *,
    site: str = "https://oud.example.org",
    version: str = "1.2",
    https_namespace: bool = False,
    categories: Iterable[tuple[str, str, str]] = (),
    tags: Iterable[tuple[str, str]] = (),
    authors: Iterable[tuple[str, str]] = (("redactie", "Redactie"),),
    pages: dict[int, Post] | None = None,
) -> Path:
    """Write an export; categories are (slug, name, parent slug), tags (slug, name), authors
    (login, display name). ``posts`` may be a generator (the benchmark streams 5,000)."""
    scheme = "https" if https_namespace else "http"
    wp = f"{scheme}://wordpress.org/export/{version}/"
    pages = pages or {}
    with open(path, "w", encoding="utf-8") as out:
        w = out.write
        w('<?xml version="1.0" encoding="UTF-8" ?>\n')
        w(
            "<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->\n"
        )
        w('<rss version="2.0"\n')
        w(f'\txmlns:excerpt="{wp}excerpt/"\n')
        w('\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n')
        w('\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n')
        w('\txmlns:dc="http://purl.org/dc/elements/1.1/"\n')
        w(f'\txmlns:wp="{wp}"\n>\n\n<channel>\n')
        w("\t<title>Sociaal Werkkoepel Amsterdam</title>\n")
        w(f"\t<link>{escape(site)}</link>\n")
        w("\t<description></description>\n")
        w("\t<language>nl-NL</language>\n")
        w(f"\t<wp:wxr_version>{version}</wp:wxr_version>\n")
        w(f"\t<wp:base_site_url>{escape(site)}</wp:base_site_url>\n")
        w(f"\t<wp:base_blog_url>{escape(site)}</wp:base_blog_url>\n\n")
        for n, (login, name) in enumerate(authors, start=1):
            w(
                f"\t<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>"
                f"<wp:author_email>{cdata(login + '@example.invalid')}</wp:author_email>"
                f"<wp:author_display_name>{cdata(name)}</wp:author_display_name></wp:author>\n"
            )
        for n, (slug, name, parent) in enumerate(categories, start=1):
            w(
                f"\t<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>{cdata(slug)}"
                f"</wp:category_nicename><wp:category_parent>{cdata(parent)}</wp:category_parent>"
                f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n"
            )
        for n, (slug, name) in enumerate(tags, start=1000):
            w(
                f"\t<wp:tag><wp:term_id>{n}</wp:term_id><wp:tag_slug>{cdata(slug)}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n"
            )
        w(
            "\t<wp:term><wp:term_id>2000</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy>"
            "<wp:term_slug><![CDATA[hoofdmenu]]></wp:term_slug><wp:term_name><![CDATA[Hoofdmenu]]>"
            "</wp:term_name></wp:term>\n\n"
        )
        w("\t<generator>https://wordpress.org/?v=6.4</generator>\n\n")
        for post in posts:
            if post.type == "page":
                pages.setdefault(post.id, post)
            write_item(out, post, site, pages)
        w("</channel>\n</rss>\n")
    return path

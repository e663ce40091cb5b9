"""One newsletter issue as the data every output needs.

``issue_data`` turns a newsletter (with its linked articles and events) into an ``Issue``;
the web page, the MJML e-mail and the plain-text e-mail are templates over that data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from content_model.eventtext import lead, place_text, upcoming, when_text
from content_model.loading import parsed_files
from content_model.problems import display_path
from content_model.schema import NEWSLETTER
from content_model.settings import site_url
from dutch_dates import nl_date, nl_month

from .plaintext import absolute, first_sentence, markdown_to_text

# The build writes this token in every unsubscribe link; the site service replaces it with
# each recipient's own opaque token.
TOKEN_PLACEHOLDER = "AFMELDCODE"


@dataclass
class ArticleItem:
    title: str
    path: str  # relative to the site root, for the web page
    url: str  # absolute
    summary: str
    date_text: str
    image: str | None = None  # absolute
    image_alt: str | None = None


@dataclass
class EventItem:
    title: str
    path: str
    url: str  # absolute
    when: str  # "donderdag 25 juni 2020, 15.00–17.00 uur" (content_model.eventtext)
    where: str | None
    summary: str | None
    start: datetime = None


@dataclass
class Footer:
    organisation: str
    email: str
    site: str  # absolute URL of the home page
    unsubscribe_url: (
        str  # the service's page with the token placeholder, or the site's mail-link page
    )
    unsubscribe_mailto: str


@dataclass
class Issue:
    slug: str
    path: str  # the web version, relative to the site root (NEWSLETTER_URL)
    source: str  # path of the issue file, for messages
    title: str
    number: int | None
    date: datetime
    date_text: str  # "14 mei 2020", or "mei 2020" when the source gives only the month
    month_only: bool
    preheader: str
    web_url: str  # absolute URL of the web version
    intro_html: str
    intro_text: str
    articles: list[ArticleItem] = field(default_factory=list)
    events: list[EventItem] = field(default_factory=list)
    events_upcoming: bool = False
    footer: Footer = None
    sender: str = ""
    reply_to: str = ""
    site_name: str = ""


def unsubscribe_link(base_url: str, token: str) -> str:
    sep = "&" if "?" in base_url else "?"
    return f"{base_url}{sep}token={quote(token, safe='')}"


def unsubscribe_mailto(address: str) -> str:
    return f"mailto:{address}?subject={quote('Afmelden nieuwsbrief')}"


def absolutize_html(html: str, base: str) -> str:
    """Make href/src in Pelican's HTML absolute (content links are root-relative locally)."""
    return re.sub(
        r'(\s(?:href|src)=")([^"]*)"',
        lambda m: f'{m.group(1)}{absolute(m.group(2), base)}"',
        html,
    )


def _image_url(image: str, base: str) -> str:
    return absolute(image, base)


def issue_data(newsletter, context, settings) -> Issue:
    """Everything an issue's outputs show, with absolute URLs (``SITEURL`` or localhost)."""
    base = site_url(settings)
    # the Markdown as the build's check parsed it (content_model; parsed again if changed)
    body = parsed_files(settings).get(NEWSLETTER, newsletter.source_path).item.body
    intro_text = markdown_to_text(body, base) if body.strip() else ""

    articles = [
        ArticleItem(
            title=a.title,
            path=a.url,
            url=f"{base}/{a.url}",
            summary=str(getattr(a, "summary", "") or ""),
            date_text=nl_date(a.date),
            image=_image_url(a.image, base) if getattr(a, "image", None) else None,
            image_alt=getattr(a, "image_alt", None),
        )
        for a in getattr(newsletter, "linked_articles", [])
    ]
    chosen = getattr(newsletter, "events", None)
    if chosen == "upcoming":
        linked = upcoming(context.get("events", []), context["now"])[
            : settings["NEWSLETTER_MAX_EVENTS"]
        ]
    else:
        linked = getattr(newsletter, "linked_events", [])
    events = [
        EventItem(
            title=e.title,
            path=e.url,
            url=f"{base}/{e.url}",
            when=when_text(e),
            where=place_text(e),
            summary=lead(e) or None,
            start=e.start,
        )
        for e in linked
    ]
    month_only = bool(getattr(newsletter, "date_month_only", False))
    unsubscribe = settings["NEWSLETTER_UNSUBSCRIBE_URL"]
    preheader = getattr(newsletter, "preheader", None) or first_sentence(
        markdown_to_text(body, base, links=False) if body.strip() else newsletter.title
    )
    return Issue(
        slug=newsletter.slug,
        path=newsletter.url,
        source=display_path(Path(newsletter.source_path)),
        title=newsletter.title,
        number=getattr(newsletter, "number", None),
        date=newsletter.date,
        # a source that gives only the month: "mei 2020", never an invented day
        date_text=nl_month(newsletter.date) if month_only else nl_date(newsletter.date),
        month_only=month_only,
        preheader=preheader,
        web_url=f"{base}/{newsletter.url}",
        intro_html=absolutize_html(newsletter.content, base),
        intro_text=intro_text,
        articles=articles,
        events=events,
        events_upcoming=chosen == "upcoming",
        footer=Footer(
            organisation=settings["SITENAME"],
            email=settings["CONTACT_EMAIL"],
            site=f"{base}/",
            unsubscribe_url=unsubscribe_link(unsubscribe, TOKEN_PLACEHOLDER)
            if unsubscribe
            else f"{base}/{settings['NEWSLETTER_UNSUBSCRIBE_PAGE_URL']}",
            unsubscribe_mailto=unsubscribe_mailto(settings["NEWSLETTER_UNSUBSCRIBE_MAILTO"]),
        ),
        sender=settings["NEWSLETTER_FROM"],
        reply_to=settings["NEWSLETTER_REPLY_TO"],
        site_name=settings["SITENAME"],
    )

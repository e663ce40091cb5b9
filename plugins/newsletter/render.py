"""Write the newsletter archive, the unsubscribe page and each issue's e-mail files.

Next to each issue's web page (``nieuwsbrief/<slug>/index.html``, written by content_model):

- ``email.html``: the MJML template compiled with mjml-python (MRML), untouched after that,
  so Outlook's conditional comments stay;
- ``email.txt``: the plain-text template over the same data;
- ``email.eml``: the complete MIME message (headers as the sender sends them);
- ``email.json``: what the site service's sender needs (subject, from, unsubscribe settings,
  content hash); the hand-off to ``service/mailing``.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from email.utils import getaddresses
from pathlib import Path

from mjml import mjml2html
from pelican.generators import Generator

from content_model.problems import ContentError, Problem, problem
from content_model.schema import CONTENT_TYPES
from design_system import email_colors

from .issue import TOKEN_PLACEHOLDER, unsubscribe_link
from .message import compose, content_hash

EMAIL_FILES = ("email.html", "email.txt", "email.eml", "email.json")


def render_email(env, issue, context) -> tuple[str, str]:
    """(HTML, text) of one issue from ``newsletter.mjml`` and ``newsletter.txt``; the
    colours of the e-mail are the City's design tokens (``design_system.email_colors``)."""
    mjml_source = env.get_template("newsletter.mjml").render(
        context, issue=issue, colors=email_colors(context)
    )
    html = mjml2html(mjml_source)
    text = env.get_template("newsletter.txt").render(context, issue=issue)
    return html, text.strip() + "\n"


def build_message_id(meta: dict) -> str:
    """The Message-ID of the built ``email.eml``: from the rendering's hash, so a rebuild
    writes the same file (the sender gives every sent message its own)."""
    domain = getaddresses([meta["from"]])[0][1].rsplit("@", 1)[-1] or "localhost"
    return f"<{meta['content_hash'][:32]}.{meta['slug']}@{domain}>"


def _kb(size: int) -> str:
    return f"{size / 1024:.0f} KB"


def too_big(issue, size: int, limit: int, parts: dict[str, int] | None = None) -> Problem:
    """The size error, with the remedy for what takes the most room: the articles, the events
    or the introduction (``parts``: bytes each adds to the e-mail, from ``part_sizes``)."""
    message = (
        f"de e-mail van deze nieuwsbrief is {_kb(size)}; de grens is {_kb(limit)}, want Gmail "
        "kort grotere e-mails af (boven ongeveer 100 KB)"
    )
    if not parts:
        return Problem(
            issue.source,
            None,
            message + ". Neem minder artikelen of evenementen op, of maak de inleiding korter",
        )
    names = {"articles": "de artikelen", "events": "de evenementen", "intro": "de inleiding"}
    shares = ", ".join(
        f"{names[k]} {_kb(v)}" for k, v in sorted(parts.items(), key=lambda kv: -kv[1])
    )
    biggest = max(parts, key=parts.get)
    if biggest == "events":
        field = "events"
        remedy = (
            f"kies in het veld 'events' een lijst met minder evenementen (nu {len(issue.events)}"
            + (", de komende uit de agenda" if issue.events_upcoming else "")
            + ")"
        )
    elif biggest == "articles":
        field = "articles"
        remedy = f"neem minder artikelen op in het veld 'articles' (nu {len(issue.articles)})"
    else:
        field = None
        remedy = "maak de inleiding (de tekst onder de velden) korter"
    text = f"{message}. Daarvan nemen {shares}: {remedy}"
    return problem(CONTENT_TYPES["newsletter"], issue.source, field, text)


def part_sizes(env, issue, context, size: int) -> dict[str, int]:
    """How many bytes of the e-mail the articles, the events and the introduction take: the
    size minus the size without them (rendered again; only when an issue is too big)."""
    without = {
        "articles": replace(issue, articles=[]),
        "events": replace(issue, events=[]),
        "intro": replace(issue, intro_html=""),
    }
    return {
        key: size - len(render_email(env, other, context)[0].encode("utf-8"))
        for key, other in without.items()
    }


class NewsletterGenerator(Generator):
    def generate_output(self, writer):
        issues = [n.issue for n in self.context.get("newsletters", [])]
        for name, key in (
            ("newsletters", "NEWSLETTER_INDEX"),
            ("newsletter_unsubscribe", "NEWSLETTER_UNSUBSCRIBE_PAGE"),
        ):
            writer.write_file(
                self.settings[f"{key}_SAVE_AS"],
                self.get_template(name),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                issues=issues,
                url=self.settings[f"{key}_URL"],
            )
        unsubscribe = self.settings["NEWSLETTER_UNSUBSCRIBE_URL"]
        max_bytes = self.settings["NEWSLETTER_MAX_BYTES"]
        problems = []
        for newsletter in self.context.get("newsletters", []):
            issue = newsletter.issue
            html, text = render_email(self.env, issue, self.context)
            size = len(html.encode("utf-8"))
            if size > max_bytes:
                parts = part_sizes(self.env, issue, self.context, size)
                problems.append(too_big(issue, size, max_bytes, parts))
                continue
            meta = {
                "slug": issue.slug,
                "source": issue.source,
                "status": newsletter.issue_status,
                "subject": issue.title,
                "from": issue.sender,
                "reply_to": issue.reply_to,
                "unsubscribe_url": unsubscribe,  # None: built without the site service
                "one_click": bool(unsubscribe),
                "unsubscribe_mailto": issue.footer.unsubscribe_mailto,
                "token_placeholder": TOKEN_PLACEHOLDER,
                "web_url": issue.web_url,
                "html_bytes": size,
            }
            meta["content_hash"] = content_hash(html, text, meta)
            url = unsubscribe_link(unsubscribe, TOKEN_PLACEHOLDER) if unsubscribe else None
            msg = compose(
                meta,
                html,
                text,
                date=self.context["now"],
                message_id=build_message_id(meta),
                unsubscribe_url=url,
            )
            # The same rendering gives the same bytes (a random boundary would not). "=_" never
            # occurs in a quoted-printable body.
            msg.set_boundary("=_" + meta["content_hash"][:32])
            folder = Path(self.output_path) / os.path.dirname(newsletter.save_as)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "email.html").write_text(html, encoding="utf-8")
            (folder / "email.txt").write_text(text, encoding="utf-8")
            (folder / "email.eml").write_bytes(msg.as_bytes())
            (folder / "email.json").write_text(
                json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        if problems:
            raise ContentError(problems)

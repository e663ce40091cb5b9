"""newsletter: each issue as a web page, an MJML e-mail, a text part and a MIME message.

- after all content is read, every issue gets ``issue`` (``issue.issue_data``): the data that
  the web page, the e-mail HTML and the text part are rendered from; ``events: upcoming``
  takes the events that have not ended at the build's ``now``; a link in the introduction
  whose text says nothing out of context ("hier", a bare address) gets a build warning
  (``linktext``);
- ``NewsletterGenerator`` writes ``nieuwsbrief/`` (archive + sign-up form,
  ``NEWSLETTER_INDEX_SAVE_AS``), ``nieuwsbrief/afmelden/`` (``NEWSLETTER_UNSUBSCRIBE_PAGE_SAVE_AS``)
  and, per issue, ``email.html``, ``email.txt``, ``email.eml``
  and ``email.json`` next to the web page; an e-mail above ``NEWSLETTER_MAX_BYTES`` stops
  the build;
- the context gets ``newsletter_signup`` (``signup.signup_form``): the sign-up form's action
  on the site service, the consent text and versions; None without ``SERVICE_URL``.

Delivery is the site service's (``service/mailing``): it sends what the build wrote.
"""

from __future__ import annotations

import logging

from pelican import signals

from content_model.consent import service_url
from content_model.settings import use_defaults

from .issue import issue_data
from .linktext import unclear_links
from .signup import UNSUBSCRIBE_PATH, signup_form

log = logging.getLogger(__name__)


def _unsubscribe_url(settings) -> str | None:
    """The site service's one-click unsubscribe page, or None without a service: then the
    e-mail offers only the mailto and the site's page that explains it."""
    service = service_url(settings)
    return service + UNSUBSCRIBE_PATH if service else None


# Documented in the README (Newsletter). In the settings at ``initialized``, so the content
# contract sees which addresses the archive and the unsubscribe page take.
DEFAULTS = {
    "NEWSLETTER_INDEX_URL": "nieuwsbrief/",
    "NEWSLETTER_INDEX_SAVE_AS": "nieuwsbrief/index.html",
    "NEWSLETTER_UNSUBSCRIBE_PAGE_URL": "nieuwsbrief/afmelden/",
    "NEWSLETTER_UNSUBSCRIBE_PAGE_SAVE_AS": "nieuwsbrief/afmelden/index.html",
    "NEWSLETTER_FROM": lambda s: f"{s['SITENAME']} <{s['CONTACT_EMAIL']}>",
    "NEWSLETTER_REPLY_TO": lambda s: s["CONTACT_EMAIL"],
    "NEWSLETTER_UNSUBSCRIBE_URL": _unsubscribe_url,
    "NEWSLETTER_UNSUBSCRIBE_MAILTO": lambda s: s["CONTACT_EMAIL"],
    "NEWSLETTER_MAX_EVENTS": 5,
    "NEWSLETTER_MAX_BYTES": 90 * 1024,
    "NEWSLETTER_CONSENT_TEXT": "",
}


def _attach(generators):
    context = generators[0].context
    settings = generators[0].settings
    context["newsletter_signup"] = signup_form(settings)
    for newsletter in context.get("newsletters", []):
        newsletter.issue = issue_data(newsletter, context, settings)
        for problem in unclear_links(newsletter.issue.intro_html):
            log.warning(
                "%s: %s; wie de links van de e-mail laat voorlezen, hoort alleen de linktekst. "
                "Schrijf waar de link heen gaat, bijvoorbeeld [Meld u aan als partner](https://...)",
                newsletter.issue.source,
                problem,
            )


def _get_generators(pelican):
    from .render import NewsletterGenerator

    return NewsletterGenerator


def register():
    use_defaults(DEFAULTS)
    signals.all_generators_finalized.connect(_attach)
    signals.get_generators.connect(_get_generators)

"""newsletter: each issue as a web page, an MJML e-mail, a text part and a MIME message.

- after all content is read, every issue gets ``issue`` (``issue.issue_data``): the data that
  the web page, the e-mail HTML and the text part are rendered from; ``events: upcoming``
  takes the events that have not ended at the build's ``now``;
- ``NewsletterGenerator`` writes ``nieuwsbrief/`` (archive + sign-up form),
  ``nieuwsbrief/afmelden/`` and, per issue, ``email.html``, ``email.txt``, ``email.eml``
  and ``email.json`` next to the web page; an e-mail above ``NEWSLETTER_MAX_BYTES`` stops
  the build;
- the context gets ``newsletter_signup`` (``signup.signup_form``): the sign-up form's action
  on the site service, the consent text and versions; None without ``SERVICE_URL``.

Delivery is the site service's (``service/mailing``): it sends what the build wrote.
"""

from __future__ import annotations

from pelican import signals

from .issue import issue_data
from .signup import signup_form


def _attach(generators):
    context = generators[0].context
    settings = generators[0].settings
    context["newsletter_signup"] = signup_form(settings)
    for newsletter in context.get("newsletters", []):
        newsletter.issue = issue_data(newsletter, context, settings)


def _get_generators(pelican):
    from .render import NewsletterGenerator

    return NewsletterGenerator


def register():
    signals.all_generators_finalized.connect(_attach)
    signals.get_generators.connect(_get_generators)

"""Dutch pages of the service, in the site's own look.

The templates live with the theme (``theme/templates/service/``) and extend the site's
``base.html``, with the names and menus from the Pelican settings and ``SITEURL`` set to the
public site, so the site's CSS and links work on the service's pages too.
"""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from .config import Config

SITE_KEYS = (
    "SITENAME",
    "SITE_DESCRIPTION",
    "CONTACT_EMAIL",
    "MENU_ITEMS",
    "FOOTER_ITEMS",
    "FOOTER_LINKS",
    "FEED_ATOM_PATH",
    "FEED_RSS_PATH",
    "SEARCH_URL",
)


def site_settings(config: Config) -> dict:
    """The Pelican settings, with every plugin's defaults as the build has them
    (``content_model.settings.load_settings``) and ``SITEURL`` = the public site."""
    from content_model.settings import load_settings

    return load_settings(str(config.site_settings), override={"SITEURL": config.site_url})


class Pages:
    def __init__(self, config: Config, settings: dict | None = None):
        self.settings = settings if settings is not None else site_settings(config)
        self.env = Environment(
            loader=FileSystemLoader(self.settings["THEME"] + "/templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        from dutch_dates import nl_date, nl_day, nl_month, nl_time

        self.env.filters.update(nl_date=nl_date, nl_day=nl_day, nl_month=nl_month, nl_time=nl_time)
        self.context = {key: self.settings.get(key) for key in SITE_KEYS}
        self.context["SITEURL"] = config.site_url
        # the City's look: the public site's stylesheet, fonts and icons (plugins/design_system)
        from design_system import template_context

        self.context.update(template_context({**self.settings, "SITEURL": config.site_url}))
        self.context["SERVICE_URL"] = config.service_url

    def render(self, name: str, **values) -> str:
        return self.env.get_template(name).render({**self.context, **values})

    def response(self, name: str, status_code: int = 200, **values) -> HTMLResponse:
        """A page from ``theme/templates/service/<name>``; never cached (it may be personal).
        ``same-origin``: links to other sites get no referrer (URLs here carry tokens), and
        our own forms still get an ``Origin`` (with ``no-referrer`` Chromium sends "null")."""
        return HTMLResponse(
            self.render(f"service/{name}", **values),
            status_code=status_code,
            headers={
                "Cache-Control": "no-store",
                "Referrer-Policy": "same-origin",
                "X-Content-Type-Options": "nosniff",
                "X-Frame-Options": "DENY",
            },
        )

    def action(
        self, title: str, button: str, text: str, action: str, fields: dict | None = None
    ) -> HTMLResponse:
        """A page with one button that POSTs ``fields`` to ``action`` (confirming a sign-up,
        unsubscribing): opening a link in an e-mail changes nothing by itself."""
        return self.response(
            "action.html", title=title, button=button, text=text, action=action, fields=fields or {}
        )

    def message(self, title: str, text: str, status_code: int = 200, **values) -> HTMLResponse:
        """A simple page with a heading and a paragraph (errors, confirmations)."""
        return self.response("message.html", status_code, title=title, text=text, **values)

"""site_meta: what browsers, crawlers and link previews read about the site.

- ``favicon.ico`` at the site root (``FAVICON_SAVE_AS``), copied from
  ``theme/static/images/favicon.ico``, and ``theme/images/favicon.svg`` linked from the pages
  (``partials/style.html``): the red bar of the header (``scripts/site_images.py`` makes the
  ICO), for a build without the City's design system, which brings the City's own icons;
- ``robots.txt`` (``ROBOTS_SAVE_AS``, template ``robots.txt``): the sitemap's absolute address,
  the web editor (``WEB_EDITOR_PATH``) not crawled;
- Jinja globals ``canonical_url(output_file)`` (the page's absolute address: ``SITEURL``, or
  ``http://localhost:8000`` locally, as the feeds) and ``og_image(item)`` (the article's image,
  the partner's logo, else ``SITE_IMAGE``), used by ``base.html`` and ``partials/og.html``;
- JSON-LD: every article gets ``jsonld`` (schema.org ``NewsArticle`` for news, ``Article``
  for interviews), the context ``site_jsonld`` (``WebSite`` with its search and the
  ``Organization``) for the home page. Partners and events get theirs from their plugins;
- the sitemap's date (``<lastmod>``) of everything without a date of its own (pages,
  partners, events, newsletter issues, the home page, lists, tags): the build's "now"
  (``content_model``), not the moment the sitemap plugin was loaded, which the dev server
  would keep for all its builds;
- the Content-Security-Policy of every page (``CONTENT_SECURITY_POLICY`` in the context,
  a ``<meta http-equiv>`` in ``base.html``): scripts, styles, images, fetches and workers
  only from the site itself, no inline script or style, WebAssembly allowed for Pagefind
  (``'wasm-unsafe-eval'``), no plugins or frames; forms and fetches only to the site and the
  site service (``SERVICE_URL``: sign-up, registration, places left, partner application).
  A second line of defence behind the
  sanitizer (``content_model.sanitize``).

Settings and their defaults: ``DEFAULTS`` (documented in the README's plugin table);
``SITE_IMAGE`` is 1200 x 630, made by ``scripts/site_images.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

from pelican import signals
from pelican.generators import Generator

from content_model.settings import site_url, use_defaults

DEFAULTS = {
    "SITE_IMAGE": "theme/images/og-default.png",
    # what the default image says
    "SITE_IMAGE_ALT": lambda s: f"{s['SITENAME']}: {s.get('SITE_DESCRIPTION') or ''}".rstrip(": "),
    "FAVICON_SAVE_AS": "favicon.ico",
    "ROBOTS_SAVE_AS": "robots.txt",
    "CONTENT_SECURITY_POLICY": None,
}
SITE_IMAGE_SIZE = (1200, 630)


def canonical_path(output_file: str) -> str:
    """The address of an output file relative to the site root: a folder for index.html."""
    if output_file == "index.html":
        return ""
    if output_file.endswith("/index.html"):
        return output_file[: -len("index.html")]
    return output_file


def make_globals(settings):
    base = site_url(settings)
    site_image = {
        "url": f"{base}/{settings['SITE_IMAGE'].lstrip('/')}",
        "alt": settings["SITE_IMAGE_ALT"],
        "width": SITE_IMAGE_SIZE[0],
        "height": SITE_IMAGE_SIZE[1],
    }

    def canonical_url(output_file: str) -> str:
        return f"{base}/{canonical_path(output_file)}"

    def og_image(item=None) -> dict:
        """The image a link preview shows: the item's own, else the site's."""
        if item is not None and getattr(item, "image", None):
            return {
                "url": f"{base}/{item.image.lstrip('/')}",
                "alt": getattr(item, "image_alt", "") or "",
            }
        if item is not None and getattr(item, "logo", None):
            return {"url": f"{base}/{item.logo.lstrip('/')}", "alt": f"Logo van {item.title}"}
        return site_image

    return {"canonical_url": canonical_url, "og_image": og_image}


def _add_globals(generator):
    env = getattr(generator, "env", None)
    if env is not None:
        env.globals.update(make_globals(generator.settings))


def organization(settings) -> dict:
    base = site_url(settings)
    data = {
        "@type": "Organization",
        "@id": f"{base}/#organisatie",
        "name": settings["SITENAME"],
        "url": f"{base}/",
    }
    if settings.get("CONTACT_EMAIL"):
        data["email"] = settings["CONTACT_EMAIL"]
    return data


def article_jsonld(article, settings) -> dict:
    base = site_url(settings)
    url = f"{base}/{article.url}"
    publisher = {
        k: v for k, v in organization(settings).items() if k in ("@type", "@id", "name", "url")
    }
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle" if article.category.name == "Nieuws" else "Article",
        "headline": article.title if len(article.title) <= 110 else article.title[:109] + "…",
        "datePublished": article.date.isoformat(),
        "inLanguage": "nl",
        "url": url,
        "mainEntityOfPage": url,
        "author": publisher,
        "publisher": publisher,
        "image": [make_globals(settings)["og_image"](article)["url"]],
    }
    if article.summary:
        data["description"] = article.summary
    tags = [t.name for t in getattr(article, "tags", [])]
    if tags:
        data["keywords"] = tags
    return data


def site_jsonld(settings) -> dict:
    base = site_url(settings)
    website = {
        "@type": "WebSite",
        "@id": f"{base}/#website",
        "name": settings["SITENAME"],
        "url": f"{base}/",
        "inLanguage": "nl",
        "publisher": {"@id": f"{base}/#organisatie"},
    }
    if settings.get("SITE_DESCRIPTION"):
        website["description"] = settings["SITE_DESCRIPTION"]
    if settings.get("SEARCH_URL"):
        website["potentialAction"] = {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{base}/{settings['SEARCH_URL']}?q={{zoekterm}}",
            },
            "query-input": "required name=zoekterm",
        }
    org = organization(settings)
    if settings.get("SITE_DESCRIPTION"):
        org["description"] = settings["SITE_DESCRIPTION"]
    return {"@context": "https://schema.org", "@graph": [website, org]}


def content_security_policy(settings) -> str:
    """The site's Content-Security-Policy (see the module docstring)."""
    if settings["CONTENT_SECURITY_POLICY"] is not None:
        return settings["CONTENT_SECURITY_POLICY"]
    # the site service: forms post there (sign-up, registration, partner application), the
    # event page asks it how many places are left
    service = urlsplit(settings.get("SERVICE_URL") or "")
    other = ""
    if service.scheme in ("http", "https") and service.netloc:
        other = f" {service.scheme}://{service.netloc}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",  # Pagefind compiles its WebAssembly
            "style-src 'self'",
            "img-src 'self' data:",  # the design system's stylesheet draws a few icons as data: URLs
            "font-src 'self'",
            "connect-src 'self'" + other,
            "worker-src 'self'",
            "object-src 'none'",
            "frame-src 'none'",
            "base-uri 'self'",
            "form-action 'self'" + other,
        ]
    )


def _finalized(generators):
    context, settings = generators[0].context, generators[0].settings
    for article in context.get("articles", []):
        article.jsonld = article_jsonld(article, settings)
    context["site_jsonld"] = site_jsonld(settings)
    context["CONTENT_SECURITY_POLICY"] = content_security_policy(settings)
    _date_the_sitemap(context.get("now"))


def _date_the_sitemap(now) -> None:
    """pelican-sitemap dates everything without a date of its own (pages, partners, events,
    newsletter issues, the home page, lists, tags) with the moment its plugin was loaded,
    once per process: the dev server would keep its start for every build. They get the
    build's "now" (content_model's, SWK_NOW or the clock, in the site's time zone)
    instead, as a cold build at that moment."""
    try:
        from pelican.plugins.sitemap.sitemap import generator
    except ImportError:  # pragma: no cover - the plugin is in requirements.txt
        return
    if now is not None:
        generator.now = now


class SiteMetaGenerator(Generator):
    """``favicon.ico`` and ``robots.txt`` at the root of the site."""

    def generate_output(self, writer):
        s = self.settings
        # The City's design system (plugins/design_system) brings its own favicon; ours is
        # for a build without it.
        if s["FAVICON_SAVE_AS"] and not self.context.get("DESIGN_SYSTEM"):
            source = Path(s["THEME"]) / "static" / "images" / "favicon.ico"
            target = Path(self.output_path) / s["FAVICON_SAVE_AS"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        if s["ROBOTS_SAVE_AS"]:
            # written directly, not through Pelican's writer: the sitemap lists what the
            # writer writes, and robots.txt is not a page
            base = site_url(s)
            editor = s.get("WEB_EDITOR_PATH")
            text = self.env.get_template("robots.txt").render(
                self.context,
                sitemap_url=f"{base}/sitemap.xml",
                disallow=[f"{urlsplit(base).path}/{editor}/"] if editor else [],
            )
            target = Path(self.output_path) / s["ROBOTS_SAVE_AS"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def _get_generators(pelican):
    return SiteMetaGenerator


def register():
    use_defaults(DEFAULTS)
    signals.generator_init.connect(_add_globals)
    signals.all_generators_finalized.connect(_finalized)
    signals.get_generators.connect(_get_generators)

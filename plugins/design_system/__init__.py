"""design_system: the site in the City of Amsterdam's look (Amsterdam Design System, npm).

When Pelican starts, the plugin reads the pinned npm packages (``assets.load``) and puts
``DESIGN_SYSTEM`` in the template context: the stylesheet's URL, the two fonts to preload,
the favicon and app icons, the City's logo and a few icons as inline SVG. After the pages it
writes ``theme/css/site.min.css`` (the used tokens, the used components, two font faces and
the theme's ``site.css``, minified), copies the fonts and icons and writes
``manifest.webmanifest``. Nothing of the packages is kept in the repository.

Without the packages (no ``npm ci`` yet) a build warns and goes on: ``DESIGN_SYSTEM`` is
``None`` and ``base.html`` links the theme's plain ``site.css``, which works with the system
font stack. ``DESIGN_SYSTEM_REQUIRED = True`` (publishconf.py) makes that an error.

Settings and their defaults: ``DEFAULTS`` (documented in the README).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

from content_model.settings import use_defaults

from . import assets
from .assets import DesignSystemMissing

log = logging.getLogger(__name__)

DEFAULTS = {
    "DESIGN_SYSTEM_NODE_MODULES": lambda s: s["NODE_MODULES"],  # pelicanconf.py
    "DESIGN_SYSTEM_COMPONENTS": assets.COMPONENTS,
    "DESIGN_SYSTEM_REQUIRED": False,
    "DESIGN_SYSTEM_SHORT_NAME": lambda s: s["SITENAME"],
}
_BUNDLE_KEY = "_DESIGN_SYSTEM_BUNDLE"


def theme_css(settings) -> str:
    return (Path(settings["THEME"]) / "static" / "css" / "site.css").read_text(encoding="utf-8")


def bundle(settings) -> assets.Bundle | None:
    """The design system for these settings, or ``None`` (with a warning) when it is not
    installed; raises ``DesignSystemMissing`` when ``DESIGN_SYSTEM_REQUIRED``."""
    node_modules = Path(settings["DESIGN_SYSTEM_NODE_MODULES"])
    try:
        return assets.load(node_modules, settings["DESIGN_SYSTEM_COMPONENTS"])
    except DesignSystemMissing as exc:
        if settings["DESIGN_SYSTEM_REQUIRED"]:
            raise
        log.warning("%s; de site gebruikt nu het eigen site.css en het systeemlettertype", exc)
        return None


def template_data(found: assets.Bundle | None, siteurl: str) -> dict | None:
    """What ``base.html`` and the partials need (``DESIGN_SYSTEM``), or ``None``."""
    if found is None:
        return None
    return {
        "stylesheet": f"{siteurl}/{assets.STYLESHEET}",
        "fonts": [f"{siteurl}/{assets.FONT_DIR}/{name}" for name, _ in assets.FONTS],
        "favicon": f"{siteurl}/favicon.ico",
        "icon": f"{siteurl}/{assets.ICON_DIR}/icon.svg",
        "apple_touch_icon": f"{siteurl}/{assets.ICON_DIR}/apple-touch-icon.png",
        "manifest": f"{siteurl}/{assets.MANIFEST}",
        "logo": Markup(found.logo_svg),
        "icons": {name: Markup(svg) for name, svg in found.icons.items()},
    }


# The newsletter e-mail's colours, from the same tokens (its fonts stay web-safe: Arial, as
# mail clients do not load ours). Key -> (token, its value as the fallback for a build
# without the npm packages; tests/test_design_system.py keeps the two equal).
EMAIL_COLORS = {
    "text": ("--ams-color-text", "#202020"),
    "text_secondary": ("--ams-color-text-secondary", "#767676"),
    "inverse": ("--ams-color-text-inverse", "#ffffff"),
    "link": ("--ams-color-interactive", "#004699"),
    "background": ("--ams-color-background-body", "#ffffff"),
    "accent": ("--ams-logo-emblem-color", "#ec0000"),
    "line": ("--ams-color-separator", "#d1d1d1"),
    "spotlight": ("--ams-page-footer-spotlight-background-color", "#004699"),
    "button": ("--ams-button-primary-background-color", "#004699"),
    "button_text": ("--ams-button-primary-color", "#ffffff"),
}


def email_colors(settings) -> dict[str, str]:
    """The e-mail's colours: the design system's tokens, or their fallback values."""
    found = settings.get(_BUNDLE_KEY)
    tokens = found.tokens if found else {}
    return {key: tokens.get(token, value) for key, (token, value) in EMAIL_COLORS.items()}


def template_context(settings) -> dict:
    """``{"DESIGN_SYSTEM": ..., "colors": ...}`` for a Jinja environment outside Pelican (the
    site service): its pages, with URLs on the public site (``SITEURL``), and its e-mails'
    colours (``email_colors``)."""
    found = bundle(settings)
    return {
        "DESIGN_SYSTEM": template_data(found, settings["SITEURL"]),
        "colors": email_colors({_BUNDLE_KEY: found}),
    }


def _initialized(pelican):
    settings = pelican.settings
    found = bundle(settings)
    settings[_BUNDLE_KEY] = found
    settings["DESIGN_SYSTEM"] = template_data(found, settings["SITEURL"])


class DesignSystemGenerator(Generator):
    """Writes the stylesheet, fonts, icons and manifest (nothing without the packages)."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        found = self.settings.get(_BUNDLE_KEY)
        if found is None:
            return
        out = Path(self.output_path)
        css = out / assets.STYLESHEET
        css.parent.mkdir(parents=True, exist_ok=True)
        css.write_text(assets.stylesheet(found, theme_css(self.settings)), encoding="utf-8")
        for rel, source in found.copies.items():
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        (out / assets.MANIFEST).write_text(
            assets.manifest(
                self.settings["SITENAME"],
                self.settings["DESIGN_SYSTEM_SHORT_NAME"],
                self.settings["SITEURL"],
            ),
            encoding="utf-8",
        )


def _get_generators(pelican):
    return DesignSystemGenerator


def register():
    use_defaults(DEFAULTS, then=_initialized)
    signals.get_generators.connect(_get_generators)

"""The City's design system in the build: only what is used, from npm, and a site that still
works without it."""

from __future__ import annotations

import json
import re

import pytest

from design_system import EMAIL_COLORS, assets, email_colors
from tests.support import sitecheck, testing

NODE_MODULES = testing.ROOT / "node_modules"  # pelicanconf.py's NODE_MODULES
TOKENS_CSS = NODE_MODULES / assets.TOKENS_PACKAGE / "dist" / "index.css"
pytestmark = pytest.mark.skipif(
    not TOKENS_CSS.exists(), reason="npm packages missing: run `make test`"
)


def tokens() -> dict[str, str]:
    found = assets.parse_tokens(TOKENS_CSS.read_text(encoding="utf-8"))
    return {name: assets.resolve(found, name) for name in found}


def test_the_stylesheet_has_only_the_tokens_and_components_in_use(site):
    css = (site / assets.STYLESHEET).read_text(encoding="utf-8")
    root = re.search(r":root\{(--ams-[^}]*)\}", css).group(1)
    defined = set(re.findall(r"(--ams-[\w-]+):", root))
    referenced = set(re.findall(r"var\(\s*(--ams-[\w-]+)", css))
    assert defined and defined <= referenced  # no token that nothing uses
    assert len(defined) < len(tokens()) / 2  # far from all of them
    # only the components the theme uses: a few that it does not, as a sample
    for unused in (".ams-accordion", ".ams-tabs", ".ams-date-picker", ".ams-badge", ".ams-table"):
        assert unused not in css, unused
    for used in (
        ".ams-page-header",
        ".ams-page-footer",
        ".ams-breadcrumb",
        ".ams-card",
        ".ams-button",
    ):
        assert used in css, used
    # Amsterdam Sans: regular and bold, swapped in when loaded; then the theme's own rules
    faces = re.findall(r"@font-face\{[^}]*\}", css)
    assert [re.search(r"font-weight:(\d+)", f).group(1) for f in faces] == ["400", "700"]
    assert all("font-display:swap" in f for f in faces)
    assert ".site-header" in css and "sourceMappingURL" not in css
    assert "\n" not in css.strip()  # minified


def test_pages_preload_the_fonts_and_link_the_citys_icons(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    for name, _ in assets.FONTS:
        assert (
            f'<link rel="preload" href="/{assets.FONT_DIR}/{name}" as="font" type="font/woff2" '
            "crossorigin>"
        ) in html
        assert (site / assets.FONT_DIR / name).read_bytes() == (
            NODE_MODULES / assets.ASSETS_PACKAGE / "font" / name
        ).read_bytes()
    assert len(list((site / assets.FONT_DIR).iterdir())) == 2  # no other weight or style
    assert '<link rel="stylesheet" href="/theme/css/site.min.css">' in html
    assert "/theme/css/site.css" not in html
    for href in (
        "/favicon.ico",
        "/theme/icons/icon.svg",
        "/theme/icons/apple-touch-icon.png",
        "/manifest.webmanifest",
    ):
        assert f'href="{href}"' in html and (site / href.lstrip("/")).is_file(), href
    manifest = json.loads((site / assets.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["name"] == "Sociaal Werkkoepel Amsterdam" and manifest["lang"] == "nl"
    for icon in manifest["icons"]:
        assert (site / icon["src"].lstrip("/")).is_file()
    # the City's logo, inline in the page header, hidden from screen readers (the link says it)
    header = html[html.index('<header class="ams-page-header') : html.index("</header>")]
    assert re.search(r'<svg class="ams-logo" aria-hidden="true" focusable="false"', header)
    assert "Gemeente Amsterdam: </span>Sociaal Werkkoepel Amsterdam" in header


def fallbacks(css: str) -> list[tuple[str, str]]:
    """(token, fallback) of every ``var(--ams-x, fallback)``, the fallback up to its own ")"."""
    found = []
    for m in re.finditer(r"var\((--ams-[\w-]+),\s*", css):
        depth, i = 0, m.end()
        while depth or css[i] != ")":
            depth += {"(": 1, ")": -1}.get(css[i], 0)
            i += 1
        found.append((m.group(1), css[m.end() : i].strip()))
    return found


def test_theme_fallbacks_are_the_design_tokens():
    """site.css works alone (no npm packages): each token it uses carries the token's own
    value as its fallback, and so do the e-mail's colours."""
    values = tokens()
    css = (testing.ROOT / "theme/static/css/site.css").read_text(encoding="utf-8")
    pairs = fallbacks(css)
    assert len(pairs) > 25
    problems = []
    for token, fallback in pairs:
        if token == "--ams-typography-font-family":
            continue  # the fallback is the system font stack, on purpose
        expected = values.get(token)
        if expected is None or " ".join(fallback.split()) != " ".join(expected.split()):
            problems.append(f"{token}: fallback {fallback!r}, token {expected!r}")
    assert not problems, "\n".join(problems)
    for key, (token, fallback) in EMAIL_COLORS.items():
        assert values[token].lower() == fallback.lower(), key


def test_the_email_takes_its_colours_from_the_tokens(site):
    colors = email_colors({})  # without a bundle: the fallbacks, equal to the tokens (above)
    html = (site / "nieuwsbrief/2020-05-nieuwsbrief-3/email.html").read_text(encoding="utf-8")
    for key in ("text", "link", "accent", "spotlight"):
        assert colors[key] in html.lower(), key
    assert "Arial" in html and "Amsterdam Sans" not in html  # web-safe fonts in mail


def test_without_the_packages_the_build_warns_and_works(tmp_path, caplog):
    project = testing.make_project(tmp_path, {"content/articles/goed.md": testing.ARTICLE})
    out = testing.build_project(project, DESIGN_SYSTEM_NODE_MODULES=str(tmp_path / "geen-npm"))
    assert "Amsterdamse huisstijl ontbreekt" in caplog.text and "make build" in caplog.text
    html = (out / "artikelen/goed/index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="/theme/css/site.css">' in html
    assert "site.min.css" not in html and "woff2" not in html and "<svg" not in html
    assert not (out / "theme/fonts").exists() and not (out / "theme/icons").exists()
    # no City icon then: the site's own favicon (plugins/site_meta), not the City's
    assert (out / "favicon.ico").read_bytes() == (
        testing.ROOT / "theme/static/images/favicon.ico"
    ).read_bytes()
    pages = sitecheck.parse_site(out)
    assert sitecheck.broken_links(out, pages) == []
    # the font falls back to the system font stack
    css = (out / "theme/css/site.css").read_text(encoding="utf-8")
    assert re.search(r"--swk-font: var\(--ams-typography-font-family, system-ui,", css)


def test_publishing_requires_the_packages(tmp_path):
    project = testing.make_project(tmp_path, {"content/articles/goed.md": testing.ARTICLE})
    with pytest.raises(Exception, match="Amsterdamse huisstijl ontbreekt"):
        with testing.env(SWK_SITEURL="https://voorbeeld.github.io/swk"):
            testing.build_project(
                project, "publishconf.py", DESIGN_SYSTEM_NODE_MODULES=str(tmp_path / "geen-npm")
            )

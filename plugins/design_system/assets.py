"""The City of Amsterdam's design system from npm: what the site takes from it, and how.

Three packages (pinned in ``package.json``): ``@amsterdam/design-system-css`` (the component
stylesheets, EUPL-1.2), ``@amsterdam/design-system-tokens`` (colours, spacing, type) and
``@amsterdam/design-system-assets`` (logo, favicon, app icons, the Amsterdam Sans typeface).
The tokens and assets are the City's own, licensed to the City, not open source: they are
copied into the built site at build time and never into the repository.

``load(node_modules, components)`` reads what the site uses and returns a ``Bundle``: the
components' stylesheets, the tokens, the files to copy and what the templates need;
``stylesheet(bundle, site_css)`` makes the one minified stylesheet (two font faces, only the
tokens that are used, only the components we use, then the theme's own ``site.css``).
Without the packages it raises ``DesignSystemMissing``; the site then works with its own
``site.css`` and the system font stack.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import rcssmin

CSS_PACKAGE = "@amsterdam/design-system-css"
TOKENS_PACKAGE = "@amsterdam/design-system-tokens"
ASSETS_PACKAGE = "@amsterdam/design-system-assets"

# The components the theme uses (folders of design-system-css/dist), in cascade order.
COMPONENTS = (
    "page",
    "visually-hidden",
    "skip-link",
    "logo",
    "page-header",
    "page-footer",
    "heading",
    "paragraph",
    "link",
    "standalone-link",
    "link-list",
    "icon",
    "button",
    "field",
    "label",
    "text-input",
    "text-area",
    "select",
    "error-message",
    "field-set",
    "breadcrumb",
    "card",
)

# Regular and bold only: every other weight or style is left out (page weight).
FONTS = (("AmsterdamSans-Regular.woff2", 400), ("AmsterdamSans-Bold.woff2", 700))

# Where things go in the output (relative to the output folder).
STYLESHEET = "theme/css/site.min.css"
FONT_DIR = "theme/fonts"
ICON_DIR = "theme/icons"
MANIFEST = "manifest.webmanifest"
# asset file (relative to design-system-assets) -> output path
ICONS = {
    "favicon/favicon.ico": "favicon.ico",
    "favicon/icon.svg": f"{ICON_DIR}/icon.svg",
    "favicon/apple-touch-icon.png": f"{ICON_DIR}/apple-touch-icon.png",
    "app-icons/icon-192.png": f"{ICON_DIR}/icon-192.png",
    "app-icons/icon-512.png": f"{ICON_DIR}/icon-512.png",
}
LOGO = "logo/amsterdam-logo.svg"
# small icons the templates show inline (design-system-assets/icons)
INLINE_ICONS = {"chevron": "ChevronForward.svg", "search": "Search.svg", "calendar": "Calendar.svg"}

_TOKEN_LINE = re.compile(r"^\s*(--[A-Za-z0-9-]+)\s*:\s*(.*);\s*$")
_VAR = re.compile(r"var\(\s*(--[A-Za-z0-9-]+)")
_SOURCE_MAP = re.compile(r"/\*#\s*sourceMappingURL=[^*]*\*/")
_ROOT_BLOCK = re.compile(r":root(?::dir\(rtl\))?\{[^{}]*\}")


class DesignSystemMissing(Exception):
    """The npm packages are not installed (or incomplete); the message says how to mend it."""

    exitcode = 1


@dataclass
class Bundle:
    """What one build takes from the design system."""

    components_css: str  # the used components' stylesheets, as the package minified them
    raw_tokens: dict[str, str]  # every token as declared (values may refer to other tokens)
    copies: dict[str, Path] = field(default_factory=dict)  # output path -> source file
    logo_svg: str = ""  # inline <svg> of the City's logo
    icons: dict[str, str] = field(default_factory=dict)  # name -> inline <svg>
    tokens: dict[str, str] = field(default_factory=dict)  # every token, resolved to its value


def package_dirs(node_modules: Path) -> dict[str, Path]:
    return {name: node_modules / name for name in (CSS_PACKAGE, TOKENS_PACKAGE, ASSETS_PACKAGE)}


def _need(path: Path) -> Path:
    if not path.is_file():
        raise DesignSystemMissing(
            f"de Amsterdamse huisstijl ontbreekt: {path} bestaat niet; voer 'make build' uit "
            "(dat installeert de npm-pakketten met 'npm ci')"
        )
    return path


def parse_tokens(css: str) -> dict[str, str]:
    """``--name: value`` of the tokens' ``:root`` block (one declaration per line)."""
    tokens = {}
    for line in css.splitlines():
        line = re.sub(r"\s*/\*\*.*\*/\s*$", "", line)  # a trailing doc comment
        m = _TOKEN_LINE.match(line)
        if m:
            tokens[m.group(1)] = m.group(2).strip()
    return tokens


def used_tokens(tokens: dict[str, str], css: str) -> dict[str, str]:
    """The tokens ``css`` refers to, and the tokens those refer to, in the tokens' order."""
    wanted: set[str] = set()
    todo = [name for name in _VAR.findall(css) if name in tokens]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        todo.extend(n for n in _VAR.findall(tokens[name]) if n in tokens and n not in wanted)
    return {name: value for name, value in tokens.items() if name in wanted}


def resolve(tokens: dict[str, str], name: str, depth: int = 0) -> str:
    """A token's final value (``var(--x)`` replaced by the value of ``--x``)."""
    value = tokens[name]
    if depth > 20:  # pragma: no cover - a cycle in the package
        return value
    return re.sub(
        r"var\(\s*(--[A-Za-z0-9-]+)\s*\)",
        lambda m: resolve(tokens, m.group(1), depth + 1) if m.group(1) in tokens else m.group(0),
        value,
    )


def component_css(css_dist: Path, components) -> str:
    """The packages' own minified stylesheets, source-map comments and repeated ``:root``
    blocks (each component that needs the safe-area variables declares them) removed."""
    parts, seen_roots = [], set()
    for name in components:
        text = _need(css_dist / name / f"{name}.css").read_text(encoding="utf-8-sig")
        text = _SOURCE_MAP.sub("", text).strip()

        def once(m):
            block = m.group(0)
            if block in seen_roots:
                return ""
            seen_roots.add(block)
            return block

        parts.append(_ROOT_BLOCK.sub(once, text))
    return "".join(parts)


def font_faces(font_url: str) -> str:
    return "".join(
        f'@font-face{{font-display:swap;font-family:"Amsterdam Sans";font-style:normal;'
        f'font-weight:{weight};src:url("{font_url}/{name}") format("woff2")}}'
        for name, weight in FONTS
    )


def _inline_svg(path: Path, css_class: str) -> str:
    """An SVG file as inline markup: no XML comments, hidden from assistive technology
    (the surrounding text names it), never a focus stop."""
    svg = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S)
    svg = " ".join(svg.split())
    return svg.replace(
        "<svg ", f'<svg class="{css_class}" aria-hidden="true" focusable="false" ', 1
    )


def stylesheet(found: Bundle, site_css: str) -> str:
    """The one stylesheet: Amsterdam Sans, the tokens that the components and ``site_css``
    use (and the tokens those use), the components, then ``site_css``; all minified. Made at
    every build, so a change to site.css shows at once (``make serve``)."""
    own_css = rcssmin.cssmin(site_css)
    used = used_tokens(found.raw_tokens, found.components_css + own_css)
    root = ":root{" + ";".join(f"{k}:{v}" for k, v in used.items()) + "}"
    # the stylesheet lives in theme/css/, the fonts in theme/fonts/
    return font_faces("../fonts") + rcssmin.cssmin(root) + found.components_css + own_css


def load(node_modules: Path, components=COMPONENTS) -> Bundle:
    """Read the packages; raise ``DesignSystemMissing`` when any file is absent."""
    dirs = package_dirs(node_modules)
    css_dist = dirs[CSS_PACKAGE] / "dist"
    tokens_css = _need(dirs[TOKENS_PACKAGE] / "dist" / "index.css").read_text(encoding="utf-8")
    assets = dirs[ASSETS_PACKAGE]
    for rel in [
        *ICONS,
        LOGO,
        *(f"font/{name}" for name, _ in FONTS),
        *(f"icons/{name}" for name in INLINE_ICONS.values()),
    ]:
        _need(assets / rel)

    tokens = parse_tokens(tokens_css)
    copies = {f"{FONT_DIR}/{name}": assets / "font" / name for name, _ in FONTS}
    copies.update({out: assets / rel for rel, out in ICONS.items()})
    return Bundle(
        components_css=component_css(css_dist, components),
        raw_tokens=tokens,
        copies=copies,
        logo_svg=_inline_svg(assets / LOGO, "ams-logo"),
        icons={
            key: _inline_svg(assets / "icons" / name, "swk-icon")
            for key, name in INLINE_ICONS.items()
        },
        tokens={name: resolve(tokens, name) for name in tokens},
    )


def manifest(site_name: str, short_name: str, siteurl: str) -> str:
    """The web app manifest with the City's app icons (the package's has placeholders)."""
    return (
        json.dumps(
            {
                "name": site_name,
                "short_name": short_name,
                "lang": "nl",
                "start_url": f"{siteurl}/",
                "display": "browser",
                "icons": [
                    {
                        "src": f"{siteurl}/{ICON_DIR}/icon-192.png",
                        "type": "image/png",
                        "sizes": "192x192",
                    },
                    {
                        "src": f"{siteurl}/{ICON_DIR}/icon-512.png",
                        "type": "image/png",
                        "sizes": "512x512",
                    },
                ],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )

"""Where content would be written, checked against what the site generates itself.

A page with the slug ``zoeken`` would be written to ``zoeken/index.html``, where the search
page goes: Pelican then stops with an English "Failed to overwrite", and some collisions
(a page ``pagefind``, removed with the search index; a page ``admin``, overwritten by the web
editor) even lose a page without a word. So before anything is built, every published item's
output path is compared with the outputs the settings say the site generates, and each
collision is a Dutch contract error naming the source file.

The generated outputs are derived from the settings (after every plugin has put its defaults
in them), not from a list of names:

- every ``*_SAVE_AS`` setting except the content types' own (``ARTICLE_SAVE_AS``, ...), the
  pages its paginated templates add (``PAGINATION_PATTERNS``), ``TEMPLATE_PAGES``, Pelican's
  feed settings (``FEED_ALL_ATOM``, ``CATEGORY_FEED_RSS``, ...);
- every ``*_PATH`` setting that names a place in the output (a relative path: ``FEED_ATOM_PATH``,
  ``AGENDA_ICS_PATH``, ``SEARCH_BUNDLE_PATH``, ``WEB_EDITOR_PATH``, ...); without a file
  extension it is a folder the site owns;
- the folders static files and the theme are copied into (``STATIC_PATHS``,
  ``THEME_STATIC_DIR``).

An item collides when its output is one of those files, lies in one of those folders, or is
the index of a folder that generated pages live in (a page ``rubriek`` next to the category
pages ``rubriek/<naam>/``). Placeholders (``{slug}``) match one path segment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from .items import Collections
from .problems import Problem, display_path, problem
from .schema import CONTENT_TYPES

# Settings ending in _PATH that are not places in the output: where Pelican reads and writes.
NOT_OUTPUT = {"PATH", "OUTPUT_PATH", "CACHE_PATH", "NEWSLETTER_PATH"}
FEED_SETTING = re.compile(r"^(?:[A-Z]+_)?FEED_(?:ALL_)?(?:ATOM|RSS)$")
PLACEHOLDER = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class Generated:
    """An output the site generates itself: a file (pattern) or a folder it owns."""

    pattern: str  # relative to the output root; {...} matches one segment
    setting: str  # where it comes from, for the message
    folder: bool = False

    def regex(self) -> re.Pattern:
        parts = PLACEHOLDER.split(self.pattern)
        return re.compile(
            "".join(
                re.escape(p) + ("[^/]+" if i < len(parts) - 1 else "") for i, p in enumerate(parts)
            )
            + ("(?:/.*)?" if self.folder else "")
        )

    def owned_folders(self) -> list[str]:
        """Its folders up to the first placeholder ("rubriek" for "rubriek/{slug}/index.html"):
        generated pages live there, so no item's page may be their index."""
        parts = self.pattern.strip("/").split("/")
        if not self.folder:
            parts = parts[:-1]
        out = []
        for i, part in enumerate(parts):
            if "{" in part:
                break
            out.append("/".join(parts[: i + 1]))
        return out

    def shown(self) -> str:
        """The address for people: "/zoeken/", "/rubriek/…/", "/pagefind/…"."""
        text = _url(PLACEHOLDER.sub("…", self.pattern))
        return text + ("/…" if self.folder else "")


def _own_save_as(settings) -> set[str]:
    """The settings that say where content items themselves are written."""
    names = {f"{t.upper()}_SAVE_AS" for t in CONTENT_TYPES} | {
        "DRAFT_SAVE_AS",
        "DRAFT_PAGE_SAVE_AS",
        "STATIC_SAVE_AS",
    }
    return names | {k for k in settings if k.endswith("_LANG_SAVE_AS")}


def _is_place(value) -> bool:
    return (
        isinstance(value, str) and value.strip() and not os.path.isabs(value) and "://" not in value
    )


def generated_outputs(settings) -> list[Generated]:
    """Everything the site writes that is not a content item's own page."""
    out: list[Generated] = []
    own = _own_save_as(settings)
    paginated = settings.get("PAGINATED_TEMPLATES") or {}
    patterns = [p for p in settings.get("PAGINATION_PATTERNS") or () if p[0] > 1]
    for key, value in sorted(settings.items()):
        if key.endswith("_SAVE_AS") and key not in own and _is_place(value):
            out.append(Generated(value, key))
            name = key[: -len("_SAVE_AS")].lower()
            if name in paginated:  # the later pages, as Pelican's Paginator names them
                folder, file = os.path.split(value)
                stem, extension = os.path.splitext(value)
                fields = {
                    "base_name": folder if file in ("index.htm", "index.html") else value,
                    "number": "{number}",
                    "save_as": value,
                    "name": stem,
                    "extension": extension,
                }
                for _, _, save_as in patterns:
                    try:
                        page = save_as.format(**fields)
                    except (KeyError, IndexError, ValueError):
                        continue
                    out.append(Generated(page.lstrip("/"), f"{key} (volgende pagina's)"))
        elif key.endswith("_PATH") and key not in NOT_OUTPUT and _is_place(value):
            value = value.strip("/")
            out.append(Generated(value, key, folder="." not in PurePosixPath(value).name))
        elif FEED_SETTING.match(key) and _is_place(value):
            out.append(Generated(value, key))
    for source, target in (settings.get("TEMPLATE_PAGES") or {}).items():
        out.append(Generated(target, f"TEMPLATE_PAGES ({source})"))
    for folder in settings.get("STATIC_PATHS") or ():
        out.append(Generated(folder.strip("/"), "STATIC_PATHS", folder=True))
    if settings.get("THEME_STATIC_DIR"):
        out.append(
            Generated(settings["THEME_STATIC_DIR"].strip("/"), "THEME_STATIC_DIR", folder=True)
        )
    return out


def item_output(item, settings) -> str | None:
    """Where a published item is written (its ``<TYPE>_SAVE_AS``), or None if unknown."""
    pattern = settings.get(f"{item.type.name.upper()}_SAVE_AS")
    if not pattern:
        return None
    try:
        fields = {"lang": settings.get("DEFAULT_LANG", ""), **item.meta, "slug": item.slug}
        return pattern.format(**fields)
    except (KeyError, IndexError, ValueError, AttributeError):
        return None  # a placeholder we cannot fill before Pelican reads the item


def _url(path: str) -> str:
    return "/" + (path[: -len("index.html")] if path.endswith("index.html") else path)


def matcher(generated: list[Generated]) -> Callable[[str], Generated | None]:
    """A function giving the first of ``generated`` that a path is (or lies in), or None.
    One pattern for all: the first alternative that matches the whole path is the first
    output that does; each is a named group, so ``lastgroup`` says which."""
    if not generated:
        return lambda path: None
    rx = re.compile("|".join(f"(?P<g{i}>{g.regex().pattern})" for i, g in enumerate(generated)))

    def first(path: str) -> Generated | None:
        match = rx.fullmatch(path)
        return generated[int(match.lastgroup[1:])] if match else None

    return first


def _hint(item) -> str:
    return (
        "geef het bestand een andere naam of kies een ander webadres (veld 'slug'), "
        f"bijvoorbeeld '{item.slug}-{item.type.label_singular.lower()}'"
    )


def check_outputs(cols: Collections, settings) -> list[Problem]:
    """One problem per published item whose output collides with a generated output or with
    another item's."""
    generated = generated_outputs(settings)
    first_match = matcher(generated)
    owned = {}
    for g in generated:
        for folder in g.owned_folders():
            owned.setdefault(folder, g)
    problems: list[Problem] = []
    taken: dict[str, object] = {}
    for items in cols.items.values():
        for item in items.values():
            if item.is_draft:
                continue  # never written
            path = item_output(item, settings)
            if not path:
                continue
            clash = first_match(path)
            if clash is None:
                clash = owned.get(os.path.dirname(path))
            if clash is not None:
                problems.append(
                    problem(
                        item.type,
                        display_path(item.path),
                        "slug",
                        f"'{item.slug}' geeft het webadres {_url(path)}, maar dat gebruikt de site zelf "
                        f"al ({clash.shown()}, instelling {clash.setting}); {_hint(item)}",
                    )
                )
            elif path in taken:
                problems.append(
                    problem(
                        item.type,
                        display_path(item.path),
                        "slug",
                        f"'{item.slug}' geeft het webadres {_url(path)}, net als "
                        f"{display_path(taken[path].path)}; {_hint(item)}",
                    )
                )
            else:
                taken[path] = item
    return problems

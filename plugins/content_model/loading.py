"""Read a whole site's content once: every file parsed and checked, then the rules across
files, with every problem reported at once.

``ParsedFiles`` keeps each file's parse (item and own problems) with a hash of the bytes it
came from. The build's check fills it and the Pelican reader (``reader.py``) takes its items
from it, so each file is parsed once per build; a file whose bytes changed since is parsed
again. It lives in the build's settings (``parsed_files``), so it lasts as long as the
Pelican instance: a dev-server rebuild parses only the files that changed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from .clock import site_zone
from .generator import markdown_files, path_order, source_folders
from .items import Collections, Item, parse_file
from .problems import Problem
from .references import check_references, unique_slugs
from .schema import CONTENT_TYPES, ContentType

# The key in Pelican's settings under which a build keeps its ParsedFiles (not a setting
# anyone writes: the content_model plugin puts it there).
PARSED_KEY = "CONTENT_MODEL_PARSED"


@dataclass(frozen=True)
class Parsed:
    digest: bytes  # of the bytes parsed
    item: Item | None
    problems: tuple[Problem, ...]  # the file's own


class ParsedFiles:
    """Each file's parse, by content type and absolute path, valid while its bytes are the
    same."""

    def __init__(self, tz: tzinfo):
        self.tz = tz
        self.files: dict[tuple[str, str], Parsed] = {}

    def get(self, ctype: ContentType, path) -> Parsed:
        name = os.path.abspath(path)
        with open(name, "rb") as f:
            data = f.read()
        digest = hashlib.blake2b(data, digest_size=16).digest()
        key = (ctype.name, name)
        known = self.files.get(key)
        if known is not None and known.digest == digest:
            return known
        problems: list[Problem] = []
        item = parse_file(ctype, Path(path), data, problems, self.tz)
        self.files[key] = parsed = Parsed(digest, item, tuple(problems))
        return parsed

    def parse_all(self, sources: dict[str, list[Path]], map_in_workers) -> None:
        """Parse every file of ``sources`` that is not known yet, through ``map_in_workers``
        (``(work, items) -> [work(item) for item in items]``, which may run shares of the
        items in forked processes: the build engine's). ``get`` then finds them."""
        todo = [
            (type_name, os.path.abspath(path))
            for type_name, paths in sources.items()
            for path in paths
        ]

        def parse(pair):
            type_name, path = pair
            return self.get(CONTENT_TYPES[type_name], path)

        for (type_name, path), parsed in zip(todo, map_in_workers(parse, todo), strict=True):
            if parsed.item is not None:
                parsed.item.type = CONTENT_TYPES[type_name]  # this process's, not a copy
            self.files[(type_name, path)] = parsed

    def forget_except(self, keep: set[tuple[str, str]]) -> None:
        """Drop files that are not in ``keep`` (deleted since)."""
        for key in self.files.keys() - keep:
            del self.files[key]


def parsed_files(settings: dict) -> ParsedFiles:
    """The build's ParsedFiles (made on first use), in the time zone of the settings."""
    parsed = settings.get(PARSED_KEY)
    if parsed is None:
        parsed = settings[PARSED_KEY] = ParsedFiles(site_zone(settings))
    return parsed


def sources(settings) -> dict[str, list[Path]]:
    """Every content file of the site, by content type."""
    return {
        type_name: [
            p for folder in source_folders(settings, type_name) for p in markdown_files(folder)
        ]
        for type_name in ("article", "page", "partner", "event", "newsletter")
    }


def load_all(
    sources: dict[str, list[Path]],
    now: datetime | None = None,
    *,
    tz: tzinfo | None = None,
    parsed: ParsedFiles | None = None,
) -> Collections:
    """Read every file of each content type; ``sources`` maps a type name to its files.

    Files are parsed through ``parsed`` (or a new ParsedFiles in ``tz``, by default the
    default time zone). With ``now`` (the build's moment), a reference that may not be to a
    draft may not be to an item scheduled after ``now`` either (it would be missing from the
    site)."""
    parsed = parsed or ParsedFiles(tz or site_zone())
    cols = Collections()
    seen = set()
    for type_name, paths in sources.items():
        ctype = CONTENT_TYPES[type_name]
        items = []
        for path in sorted(paths, key=path_order):
            one = parsed.get(ctype, path)
            seen.add((type_name, os.path.abspath(path)))
            cols.problems.extend(one.problems)
            if one.item is not None:
                items.append(one.item)
        cols.items[type_name] = unique_slugs(ctype, items, cols.problems)
    parsed.forget_except(seen)
    check_references(cols, now)
    return cols

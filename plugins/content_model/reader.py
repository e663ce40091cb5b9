"""A Pelican reader for Markdown with YAML front matter, typed by the content contract."""

from __future__ import annotations

import os
from pathlib import Path

from pelican.readers import BaseReader
from pelican.urlwrappers import Category, Tag
from pelican.utils import SafeDatetime

from .body import to_html
from .clock import NOW_KEY, build_now, preview_build, site_zone
from .fields import SLUG_RE
from .generator import source_folders
from .loading import parsed_files
from .problems import ContentError
from .schema import CONTENT_TYPES


def _type_folders(settings) -> list[tuple[Path, str]]:
    """(resolved folder, content type), newsletters first, as content_type_of checks them."""
    return [
        (folder.resolve(), type_name)
        for type_name in ("newsletter", "partner", "event", "page", "article")
        for folder in source_folders(settings, type_name)
    ]


def content_type_of(path: Path, settings, folders=None) -> str:
    """The content type of a source file, from the folder it lives in."""
    path = Path(path).resolve()
    for base, type_name in folders or _type_folders(settings):
        if base == path.parent or base in path.parents:
            return type_name
    return "article"


def tag_words(tag: str) -> str:
    """A tag written as a slug ("duurzaam-werk") as words ("duurzaam werk"); its address
    stays the same (Pelican makes the slug from the words). Other spellings ("Nieuw-West")
    are kept as the editor wrote them."""
    return tag.replace("-", " ") if SLUG_RE.match(tag) else tag


def _safe(dt):
    return SafeDatetime.fromtimestamp(dt.timestamp(), tz=dt.tzinfo)


class YamlMarkdownReader(BaseReader):
    enabled = True
    file_extensions = ["md"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._folders = None
        self._types: dict[str, str] = {}  # folder -> content type of the files in it
        self._now = None
        self._waiting: set[str] = set()  # files read as items waiting for their moment

    def _type_of(self, source_path) -> str:
        """content_type_of, once per folder: resolving every file's path is costly. A symlinked
        file takes the type of where it points to, so it is looked up on its own."""
        if self._folders is None:
            self._folders = _type_folders(self.settings)
        if os.path.islink(source_path):
            return content_type_of(source_path, self.settings, self._folders)
        folder = os.path.dirname(os.path.abspath(source_path))
        if folder not in self._types:
            self._types[folder] = content_type_of(source_path, self.settings, self._folders)
        return self._types[folder]

    def read(self, source_path):
        ctype = CONTENT_TYPES[self._type_of(source_path)]
        # the item the build's check parsed (parsed here if the file changed since)
        parsed = parsed_files(self.settings).get(ctype, source_path)
        if parsed.problems:
            raise ContentError(list(parsed.problems))
        item = parsed.item
        html = to_html(item.body)  # CommonMark, then cleaned: no script, handlers, ...

        meta = dict(item.meta)
        meta["slug"] = item.slug
        meta["content_type"] = ctype.name
        for key, value in list(meta.items()):
            if hasattr(value, "tzinfo"):
                meta[key] = _safe(value)
        if ctype.name == "article":
            meta["category"] = Category(meta["category"], self.settings)
            meta["tags"] = [Tag(tag_words(t), self.settings) for t in meta.get("tags", [])]
        if ctype.name == "newsletter":
            meta["issue_status"] = meta.get("status", "draft")
            meta["status"] = "draft" if meta["issue_status"] == "draft" else "published"
        else:
            meta.setdefault("status", "published")
        self._waiting.discard(source_path)
        if meta["status"] == "published" and self._waits(item):
            meta["status"] = "draft"  # not yet: the first build after its moment publishes it
            self._waiting.add(source_path)
        return html, meta

    def _waits(self, item) -> bool:
        """Whether a published item waits for its publication moment in this build."""
        return not preview_build() and item.is_scheduled(self.now())

    def result_lasts(self, source_path) -> bool:
        """Whether the last result for this file stays right while the file stays the same
        (the build engine keeps it for later builds): not for an item waiting for its
        moment, which a later build publishes. One that is published stays so, as the
        clock only moves on."""
        return source_path not in self._waiting

    def result_holds(self, source_path) -> bool:
        """Whether a kept result of an item that waited for its moment (``result_lasts``
        False) is still right in this build, the file being the same: it still waits."""
        ctype = CONTENT_TYPES[self._type_of(source_path)]
        item = parsed_files(self.settings).get(ctype, source_path).item
        return item is not None and self._waits(item)

    def now(self):
        """The build's moment (``NOW_KEY``, which holds the last build's until the next one
        starts); a reader whose settings never saw a build takes its own, once."""
        now = self.settings.get(NOW_KEY)
        if now is None:
            if self._now is None:
                self._now = build_now(site_zone(self.settings))
            now = self._now
        return now

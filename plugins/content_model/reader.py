"""A Pelican reader for Markdown with YAML front matter, typed by the content contract."""

from __future__ import annotations

from pathlib import Path

from markdown import Markdown
from pelican.readers import BaseReader
from pelican.urlwrappers import Category, Tag
from pelican.utils import SafeDatetime

from .schema import CONTENT_TYPES
from .validate import ContentError, read_item


def content_type_of(path: Path, settings) -> str:
    """The content type of a source file, from the folder it lives in."""
    path = Path(path).resolve()
    root = Path(settings["PATH"]).resolve()
    newsletters = Path(settings.get("NEWSLETTER_PATH", root / "newsletters")).resolve()
    if newsletters == path.parent or newsletters in path.parents:
        return "newsletter"
    for type_name, key in (("partner", "PARTNER_PATHS"), ("event", "EVENT_PATHS"),
                           ("page", "PAGE_PATHS"), ("article", "ARTICLE_PATHS")):
        for folder in settings.get(key, []):
            base = (root / folder).resolve()
            if base in path.parents:
                return type_name
    return "article"


def _safe(dt):
    return SafeDatetime.fromtimestamp(dt.timestamp(), tz=dt.tzinfo)


class YamlMarkdownReader(BaseReader):
    enabled = True
    file_extensions = ["md"]

    def read(self, source_path):
        ctype = CONTENT_TYPES[content_type_of(source_path, self.settings)]
        problems = []
        item = read_item(ctype, Path(source_path), problems)
        if problems:
            raise ContentError(problems)
        md_settings = dict(self.settings["MARKDOWN"])
        md_settings["extensions"] = [
            e for e in md_settings.get("extensions", []) if e != "markdown.extensions.meta"
        ]
        md = Markdown(**md_settings)
        html = md.convert(item.body)

        meta = dict(item.meta)
        meta["slug"] = item.slug
        meta["content_type"] = ctype.name
        for key, value in list(meta.items()):
            if hasattr(value, "tzinfo"):
                meta[key] = _safe(value)
        if ctype.name == "article":
            meta["category"] = Category(meta["category"], self.settings)
            meta["tags"] = [Tag(t, self.settings) for t in meta.get("tags", [])]
        if ctype.name == "newsletter":
            meta["issue_status"] = meta.get("status", "draft")
            meta["status"] = "draft" if meta["issue_status"] == "draft" else "published"
        else:
            meta.setdefault("status", "published")
        return html, meta

"""Read partners, events and newsletter issues; write a page for each published one."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path, PurePath

from pelican.generators import Generator

from .contents import CONTENT_CLASSES
from .links import link

# content type -> (context key, setting with its folders relative to PATH)
COLLECTIONS = {
    "partner": ("partners", "PARTNER_PATHS"),
    "event": ("events", "EVENT_PATHS"),
    "newsletter": ("newsletters", None),
}
# content type -> setting with its folders relative to PATH (newsletters: NEWSLETTER_PATH)
PATH_SETTINGS = {
    "article": "ARTICLE_PATHS",
    "page": "PAGE_PATHS",
    **{type_name: key for type_name, (_, key) in COLLECTIONS.items() if key},
}


def collation_key(text: str) -> str:
    """Sort key for Dutch names: case and accents do not count."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def source_folders(settings, type_name: str) -> list[Path]:
    """The folders a content type's files are read from (the first is where new ones go)."""
    root = Path(settings["PATH"])
    if type_name == "newsletter":
        return [Path(settings["NEWSLETTER_PATH"])]
    return [root / folder for folder in settings[PATH_SETTINGS[type_name]]]


def path_order(path):
    """Sort key for the order of ``sorted(paths)``: a (POSIX) Path compares its parts
    (Path.__lt__, costly for thousands of files); a string itself."""
    return path.parts if isinstance(path, PurePath) else path


def _find_markdown(folder: str, found: list[str]) -> None:
    """Append to ``found`` what ``Path(folder).rglob("*.md")`` finds that ``is_file()``
    (not in linked folders, through linked files; a folder that may not be read is left
    out), with ``os.scandir``: without a Path for every entry, and a stat only for links."""
    try:
        with os.scandir(folder) as entries:
            entries = list(entries)
    except PermissionError:
        return
    for entry in entries:
        if entry.name.endswith(".md"):
            try:
                is_file = entry.is_file()
            except OSError:  # as Path.is_file answers it (a loop of links: not a file)
                is_file = Path(entry.path).is_file()
            if is_file:
                found.append(entry.path)
        if entry.is_dir(follow_symlinks=False):
            _find_markdown(entry.path, found)


def markdown_files(folder: Path) -> list[Path]:
    """The ``*.md`` files under ``folder``, in the order of ``sorted(paths)``."""
    if not folder.is_dir():
        return []
    found: list[str] = []
    _find_markdown(os.fspath(folder), found)
    return sorted(map(Path, found), key=path_order)


class CollectionsGenerator(Generator):
    """Partners, events and newsletters into the context as ``partners``, ``events`` and
    ``newsletters`` (published only), and one page each from the template of that name.

    The content model is complete when its context is: items read and cross-references
    resolved (``links``), before any plugin's ``all_generators_finalized``, so no plugin
    depends on where it is listed in ``PLUGINS`` (Pelican's own generators, which read the
    articles and pages, always come before the plugins')."""

    def generate_context(self):
        for type_name, (context_key, _) in COLLECTIONS.items():
            items = []
            for folder in source_folders(self.settings, type_name):
                for path in markdown_files(folder):  # the files the check read
                    item = self.readers.read_file(
                        base_path=str(folder),
                        path=str(path),
                        content_class=CONTENT_CLASSES[type_name],
                        context=self.context,
                    )
                    if item.status != "published":
                        continue  # drafts never reach the site
                    self.add_source_path(item)
                    items.append(item)
            if type_name == "partner":
                items.sort(key=lambda p: collation_key(p.title))
            elif type_name == "event":
                items.sort(key=lambda e: e.start)
            else:
                items.sort(key=lambda n: n.date, reverse=True)
            self.context[context_key] = items
        link(self.context)

    def generate_output(self, writer):
        for type_name, (context_key, _) in COLLECTIONS.items():
            for item in self.context[context_key]:
                writer.write_file(
                    item.save_as,
                    self.get_template(item.template),
                    self.context,
                    relative_urls=self.settings["RELATIVE_URLS"],
                    url=item.url,
                    **{type_name: item},
                )

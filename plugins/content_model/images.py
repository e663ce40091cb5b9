"""Images must be files of the site: in the media folder (``content/images/``, on the site
``/images/``), and there.

An ``image`` or ``logo`` field or an image in a body that points at a file that is not there
would ship a broken image to the site and the newsletter; one on another website is not
loaded (the privacy page promises nothing from other hosts, and the Content-Security-Policy
blocks it); a ``javascript:`` or ``data:`` address is not an image at all. All are contract
errors naming the file and the field.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .items import Collections
from .problems import Problem, display_path, problem

# Markdown images ![alt](src "title") and HTML <img src="...">
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
HTML_IMAGE = re.compile(r"<img\b[^>]*?\ssrc\s*=\s*[\"']?([^\"'\s>]+)", re.I)


def media_folder(settings) -> tuple[Path, str]:
    """(the folder uploads go to, its address on the site): ``content/images``, ``/images``.
    The first of ``STATIC_PATHS``, or ``images`` if it is one of them (as the web editor)."""
    static = settings.get("STATIC_PATHS") or ["images"]
    media = "images" if "images" in static else static[0]
    return Path(settings["PATH"]) / media, "/" + media.strip("/")


def image_problem(value: str, folder: Path, public: str) -> str | None:
    """What is wrong with an image address, in Dutch; None when it is a file in ``folder``."""

    def upload() -> str:  # only for a problem: display_path is not free
        return (
            f"upload de afbeelding (in de webeditor in het veld zelf of via Media) of zet hem "
            f"in {display_path(folder)}/ en schrijf {public}/naam.jpg"
        )

    value = value.strip()
    parts = urlsplit(re.sub(r"^\{(static|attach)\}", "", value))  # Pelican's link syntax
    if parts.scheme in ("http", "https") or value.startswith("//"):
        return (
            f'"{value}" staat op een andere website; de site laadt geen afbeeldingen van '
            f"andere websites (privacy). Download hem en {upload()}"
        )
    if parts.scheme:
        return f'"{value}" is geen adres van een afbeelding; {upload()}'
    path = posixpath.normpath("/" + unquote(parts.path).lstrip("/"))
    if not path.startswith(public + "/"):
        return f'"{value}" staat niet in {display_path(folder)}/; {upload()}'
    name = path[len(public) + 1 :]
    target = folder / name
    if target.is_file():
        return None
    known = (
        [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
        if folder.is_dir()
        else []
    )
    close = difflib.get_close_matches(name, known, n=1)
    suggestion = f" Bedoel je {public}/{close[0]}?" if close else ""
    return f'"{value}": {display_path(target)} bestaat niet; {upload()}.{suggestion}'


def body_images(body: str) -> list[str]:
    return MARKDOWN_IMAGE.findall(body) + HTML_IMAGE.findall(body)


def check_images(cols: Collections, settings) -> list[Problem]:
    folder, public = media_folder(settings)
    problems = []
    for items in cols.items.values():
        for item in items.values():
            for f in item.type.fields:
                if f.type == "image" and item.meta.get(f.name):
                    wrong = image_problem(item.meta[f.name], folder, public)
                    if wrong:
                        problems.append(problem(item.type, display_path(item.path), f.name, wrong))
            for src in body_images(item.body):
                wrong = image_problem(src, folder, public)
                if wrong:
                    problems.append(
                        Problem(display_path(item.path), None, f"afbeelding in de tekst: {wrong}")
                    )
    return problems

"""A WordPress export made from the seeds: the old site's pages as they were copied.

The seeds (``shared/seeds`` beside the repository) are the WordPress site's pages as plain
text, one paragraph per line, with no dates. ``seed_export`` turns them back into the export
WordPress would give: per article of ``content/articles/`` (what is on the site today) its
title, date, category and tags, and as body the seed's lines from the article's title to its
last paragraph, as WordPress HTML. Headings, bold questions and captions are marked up as the
ported article has them (the plain-text copy lost that markup); half the articles are
Gutenberg posts (block comments), half classic-editor posts (paragraphs by blank lines), so
both conventions run over the real text. The old site's furniture ("Deel dit artikel:") is
left out, as it was the theme's, not the posts'.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from content_model.body import to_html
from content_model.frontmatter import split
from swk.wordpress.wxrwriter import Post, write_wxr
from tests.support.testing import ROOT

SITE = "https://oud.example.org"
FURNITURE = {
    "Deel dit artikel:",
    "Author Archive",
    ".",
    "Dit veld is bedoeld voor validatiedoeleinden en moet niet worden gewijzigd.",
    '"*" geeft vereiste velden aan',
}
WP_CATEGORIES = {"Interview": ("interviews", "Interviews"), "Nieuws": ("nieuws", "Nieuws")}


def seeds_folder() -> Path | None:
    candidates = [os.environ.get("SWK_SEEDS")] + [str(p / "shared" / "seeds") for p in ROOT.parents]
    for candidate in candidates:
        if candidate and (Path(candidate) / "README.md").is_file():
            return Path(candidate)
    return None


def norm(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def blocks_of(markdown_text: str) -> list[tuple[str, str]]:
    """(kind, text) of every block of a Markdown body: h2, h3, li, strong, em, quote, p, td."""
    soup = BeautifulSoup(to_html(markdown_text), "html.parser")  # as the site renders it
    out = []
    for el in soup.find_all(["h2", "h3", "p", "li", "td"]):
        if el.name == "p" and el.find_parent(["li", "blockquote"]):
            if el.find_parent("blockquote"):
                out.append(("quote", norm(el.get_text())))
            continue
        text = norm(el.get_text())
        if not text:
            continue
        kind = el.name
        if kind == "p":
            only = [c for c in el.contents if str(c).strip()]
            if len(only) == 1 and getattr(only[0], "name", None) in ("strong", "em"):
                kind = only[0].name
        out.append((kind, text))
    return out


@dataclass
class SeedArticle:
    slug: str
    meta: dict
    body: str  # the ported Markdown
    seed: str  # seed file name
    lines: list[str]  # the seed's lines that make up the WordPress body
    post: Post


def _seed_lines(text: str) -> list[str]:
    return [line for line in (norm(x) for x in text.splitlines())]


def _find_title(title: str, files: dict[str, list[str]]) -> tuple[str, int] | None:
    want = norm(title).strip("‘’'\"“” .").lower()
    for name, lines in files.items():
        for i, line in enumerate(lines):
            if line.strip("‘’'\"“” .").lower() == want:
                return name, i
    return None


def _html(lines: list[str], kinds: dict[str, str], gutenberg: bool) -> str:
    out: list[str] = []
    in_list = False
    for line in lines:
        kind = kinds.get(line, "p")
        text = html.escape(line, quote=False)
        if kind == "li":
            if not in_list:
                out.append("<!-- wp:list -->\n<ul>" if gutenberg else "<ul>")
                in_list = True
            out.append(f"<li>{text}</li>")
            continue
        if in_list:
            out.append("</ul>\n<!-- /wp:list -->" if gutenberg else "</ul>")
            in_list = False
        if kind in ("h2", "h3"):
            block = f"<{kind}>{text}</{kind}>"
            name = "heading" + (' {"level":3}' if kind == "h3" else "")
        else:
            inner = {"strong": f"<strong>{text}</strong>", "em": f"<em>{text}</em>"}.get(kind, text)
            if kind == "quote":
                block, name = (
                    f'<blockquote class="wp-block-quote"><p>{inner}</p></blockquote>',
                    "quote",
                )
            else:
                block, name = (f"<p>{inner}</p>" if gutenberg else inner), "paragraph"
        out.append(
            f"<!-- wp:{name} -->\n{block}\n<!-- /wp:{name.split()[0]} -->" if gutenberg else block
        )
    if in_list:
        out.append("</ul>\n<!-- /wp:list -->" if gutenberg else "</ul>")
    return ("\n\n" if gutenberg else "\n\n").join(out)


def seed_articles(seeds: Path) -> list[SeedArticle]:
    files = {
        p.name: _seed_lines(p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("0*.txt"))
    }
    found = []
    for path in sorted((ROOT / "content/articles").glob("*.md")):
        meta, body = split(path.read_text(encoding="utf-8"))
        where = _find_title(meta["title"], files)
        assert where, f"{path.name}: title not found in the seeds"
        found.append((path, meta, body, *where))
    titles_at = {(name, i) for *_, name, i in found}
    articles = []
    for n, (path, meta, body, name, start) in enumerate(found):
        lines = files[name]
        end = min([i for f, i in titles_at if f == name and i > start] + [len(lines)])
        blocks = blocks_of(body)
        ported = {text for _, text in blocks}
        region = lines[start + 1 : end]
        ported_text = " ".join(ported)
        last = max(
            (
                i
                for i, line in enumerate(region)
                if line in ported or (len(line) > 30 and line[:30] in ported_text)
            ),
            default=-1,
        )
        body_lines = [line for line in region[: last + 1] if line and line not in FURNITURE]
        kinds = {text: kind for kind, text in blocks}
        gutenberg = n % 2 == 0
        date = str(meta["date"])
        wp_date = f"{date} 00:00:00" if n % 3 else f"{date} 09:30:00"
        slug, wp_name = path.stem, meta.get("slug") or path.stem
        title = (
            html.escape(meta["title"], quote=False).replace("‘", "&#8216;").replace("’", "&#8217;")
        )
        post = Post(
            id=100 + n,
            title=title,
            content=_html(body_lines, kinds, gutenberg),
            name=wp_name,
            date=wp_date,
            categories=[WP_CATEGORIES[meta["category"]]],
            tags=[(t, t.replace("-", " ").title()) for t in meta.get("tags", [])],
            excerpt=meta["summary"] if n % 2 else "",
            comments=n % 3,
        )
        articles.append(SeedArticle(slug, meta, body, name, body_lines, post))
    return articles


@pytest.fixture(scope="session")
def seeds() -> Path:
    folder = seeds_folder()
    if folder is None:
        pytest.skip("the seeds (shared/seeds beside the repository, or SWK_SEEDS) are not here")
    return folder


@pytest.fixture(scope="session")
def seed_export(seeds, tmp_path_factory) -> tuple[Path, list[SeedArticle]]:
    """(export file, articles): the seeds as a WXR 1.2 export, https namespace."""
    articles = seed_articles(seeds)
    extra = [
        Post(90, "Hoofdmenu: Agenda", "", type="nav_menu_item", name="90"),
        Post(91, "Hoofdmenu: Partners", "", type="nav_menu_item", name="91"),
        Post(
            92,
            articles[0].post.title,
            "<p>oud</p>",
            type="revision",
            status="inherit",
            name=f"{articles[0].post.id}-revision-v1",
            parent=articles[0].post.id,
        ),
    ]
    path = tmp_path_factory.mktemp("seeds") / "sociaalwerkkoepel.WordPress.xml"
    write_wxr(
        path,
        [a.post for a in articles] + extra,
        site=SITE,
        https_namespace=True,
        categories=[(s, n, "") for s, n in WP_CATEGORIES.values()],
    )
    return path, articles


@pytest.fixture(scope="session")
def blocks():
    """blocks_of: (kind, text) of every block of a Markdown body."""
    return blocks_of

"""Import a WordPress export into the content folders; see the package docstring."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import yaml
from pelican.urlwrappers import Category, Tag
from pelican.utils import slugify

from content_model.clock import site_zone
from content_model.fields import SLUG_RE
from content_model.frontmatter import Loader
from content_model.frontmatter import split as split_frontmatter
from content_model.generator import source_folders
from content_model.items import read_item
from content_model.problems import Problem
from content_model.schema import CATEGORIES, CONTENT_TYPES
from redirects import data as redirect_data
from redirects import redirects_file

from . import convert, wxr
from .report import Report, render

STATE_VERSION = 1
# WordPress statuses -> ours. Anything else (trash, auto-draft, inherit) is not content.
STATUSES = {
    "publish": "published",
    "draft": "draft",
    "pending": "draft",
    "future": "draft",
    "private": "draft",
}
# Post types that are not content, with how the report names them.
SKIPPED_TYPES = {
    "attachment": "bijlagen (als bericht)",
    "nav_menu_item": "menu-items",
    "revision": "revisies",
    "wp_block": "herbruikbare blokken (tekst in de berichten overgenomen)",
    "customize_changeset": "thema-instellingen",
    "custom_css": "eigen CSS",
    "oembed_cache": "embed-cache",
    "wp_template": "sjablonen",
    "wp_template_part": "sjabloondelen",
    "wp_global_styles": "stijlen",
    "wp_navigation": "navigatiemenu's",
    "user_request": "privacyverzoeken",
}
# Paths the new site uses itself; a WordPress page with such a slug cannot keep it. The rest
# come from the settings (*_URL, *_SAVE_AS, MENU_ITEMS); these are plugins' defaults and
# folders that are not pages.
SITE_FOLDERS = {"theme", "images", "pagefind", "admin", "feeds", "zoeken", "index", "404"}


class ImportFailed(Exception):
    """The import cannot start or go on; the message (Dutch) says what to do."""


@dataclass
class Options:
    uploads: Path | None = None
    workdir: Path | None = None
    category_base: str = "category"
    tag_base: str = "tag"
    authors_as_people: bool = False


@dataclass
class Planned:
    """One post or page that becomes a file, decided before any body is converted."""

    key: str  # "post:12"
    item_type: str  # "article" or "page"
    slug: str
    path: Path
    adopted: bool = False  # an existing file not written by the import: left alone
    renamed: bool = False  # a page whose address the new site uses itself (/agenda/)


# --- small helpers -------------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _quote(value: str) -> str:
    """A YAML scalar in double quotes (JSON's string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _plain(value: str) -> str:
    return value if re.fullmatch(r"[a-z0-9][a-z0-9-]*", value) else _quote(value)


def _slug(value: str, settings) -> str:
    text = unquote(value or "")
    slug = slugify(text, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    slug = re.sub(r"-{2,}", "-", slug).strip("-")[:80].strip("-")
    return slug if SLUG_RE.match(slug) else ""


def _wp_datetime(text: str) -> datetime | None:
    if not text or text.startswith("0000"):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def item_date(item: wxr.Item, tz: tzinfo) -> datetime | None:
    """The publication moment in the site's time zone ``tz``: post_date_gmt, else post_date
    (the WordPress site's own clock, taken as ``tz``), else pubDate, else the last change."""
    gmt = _wp_datetime(item.post_date_gmt)
    if gmt is not None:
        return gmt.replace(tzinfo=UTC).astimezone(tz)
    local = _wp_datetime(item.post_date)
    if local is not None:
        return local.replace(tzinfo=tz)
    if item.pub_date:
        try:
            return parsedate_to_datetime(item.pub_date).astimezone(tz)
        except (TypeError, ValueError):
            pass
    modified = _wp_datetime(item.modified)
    return modified.replace(tzinfo=tz) if modified else None


def _format_date(moment: datetime) -> str:
    if (moment.hour, moment.minute) == (0, 0):
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%dT%H:%M")


def _link_path(link: str) -> str:
    """'/2023/01/05/x/' (or '/?p=12') for an item's link."""
    parts = urlsplit(link)
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


# --- the category mapping ------------------------------------------------------------------------

MAPPING_HEADER = """\
# Rubrieken: welke WordPress-categorie wordt welke rubriek op de nieuwe site?
# Links de categorie uit WordPress (de 'slug'), rechts de rubriek: {choices}.
# De import schreef de eerste keer een voorstel ('interview' in de naam wordt Interview,
# de rest Nieuws). Pas aan wat niet klopt en draai de import opnieuw: artikelen die je nog
# niet zelf hebt bewerkt, krijgen dan de nieuwe rubriek. Een bericht met categorieën voor
# meer rubrieken krijgt de eerste in de volgorde hierboven.
"""


def default_category(slug: str, name: str) -> str:
    text = f"{unquote(slug)} {name}".lower()
    return "Interview" if "interview" in text else "Nieuws"


def load_mapping(path: Path, shown: str) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark else ""
        raise ImportFailed(
            f"{shown}{line}: YAML klopt niet ({exc.problem}); schrijf per regel "
            "'categorie: Rubriek'"
        ) from None
    except yaml.YAMLError as exc:
        raise ImportFailed(f"{shown}: YAML klopt niet ({exc})") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ImportFailed(
            f"{shown}: schrijf per regel 'categorie: Rubriek', bv. 'interviews: Interview'"
        )
    problems = []
    mapping = {}
    for key, value in raw.items():
        if value not in CATEGORIES:
            problems.append(
                f"{shown}: categorie '{key}': \"{value}\" is geen rubriek; kies uit: "
                f"{', '.join(CATEGORIES)}"
            )
        else:
            mapping[str(key)] = value
    if problems:
        raise ImportFailed("\n".join(problems))
    return mapping


def append_mapping(path: Path, new: list[tuple[str, str, str, int]]) -> None:
    """Add categories (slug, name, rubriek, number of posts) at the end, as text."""
    if not new:
        return
    text = (
        path.read_text(encoding="utf-8")
        if path.exists()
        else MAPPING_HEADER.format(choices=" of ".join(CATEGORIES))
    )
    if text and not text.endswith("\n"):
        text += "\n"
    for slug, name, value, count in new:
        text += f"{_plain(slug)}: {value}  # {_quote(name)}, {count} bericht(en)\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- the import ------------------------------------------------------------------------------------


class Importer:
    def __init__(self, export: Path, settings: dict, options: Options):
        self.export = Path(export)
        self.settings = settings
        self.zone = site_zone(settings)  # TIMEZONE: the WordPress site's clock too
        self.options = options
        self.content = Path(settings["PATH"]).resolve()
        self.root = self.content.parent
        self.articles_dir = source_folders(settings, "article")[0]
        self.pages_dir = source_folders(settings, "page")[0]
        self.images_dir = self.content / "images"
        self.redirects_path = redirects_file(settings)
        self.workdir = Path(options.workdir or self.root / "wordpress-import")
        self.mapping_path = self.workdir / "categories.yaml"
        self.state_path = self.workdir / "state.json"
        self.report_path = self.workdir / "report.md"
        self.report = Report(export=str(export))
        self.state = {"version": STATE_VERSION, "items": {}, "images": {}, "redirects": []}
        # filled by the first pass
        self.channel = wxr.Channel()
        self.categories: dict[str, wxr.Term] = {}
        self.tags: dict[str, wxr.Term] = {}
        self.media = convert.Media()
        self.attachment_files: dict[int, str] = {}  # id -> uploads path
        self.reusable: dict[int, str] = {}
        self.planned: dict[str, Planned] = {}
        self.old_links: dict[str, str] = {}  # old path -> new path, for links in bodies
        self.category_posts: Counter = Counter()
        self.mapping: dict[str, str] = {}
        self.hosts: set[str] = set()
        self.item_meta: dict[str, dict] = {}  # key -> what the redirects need
        self.authors: dict[str, str] = {}  # login -> the name WordPress showed
        self._imported_files: set[str] | None = None
        self._copied: dict[str, str] = {}  # uploads path -> its address, once per run
        self._slugs_cache: dict[Path, dict[str, Path]] = {}
        self._status: dict[str, str] = {}  # key -> published/draft of a file written this run
        self.reserved = self._reserved()

    # -- paths --

    def rel(self, path: Path) -> str:
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def abs(self, rel: str) -> Path:
        return self.root / rel

    # -- state --

    def load_state(self):
        if not self.state_path.exists():
            return
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ImportFailed(
                f"{self.rel(self.state_path)}: is beschadigd ({exc}); zet de versie uit "
                "Git terug (git checkout -- het bestand)"
            ) from None
        if state.get("version") != STATE_VERSION:
            raise ImportFailed(
                f"{self.rel(self.state_path)}: onbekende versie {state.get('version')}"
            )
        self.state.update(state)

    def save_state(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.state["export"] = self.export.name
        text = json.dumps(self.state, ensure_ascii=False, indent=1, sort_keys=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(self.state_path)

    # -- first pass: everything but the bodies --

    def first_pass(self):
        slugs_in_use = {
            "article": self._existing_slugs(self.articles_dir),
            "page": self._existing_slugs(self.pages_dir),
        }
        for thing in wxr.read(self.export):
            if isinstance(thing, wxr.Channel):
                self.channel = thing
                for url in (thing.link, thing.base_site_url, thing.base_blog_url):
                    if url:
                        self.hosts.add(urlsplit(url).netloc.lower())
            elif isinstance(thing, wxr.Term):
                if thing.taxonomy == "category":
                    self.categories.setdefault(thing.slug, thing)
                elif thing.taxonomy == "post_tag":
                    self.tags.setdefault(thing.slug, thing)
                elif thing.taxonomy == "author" and thing.name:
                    self.authors[thing.slug] = thing.name
            elif thing.type == "attachment":
                url = thing.attachment_url or thing.guid
                upload = thing.meta.get("_wp_attached_file") or convert.uploads_path(url) or ""
                alt = (thing.meta.get("_wp_attachment_image_alt") or "").strip()
                self.media.by_id[thing.id] = (url, alt)
                self.attachment_files[thing.id] = upload
                if thing.parent:
                    self.media.children.setdefault(thing.parent, []).append(thing.id)
                if upload and alt:
                    self.media.alt_by_url[upload] = alt
            elif thing.type == "wp_block":
                self.reusable[thing.id] = thing.content
            elif thing.type in ("post", "page") and thing.status in STATUSES:
                self._plan(thing, slugs_in_use)

    def _existing_slugs(self, folder: Path) -> dict[str, Path]:
        """Slugs of the files already there (file name, or their 'slug' field); read once."""
        if folder in self._slugs_cache:
            return dict(self._slugs_cache[folder])
        found = {}
        for path in sorted(folder.rglob("*.md")) if folder.is_dir() else ():
            slug = path.stem
            try:
                meta, _ = split_frontmatter(path.read_text(encoding="utf-8"))
                slug = str(meta.get("slug") or slug)
            except Exception:  # an unreadable file still takes its name
                pass
            found[slug] = path
        self._slugs_cache[folder] = found
        return dict(found)

    def _reserved(self) -> set[str]:
        """First path segments the new site uses for pages of its own (agenda, partners, ...)."""
        out = set(SITE_FOLDERS)
        for key, value in self.settings.items():
            if key.endswith(("_URL", "_SAVE_AS")) and key != "SITEURL" and isinstance(value, str):
                first = value.lstrip("/").split("/", 1)[0]
                if first and "{" not in first and "." not in first:
                    out.add(first)
        for _, url in self.settings.get("MENU_ITEMS", []):
            out.add(url.strip("/").split("/", 1)[0])
        return {s for s in out if s}

    def _plan(self, item: wxr.Item, in_use: dict[str, dict[str, Path | None]]):
        """Decide the file (and so the slug) of a post or page before any body is converted,
        so links between posts can point to their new addresses."""
        key = f"{item.type}:{item.id}"
        item_type = "article" if item.type == "post" else "page"
        for taxonomy, slug, name in item.terms:
            if taxonomy == "category":
                self.categories.setdefault(slug, wxr.Term("category", slug, name))
                if item.type == "post":
                    self.category_posts[slug] += 1
            elif taxonomy == "post_tag":
                self.tags.setdefault(slug, wxr.Term("post_tag", slug, name))
        recorded = self.state["items"].get(key)
        if recorded:
            planned = Planned(
                key,
                item_type,
                recorded["slug"],
                self.abs(recorded["file"]),
                renamed=recorded.get("renamed", False),
            )
        else:
            planned = self._new_file(item, item_type, in_use[item_type])
        self.planned[key] = planned
        new = self.url_of(planned)
        if item.link:
            self.old_links[redirect_data.normalize_source(_link_path(item.link))] = new
        self.old_links[f"/?p={item.id}"] = new
        if item_type == "page":
            self.old_links[f"/?page_id={item.id}"] = new

    def _new_file(self, item: wxr.Item, item_type: str, taken: dict[str, Path | None]) -> Planned:
        key = f"{item.type}:{item.id}"
        wp_slug = _slug(item.name, self.settings)
        if item.name == str(item.id) and not item.title.strip():
            wp_slug = ""  # WordPress names an untitled post after its ID
        base = (
            wp_slug
            or _slug(item.title, self.settings)
            or f"{'bericht' if item_type == 'article' else 'pagina'}-{item.id}"
        )
        existing = taken.get(base)
        if existing is not None and wp_slug == base and not self._imported(existing):
            # a file with this slug that the import did not write: the same post, ported by
            # hand. Leave it alone; its old addresses will point to it.
            return Planned(key, item_type, base, existing, adopted=True)
        renamed = item_type == "page" and base in self.reserved
        if renamed:
            base = f"{base}-oud"  # /agenda/, /partners/ ...: the new site's own pages
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken[slug] = None  # planned in this run: the next item with this slug gets -2
        folder = self.articles_dir if item_type == "article" else self.pages_dir
        return Planned(key, item_type, slug, folder / f"{slug}.md", renamed=renamed)

    def url_of(self, planned: Planned) -> str:
        setting = "ARTICLE_URL" if planned.item_type == "article" else "PAGE_URL"
        return "/" + self.settings[setting].format(slug=planned.slug)

    def _imported(self, path: Path) -> bool:
        if self._imported_files is None:
            self._imported_files = {r["file"] for r in self.state["items"].values()}
        return self.rel(path) in self._imported_files

    # -- the category mapping --

    def prepare_mapping(self):
        shown = self.rel(self.mapping_path)
        self.report.mapping_file = shown
        self.mapping = load_mapping(self.mapping_path, shown)
        new = []
        for slug, term in sorted(self.categories.items()):
            if slug not in self.mapping:
                value = default_category(slug, term.name)
                self.mapping[slug] = value
                new.append((slug, term.name, value, self.category_posts.get(slug, 0)))
                self.report.mapping_new.append(f"{term.name or slug} → {value}")
        append_mapping(self.mapping_path, new)

    def category_of(self, item: wxr.Item) -> str:
        mapped = [self.mapping.get(slug) for tax, slug, _ in item.terms if tax == "category"]
        mapped = [m for m in mapped if m]
        for choice in CATEGORIES:
            if choice in mapped:
                return choice
        return self.mapping.get("uncategorized") or "Nieuws"

    # -- files from uploads --

    def copy_upload(self, upload: str) -> str | None:
        """Copy a file from the uploads folder into content/images/ (same sub-path); return
        its address on the site, or None when it is not there."""
        upload = unquote(upload).lstrip("/")
        if not upload or ".." in upload.split("/"):
            return None
        if upload in self._copied:
            return self._copied[upload]
        recorded = self.state["images"].get(upload)
        if recorded and self.abs(recorded["file"]).exists():
            dest = self.abs(recorded["file"])
            if _sha(dest.read_bytes()) != recorded["sha256"]:
                self.report.images_kept.append(
                    recorded["file"]
                )  # the editor replaced it: keep theirs
            self._copied[upload] = self._site_url(dest)
            return self._copied[upload]
        if self.options.uploads is None:
            return None
        source = self.options.uploads / upload
        if not source.is_file():
            original = convert.original_size(upload)
            return self.copy_upload(original) if original != upload else None
        data = source.read_bytes()
        digest = _sha(data)
        dest = self.images_dir / upload
        n = 2
        while dest.exists() and _sha(dest.read_bytes()) != digest:  # another file by that name
            dest = dest.with_name(f"{Path(upload).stem}-{n}{dest.suffix}")
            n += 1
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            self.report.images_copied += 1
        self.state["images"][upload] = {"file": self.rel(dest), "sha256": digest}
        self._copied[upload] = self._site_url(dest)
        return self._copied[upload]

    def _site_url(self, path: Path) -> str:
        parts = Path(path).resolve().relative_to(self.content).parts
        return "/" + "/".join(quote(p, safe="-._~!$&'()*+,;=:@") for p in parts)

    # -- second pass: bodies, files --

    def second_pass(self):
        for thing in wxr.read(self.export):
            if isinstance(thing, (wxr.Channel, wxr.Term)):
                continue
            self.report.skipped["reacties"] += thing.comments
            if thing.type in ("post", "page"):
                if thing.status not in STATUSES:
                    label = {
                        "trash": "berichten in de prullenbak",
                        "auto-draft": "automatische concepten",
                    }
                    self.report.skipped[
                        label.get(thing.status, f"berichten met status '{thing.status}'")
                    ] += 1
                    continue
                self.import_item(thing)
            else:
                self.report.skipped[
                    SKIPPED_TYPES.get(thing.type, f"berichten van het type '{thing.type}'")
                ] += 1

    def resolve_link(self, href: str) -> str | None:
        parts = urlsplit(href)
        if parts.netloc and parts.netloc.lower() not in self.hosts:
            return None
        if not parts.netloc and not parts.path.startswith("/"):
            return None  # "#deel", "?x", a relative path: not an old address we know
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None
        path = unquote(parts.path or "/")
        key = f"{path}?{parts.query}" if parts.query else path
        target = self.old_links.get(key) or self.old_links.get(path.rstrip("/") + "/")
        if target and parts.fragment:
            target += "#" + parts.fragment
        return target

    def import_item(self, item: wxr.Item):
        planned = self.planned[f"{item.type}:{item.id}"]
        shown = self.rel(planned.path)
        self.item_meta[planned.key] = {"item": _slim(item, self.zone), "planned": planned}
        if planned.adopted:
            self.report.adopted.append(shown)
            return
        recorded = self.state["items"].get(planned.key)
        if recorded:
            if not planned.path.exists():
                self.report.gone.append(shown)
                return
            if _sha(planned.path.read_bytes()) != recorded["sha256"]:
                self.report.kept.append(shown)
                return

        missing: list[str] = []

        def resolve_file(upload: str) -> str | None:
            new = self.copy_upload(upload)
            if new is None:
                missing.append(upload)
            return new

        body = convert.convert(
            item.content,
            post_id=item.id,
            media=self.media,
            reusable=self.reusable,
            resolve_file=resolve_file,
            resolve_link=self.resolve_link,
        )
        self.report.converted.update(body.notes.converted)
        self.report.removed.update(body.notes.removed)
        fields, comments, todo, draft = self._front_matter(item, planned, body, missing)
        for upload in missing:
            self.report.missing_files.setdefault(upload, []).append(shown)
        self._write(planned, fields, comments, body.markdown, draft, todo)

    def _front_matter(
        self, item: wxr.Item, planned: Planned, body: convert.Body, missing: list[str]
    ):
        """(fields as YAML lines, comment lines, what the editor should do, must be a draft)."""
        is_article = planned.item_type == "article"
        fields: list[str] = []
        comments = [f"# WordPress: {item.type} {item.id}" + (f", {item.link}" if item.link else "")]
        todo: list[str] = []
        draft = item.status != "publish"
        if draft:
            todo.append(
                "was in WordPress '"
                + {
                    "draft": "concept",
                    "pending": "wachtend op beoordeling",
                    "future": "gepland",
                    "private": "privé",
                }[item.status]
                + "'"
            )

        if planned.renamed:
            old = planned.slug.removesuffix("-oud")
            todo.append(
                f"de nieuwe site heeft zelf een pagina /{old}/: kijk of deze tekst nog nodig is"
            )
            draft = True

        title = " ".join(convert.text_of(item.title).split())
        if not title:
            title = f"Zonder titel (WordPress {item.type} {item.id})"
            todo.append("had geen titel: schrijf 'title'")
            draft = True
        fields.append(f"title: {_quote(title)}")

        if is_article:
            moment = item_date(item, self.zone)
            if moment is None:
                moment = datetime.now(self.zone).replace(second=0, microsecond=0)
                todo.append("had geen datum (vandaag ingevuld): controleer 'date'")
                draft = True
            fields.append(f"date: {_format_date(moment)}")
            fields.append(f"category: {self.category_of(item)}")

        summary = convert.text_of(item.excerpt)
        if not summary and "<!--more-->" in item.content:
            summary = convert.first_sentence(
                convert.text_of(item.content.split("<!--more-->", 1)[0]), limit=400
            )
        summary = re.sub(
            r"\s*\[(…|\.\.\.)\]$", " …", summary or convert.summary_of(body.text)
        ).strip()
        if summary:
            fields.append(f"summary: {_quote(summary)}")
        elif is_article:
            fields.append(f"summary: {_quote('Samenvatting ontbreekt.')}")
            todo.append("had geen tekst voor een samenvatting: schrijf 'summary'")
            draft = True

        if is_article:
            tags = []
            for taxonomy, slug, name in item.terms:
                tag = (
                    _slug(slug, self.settings) or _slug(name, self.settings)
                    if taxonomy == "post_tag"
                    else ""
                )
                if tag and tag not in tags:
                    tags.append(tag)
            if tags:
                fields.append(f"tags: [{', '.join(_plain(t) for t in tags)}]")
            author = self.authors.get(item.creator, item.creator)
            if author and self.options.authors_as_people:
                fields.append(f"people: [{_quote(author)}]")
            elif author:
                comments.append(f"# auteur in WordPress: {author}")
            fields += self._featured_image(item, comments, todo, missing)
        if body.notes.images_without_alt:
            todo.append(
                f"{body.notes.images_without_alt} afbeelding(en) in de tekst zonder alt-tekst: "
                "beschrijf wat erop staat tussen de [ ] van ![ ](...)"
            )
        if item.name and planned.slug != _slug(item.name, self.settings):
            comments.append(f"# slug in WordPress: {unquote(item.name)}")
        return fields, comments, todo, draft

    def _featured_image(
        self, item: wxr.Item, comments: list[str], todo: list[str], missing: list[str]
    ):
        thumb = item.meta.get("_thumbnail_id", "").strip()
        if not thumb:
            return []
        if not thumb.isdigit() or int(thumb) not in self.attachment_files:
            comments.append(f"# uitgelichte afbeelding: bijlage {thumb} staat niet in de export")
            return []
        upload = self.attachment_files[int(thumb)]
        alt = self.media.by_id[int(thumb)][1]
        new = self.copy_upload(upload) if upload else None
        if new is None:
            missing.append(upload or f"bijlage {thumb}")
            comments.append(f"# uitgelichte afbeelding ontbreekt: {upload or 'bijlage ' + thumb}")
            return []
        if not alt:
            comments.append(f"# image: {new}")
            todo.append(
                "de uitgelichte afbeelding heeft in WordPress geen alt-tekst: haal de # weg voor "
                "'image:' en schrijf eronder 'image_alt:' met wat erop staat"
            )
            return []
        return [f"image: {_quote(new)}", f"image_alt: {_quote(alt)}"]

    def _write(
        self,
        planned: Planned,
        fields: list[str],
        comments: list[str],
        markdown: str,
        draft: bool,
        todo: list[str],
    ):
        def render(as_draft: bool) -> str:
            status = ["status: draft"] if as_draft else []
            return "\n".join(["---", *comments, *fields, *status, "---", markdown])

        ctype = CONTENT_TYPES[planned.item_type]
        path, shown = planned.path, self.rel(planned.path)
        existed = path.exists()
        text = render(draft)
        if existed and path.read_text(encoding="utf-8") == text:
            self._record(planned, text, draft)
            self.report.unchanged.append(shown)
            self._note(shown, draft, todo)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        problems: list[Problem] = []
        read_item(ctype, path, problems, self.zone)
        if problems and not draft:
            # not up to the contract: a draft, with the problems in the report (the build stays green)
            todo = todo + [
                p.message if not p.field else f"veld '{p.field}': {p.message}" for p in problems
            ]
            draft, text = True, render(True)
            path.write_text(text, encoding="utf-8")
            problems = []
            read_item(ctype, path, problems, self.zone)
        if problems:
            quarantine = self.workdir / "niet-geimporteerd" / path.name
            quarantine.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, quarantine)
            self.report.quarantined.append(f"{self.rel(quarantine)}: niet in {shown} gezet")
            self.report.problems += [
                f"{self.rel(quarantine)}: " + (f"veld '{p.field}': " if p.field else "") + p.message
                for p in problems
            ]
            return
        self._record(planned, text, draft)
        (self.report.updated if existed else self.report.written).append(shown)
        self._note(shown, draft, todo)

    def _note(self, shown: str, draft: bool, todo: list[str]):
        if todo:
            self.report.todo.append(f"{shown}: {'concept; ' if draft else ''}{'; '.join(todo)}")

    def _record(self, planned: Planned, text: str, draft: bool):
        self._status[planned.key] = "draft" if draft else "published"
        self.state["items"][planned.key] = {
            "file": self.rel(planned.path),
            "slug": planned.slug,
            "sha256": _sha(text.encode("utf-8")),
        }
        if planned.renamed:
            self.state["items"][planned.key]["renamed"] = True

    # -- redirects --

    def _file_status(self, planned: Planned) -> str | None:
        """published, draft, or None when the file is not there."""
        if planned.key in self._status:
            return self._status[planned.key]
        if not planned.path.exists():
            return None
        try:
            meta, _ = split_frontmatter(planned.path.read_text(encoding="utf-8"))
        except Exception:
            return None
        return "draft" if meta.get("status") == "draft" else "published"

    def redirects(self):
        """Append the old addresses of everything published to the redirect map; an entry
        that is there already (perhaps changed by an editor) or that an earlier import wrote
        and an editor took out is left as it is."""
        shown = self.rel(self.redirects_path)
        self.report.redirects_file = shown
        existing, problems = redirect_data.load(self.redirects_path)
        if problems:
            raise ImportFailed("\n".join(str(p) for p in problems))
        present = {e.source for e in existing}
        written_before = set(self.state["redirects"])
        wanted: dict[str, str] = {}
        categories: set[str] = set()
        tags: set[str] = set()
        months: set[tuple[int, int]] = set()
        for info in self.item_meta.values():
            planned: Planned = info["planned"]
            item = info["item"]
            if item["status"] != "publish" or self._file_status(planned) != "published":
                continue  # only what was public there and is public here
            url = self.url_of(planned)
            sources = ([_link_path(item["link"])] if item["link"] else []) + [f"/?p={item['id']}"]
            if planned.item_type == "page":
                sources.append(f"/?page_id={item['id']}")
            for source in sources:
                wanted.setdefault(redirect_data.normalize_source(source), url)
            if planned.item_type == "article":
                categories.update(item["categories"])
                tags.update(item["tags"])
                if item["date"]:
                    months.add(item["date"])
        for slug in sorted(categories):
            target = "/" + Category(self.mapping.get(slug, "Nieuws"), self.settings).url
            wanted.setdefault(f"/{self.options.category_base}/{self._category_path(slug)}/", target)
        for slug in sorted(tags):
            name = _slug(slug, self.settings)
            if name:
                wanted.setdefault(
                    f"/{self.options.tag_base}/{slug}/", "/" + Tag(name, self.settings).url
                )
        index = "/" + self.settings.get("INDEX_SAVE_AS", "index.html").removesuffix("index.html")
        for year, month in sorted(months):  # WordPress's date archives
            wanted.setdefault(f"/{year}/", index)
            wanted.setdefault(f"/{year}/{month:02d}/", index)

        site = self._site_paths(tags)
        additions = []
        for source, target in wanted.items():
            if source.rstrip("/") == target.rstrip("/"):
                continue  # the same address on the new site: nothing to do
            if source in present:
                self.report.redirects_present += 1
                continue
            if source in written_before:
                continue  # an earlier import wrote it and an editor took it out
            why = redirect_data.check_source(source)
            if why:
                self.report.redirect_notes.append(f"{source}: {why}")
                continue
            if source.rstrip("/") + "/" in site:
                self.report.redirect_notes.append(
                    f"{source} is op de nieuwe site een eigen pagina; geen doorverwijzing naar {target}"
                )
                continue
            additions.append((source, target))
        stamp = datetime.now(self.zone).strftime("%Y-%m-%d %H:%M")
        redirect_data.append(
            self.redirects_path,
            additions,
            comment=f"toegevoegd door de WordPress-import ({self.export.name}, {stamp})",
        )
        self.state["redirects"] = sorted(written_before | {s for s, _ in additions})
        self.report.redirects_added = len(additions)
        _, _, problems = redirect_data.read(self.redirects_path)
        self.report.problems += [str(p) for p in problems]

    def _site_paths(self, tags: set[str]) -> set[str]:
        """Addresses the new site has pages at (as far as known before a build), so that no
        redirect page is put in their place."""
        paths = {"/" + url.lstrip("/") for _, url in self.settings.get("MENU_ITEMS", [])}
        paths |= {f"/{first}/" for first in self.reserved}
        for type_name, setting in (
            ("article", "ARTICLE_URL"),
            ("page", "PAGE_URL"),
            ("partner", "PARTNER_URL"),
            ("event", "EVENT_URL"),
        ):
            pattern = self.settings.get(setting)
            folders = source_folders(self.settings, type_name)
            if not pattern or not folders:
                continue
            for slug in self._existing_slugs(folders[0]):
                paths.add("/" + pattern.format(slug=slug))
        for planned in self.planned.values():
            paths.add(self.url_of(planned))
        for name in CATEGORIES:
            paths.add("/" + Category(name, self.settings).url)
        for slug in tags:
            name = _slug(slug, self.settings)
            if name:
                paths.add("/" + Tag(name, self.settings).url)
        return {p if p.endswith("/") else p + "/" for p in paths}

    def _category_path(self, slug: str) -> str:
        parts, seen = [], set()
        term = self.categories.get(slug)
        while term is not None and term.slug not in seen:
            seen.add(term.slug)
            parts.insert(0, unquote(term.slug))
            term = self.categories.get(term.parent) if term.parent else None
        return "/".join(parts) or unquote(slug)

    # -- the report --

    def write_report(self):
        self.report.version = self.channel.version
        self.report.report_file = self.rel(self.report_path)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.report_path.write_text(
            render(
                self.report,
                export_name=self.export.name,
                channel_link=self.channel.link,
                images_folder=self.rel(self.images_dir),
                uploads_given=self.options.uploads is not None,
            ),
            encoding="utf-8",
        )

    # -- all of it --

    def run(self) -> Report:
        if not self.export.is_file():
            raise ImportFailed(f"{self.export}: bestand niet gevonden")
        if self.options.uploads is not None and not self.options.uploads.is_dir():
            raise ImportFailed(
                f"--uploads {self.options.uploads}: map niet gevonden; geef de map "
                "wp-content/uploads van de WordPress-site"
            )
        self.load_state()
        # read everything once before writing anything: a broken export changes nothing
        self.first_pass()
        redirect_problems = redirect_data.load(self.redirects_path)[1]
        if redirect_problems:
            raise ImportFailed("\n".join(str(p) for p in redirect_problems))
        self.prepare_mapping()
        try:
            self.second_pass()
            self.redirects()
        finally:
            self.save_state()
        self.write_report()
        return self.report


def _slim(item: wxr.Item, tz: tzinfo) -> dict:
    """What the redirects need of an item, without its body."""
    moment = item_date(item, tz)
    return {
        "id": item.id,
        "link": item.link,
        "status": item.status,
        "categories": [s for t, s, _ in item.terms if t == "category"],
        "tags": [s for t, s, _ in item.terms if t == "post_tag"],
        "date": (moment.year, moment.month) if moment and item.type == "post" else None,
    }


def import_wordpress(export: Path, settings: dict, **options) -> Report:
    """Import ``export`` into the content folders of ``settings``; see Options."""
    return Importer(Path(export), settings, Options(**options)).run()

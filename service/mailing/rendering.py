"""One newsletter issue as the build rendered it: ``email.json``, ``email.html``, ``email.txt``.

The hand-off from the build (``plugins/newsletter``) to the sender. It comes from the
published site (what the publish workflow uses), from a build folder (the command line), or
from a request body; in every case the content hash in ``email.json`` must match the files,
and a test send stores it in the database, so the real send later sends exactly what was
tested, whatever the site shows by then.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from content_model.fields import SLUG_RE
from content_model.frontmatter import FrontMatterError, split
from content_model.loading import markdown_files
from content_model.problems import display_path
from newsletter.message import content_hash

from ..subscribers import iso

MAX_PART = 1024 * 1024  # bytes; the build refuses e-mails above 90 KB anyway


class SendError(Exception):
    """A refusal or a problem someone must mend; the message is Dutch."""


@dataclass
class Rendering:
    slug: str
    meta: dict
    html: str
    text: str

    @property
    def hash(self) -> str:
        return self.meta["content_hash"]

    @property
    def subject(self) -> str:
        return self.meta["subject"]

    @classmethod
    def of(cls, slug: str, meta, html: str, text: str, where: str) -> Rendering:
        """Checks what the build wrote: the slug, not a draft, the content hash."""
        if not SLUG_RE.match(slug or ""):
            raise SendError(
                f'"{slug}" is geen bestandsnaam van een nieuwsbrief (kleine letters, cijfers en '
                "streepjes, zonder .md)"
            )
        if not isinstance(meta, dict) or not all(
            isinstance(meta.get(k), str)
            for k in ("subject", "from", "reply_to", "content_hash", "unsubscribe_mailto")
        ):
            raise SendError(f"{where}: email.json is onvolledig; bouw de site opnieuw (make build)")
        if not isinstance(html, str) or not isinstance(text, str):
            raise SendError(f"{where}: email.html en email.txt ontbreken")
        if meta.get("slug") != slug:
            raise SendError(
                f"{where}: email.json hoort bij '{meta.get('slug')}', niet bij '{slug}'"
            )
        if meta.get("status") != "ready":
            raise SendError(
                f"{meta.get('source', slug)}: deze nieuwsbrief is een concept (status: "
                f"{meta.get('status') or 'draft'}) en wordt niet verstuurd. Zet 'status: ready' "
                "in het bestand, publiceer, en verstuur eerst een testversie"
            )
        if content_hash(html, text, meta) != meta["content_hash"]:
            raise SendError(
                f"{where}: de inhoud past niet bij de controlecode (content_hash) in email.json; "
                "de bestanden zijn na de bouw gewijzigd of half overgekomen. Bouw en publiceer opnieuw"
            )
        return cls(slug, meta, html, text)


def _source_status(newsletters: Path | None, slug: str) -> tuple[Path, str] | None:
    if not newsletters:
        return None
    for path in markdown_files(Path(newsletters)):
        try:
            meta, _ = split(path.read_text(encoding="utf-8"))
        except (FrontMatterError, UnicodeDecodeError):
            continue
        if (meta.get("slug") or path.stem) == slug:
            return path, str(meta.get("status") or "draft")
    return None


def from_folder(output: Path, slug: str, newsletters: Path | None = None) -> Rendering:
    """From a build's output folder (``output/nieuwsbrief/<slug>/``); a draft in ``newsletters``
    is refused by name even when an old build of it is still there."""
    source = _source_status(newsletters, slug)
    if source and source[1] != "ready":
        raise SendError(
            f"{display_path(source[0])}: deze nieuwsbrief is een concept (status: {source[1]}) en "
            "wordt niet verstuurd. Zet 'status: ready' in het bestand, bouw de site opnieuw "
            "(make build) en verstuur eerst een testversie"
        )
    folder = Path(output) / "nieuwsbrief" / slug
    if not (folder / "email.json").is_file():
        raise SendError(
            f"nieuwsbrief '{slug}' staat niet in {display_path(folder)}; controleer de naam "
            "(de bestandsnaam zonder .md) en bouw de site eerst (make build)"
        )
    meta = json.loads((folder / "email.json").read_text(encoding="utf-8"))
    return Rendering.of(
        slug,
        meta,
        (folder / "email.html").read_text(encoding="utf-8"),
        (folder / "email.txt").read_text(encoding="utf-8"),
        display_path(folder),
    )


def from_site(site_url: str, slug: str) -> Rendering:
    """From the published site: ``<site>/nieuwsbrief/<slug>/email.{json,html,txt}``."""
    import httpx

    if not SLUG_RE.match(slug or ""):
        raise SendError(f'"{slug}" is geen bestandsnaam van een nieuwsbrief')
    base = f"{site_url.rstrip('/')}/nieuwsbrief/{slug}/"
    parts = {}
    try:
        with httpx.Client(timeout=30, follow_redirects=True) as client:
            for name in ("email.json", "email.html", "email.txt"):
                resp = client.get(base + name)
                if resp.status_code == 404:
                    raise SendError(
                        f"nieuwsbrief '{slug}' staat niet op de site ({base}). Controleer de naam; "
                        "een concept (status: draft) wordt niet gepubliceerd, en na het publiceren "
                        "duurt het even voor de site bijgewerkt is"
                    )
                if resp.status_code != 200 or len(resp.content) > MAX_PART:
                    raise SendError(
                        f"{base}{name} gaf HTTP {resp.status_code}; probeer het later opnieuw"
                    )
                parts[name] = resp.content.decode("utf-8")
    except httpx.HTTPError as exc:
        raise SendError(
            f"de site {site_url} is niet bereikbaar ({exc}); probeer het later opnieuw"
        ) from None
    except UnicodeDecodeError:
        raise SendError(f"{base}: de bestanden zijn geen UTF-8") from None
    try:
        meta = json.loads(parts["email.json"])
    except ValueError:
        raise SendError(f"{base}email.json is geen JSON") from None
    return Rendering.of(slug, meta, parts["email.html"], parts["email.txt"], base)


def from_request(slug: str, body: dict) -> Rendering:
    """From an API request: ``{"email_json": {...}, "html": "...", "text": "..."}``."""
    return Rendering.of(
        slug, body.get("email_json"), body.get("html"), body.get("text"), "het verzoek"
    )


def store(conn: sqlite3.Connection, r: Rendering) -> None:
    conn.execute(
        "INSERT INTO renderings VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (content_hash) DO NOTHING",
        (r.hash, r.slug, json.dumps(r.meta, ensure_ascii=False), r.html, r.text, iso()),
    )


def load(conn: sqlite3.Connection, slug: str, digest: str) -> Rendering | None:
    row = conn.execute(
        "SELECT * FROM renderings WHERE content_hash = ? AND slug = ?", (digest, slug)
    ).fetchone()
    return Rendering(slug, json.loads(row["meta"]), row["html"], row["text"]) if row else None


def latest_tested(conn: sqlite3.Connection, slug: str) -> str | None:
    row = conn.execute(
        "SELECT content_hash FROM test_sends WHERE slug = ? ORDER BY sent_at DESC, rowid DESC "
        "LIMIT 1",
        (slug,),
    ).fetchone()
    return row[0] if row else None

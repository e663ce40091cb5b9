"""One content file: its front matter checked against its content type and converted.

``parse_item`` reports the file's own problems (fields, the rules between fields of one
item); what needs other files (references, unique slugs) is in ``references`` and
``loading``. ``Collections`` holds the items of a whole site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from . import frontmatter
from .fields import FIELD_TYPES, MONTH_RE, SLUG_RE, suggest
from .problems import Invalid, Problem, display_path, problem
from .schema import ContentType


@dataclass
class Item:
    type: ContentType
    path: Path
    slug: str
    meta: dict
    body: str

    @property
    def status(self) -> str:
        return self.meta.get("status") or self.type.statuses[0]

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def publish_at(self) -> datetime | None:
        """The moment the item may appear on the site (its type's ``publish_field``)."""
        return self.meta.get(self.type.publish_field) if self.type.publish_field else None

    def is_scheduled(self, now: datetime) -> bool:
        """Published, but with a publication moment after ``now``: not on the site yet."""
        return self.publish_at is not None and self.publish_at > now


@dataclass
class Collections:
    """Every item by content type and slug, and every problem found in them."""

    items: dict[str, dict[str, Item]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def published(self, type_name: str) -> list[Item]:
        return [i for i in self.items.get(type_name, {}).values() if not i.is_draft]


def parse_file(
    ctype: ContentType, path: Path, data: bytes, problems: list[Problem], tz: tzinfo
) -> Item | None:
    """A file's bytes as an item of ``ctype``; its own problems are appended to ``problems``."""
    try:
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as open()
    except UnicodeDecodeError:
        problems.append(
            Problem(display_path(path), None, "is geen UTF-8-tekst; sla het bestand op als UTF-8")
        )
        return None
    return parse_item(ctype, path, text, problems, tz)


def read_item(ctype: ContentType, path: Path, problems: list[Problem], tz: tzinfo) -> Item | None:
    """Read one file; append its own problems (not cross-references) to ``problems``."""
    return parse_file(ctype, path, Path(path).read_bytes(), problems, tz)


def parse_item(
    ctype: ContentType, path: Path, text: str, problems: list[Problem], tz: tzinfo
) -> Item | None:
    shown = display_path(path)
    try:
        raw, body = frontmatter.split(text)
    except frontmatter.FrontMatterError as exc:
        found = problem(ctype, shown, exc.field, str(exc))
        found.line = exc.line
        problems.append(found)
        return None

    meta: dict = {}
    known = {f.name for f in ctype.fields}
    for key in raw:
        if key not in known:
            problems.append(
                Problem(
                    shown,
                    key,
                    f"is geen veld van een {ctype.label_singular.lower()}; toegestaan: "
                    f"{', '.join(sorted(known))}.{suggest(key, known)}",
                )
            )
    for f in ctype.fields:
        value = raw.get(f.name)
        if value is None or value == "" or value == []:
            if f.required:
                problems.append(problem(ctype, shown, f.name, "ontbreekt; dit veld is verplicht"))
            continue
        try:
            converted = FIELD_TYPES[f.type].convert(f, value, tz)
        except Invalid as exc:
            problems.append(problem(ctype, shown, f.name, str(exc)))
            continue
        if f.type == "datetime":
            meta[f.name], meta[f"{f.name}_all_day"] = converted
        else:
            meta[f.name] = converted
        if f.month:
            meta[f"{f.name}_month_only"] = bool(MONTH_RE.match(str(value).strip()))
    slug = meta.get("slug") or Path(path).stem
    if not SLUG_RE.match(slug):
        problems.append(
            Problem(
                shown,
                None,
                f'de bestandsnaam "{Path(path).name}" kan geen webadres worden; hernoem het '
                "bestand naar kleine letters, cijfers en streepjes (bv. winter-event.md) of vul "
                "het veld Webadres (slug) in",
            )
        )
    _check_item_rules(ctype, shown, meta, problems)
    return Item(ctype, Path(path), slug, meta, body)


def _check_item_rules(ctype: ContentType, shown: str, meta: dict, problems: list[Problem]):
    if "image" in meta and not meta.get("image_alt"):
        problems.append(
            problem(
                ctype,
                shown,
                "image_alt",
                "ontbreekt; een afbeelding heeft een beschrijving nodig (alt-tekst)",
            )
        )
    if ctype.name == "event":
        start, end = meta.get("start"), meta.get("end")
        if start and end:
            too_early = (
                end.date() < start.date()
                if meta.get("start_all_day") or meta.get("end_all_day")
                else end.timestamp() < start.timestamp()  # instants: also across a double hour
            )
            if too_early:
                problems.append(
                    problem(
                        ctype,
                        shown,
                        "end",
                        "ligt vóór het begin; het einde moet na het begin liggen",
                    )
                )
        _check_registration(ctype, shown, meta, problems)


def _check_registration(ctype: ContentType, shown: str, meta: dict, problems: list[Problem]):
    """capacity and registration_closes belong to registration: site only."""
    on_site = meta.get("registration") == "site"
    for name in ("capacity", "registration_closes"):
        if name in meta and not on_site:
            problems.append(
                problem(
                    ctype,
                    shown,
                    name,
                    "werkt alleen met 'registration: site' (aanmelden op deze "
                    "website); zet registration: site, of haal dit veld weg",
                )
            )
    capacity = meta.get("capacity")
    if capacity is not None and capacity < 1:
        problems.append(
            problem(
                ctype,
                shown,
                "capacity",
                f'"{capacity}" is geen aantal plaatsen; schrijf een geheel '
                "getal vanaf 1, of laat het veld weg (geen grens)",
            )
        )
    closes, start = meta.get("registration_closes"), meta.get("start")
    if closes is not None and start is not None and closes > start:
        problems.append(
            problem(
                ctype,
                shown,
                "registration_closes",
                "ligt na het begin; aanmelden sluit uiterlijk "
                "bij het begin. Kies een eerdere datum, of laat het veld weg",
            )
        )

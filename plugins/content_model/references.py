"""Rules across files: an item's references (refs, events) name items that exist and will
be on the site, and no two items of a type share a slug."""

from __future__ import annotations

from datetime import datetime

from .fields import FIELD_TYPES, suggest
from .items import Collections, Item
from .problems import Problem, display_path, problem
from .schema import CONTENT_TYPES, ContentType


def unique_slugs(ctype: ContentType, items: list[Item], problems: list[Problem]) -> dict:
    """The items by slug; a second item with a slug already taken is a problem."""
    by_slug: dict[str, Item] = {}
    for item in items:
        if item.slug in by_slug:
            problems.append(
                problem(
                    ctype,
                    display_path(item.path),
                    "slug",
                    f"het webadres '{item.slug}' wordt al gebruikt door "
                    f"{display_path(by_slug[item.slug].path)}; geef een van beide een andere "
                    "bestandsnaam of een ander webadres",
                )
            )
            continue
        by_slug[item.slug] = item
    return by_slug


def check_references(cols: Collections, now: datetime | None) -> None:
    """Append to ``cols.problems`` every reference to an item that does not exist, or that
    is not on the site (a draft; with ``now``, scheduled after it) where it must be."""
    for items in cols.items.values():
        for item in items.values():
            for f in item.type.fields:
                if FIELD_TYPES[f.type].refers and f.name in item.meta:
                    _check_field(cols, item, f, now)


def _check_field(cols: Collections, item: Item, f, now: datetime | None) -> None:
    value = item.meta[f.name]
    if value == "upcoming":
        return
    targets = cols.items.get(f.collection, {})
    label = CONTENT_TYPES[f.collection].label_singular.lower()
    for slug in value:
        target = targets.get(slug)
        if target is None:
            message = f"verwijst naar {label} '{slug}', maar die bestaat niet."
            message += suggest(slug, targets) or (
                " Controleer de naam van het bestand in de map van "
                f"{CONTENT_TYPES[f.collection].label.lower()}."
            )
            cols.problems.append(problem(item.type, display_path(item.path), f.name, message))
        elif f.allow_drafts or item.is_draft:
            continue
        elif target.is_draft:
            cols.problems.append(
                problem(
                    item.type,
                    display_path(item.path),
                    f.name,
                    f"verwijst naar {label} '{slug}', maar dat is een concept "
                    f"(status: draft in {display_path(target.path)}); publiceer het "
                    "of haal het uit de lijst",
                )
            )
        elif now is not None and target.is_scheduled(now):
            moment = target.publish_at.date().isoformat()
            cols.problems.append(
                problem(
                    item.type,
                    display_path(item.path),
                    f.name,
                    f"verwijst naar {label} '{slug}', maar dat staat pas vanaf {moment} "
                    f"op de site ({target.type.field(target.type.publish_field).label} in "
                    f"{display_path(target.path)}); wacht tot dan of haal het uit de lijst",
                )
            )

"""Check content against the contract in schema.py and convert it to Python values.

``load_all`` reads every file of every content type, reports *all* problems at once (file,
field, what is wrong, how to mend it) and returns the converted items. It knows nothing of
Pelican, so the build, the web editor's tests and a command-line check share it.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from . import frontmatter
from .schema import CHOICE_ALIASES, CONTENT_TYPES, EVENTS_ALIASES, ContentType, Field

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{5,}$")
MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
# ja/nee as editors write them (YAML itself already reads true/false and yes/no)
BOOL_WORDS = {"ja": True, "nee": False}


class Invalid(ValueError):
    """A field's value breaks the contract; the message says what and how to mend it."""


@dataclass
class Problem:
    """One problem in one file. Shown with the field's label, as the web editor shows it, and
    its name in the file: ``veld "Einde" (end): ...``."""

    path: str
    field: str | None
    message: str
    line: int | None = None
    label: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.field and self.label:
            what = f'veld "{self.label}" ({self.field}): '
        elif self.field:
            what = f"veld '{self.field}': "
        else:
            what = ""
        return f"{where}: {what}{self.message}"


def problem(ctype: ContentType, path: str, name: str | None, message: str) -> Problem:
    """A problem with a field of ``ctype``, labelled as the web editor labels it."""
    f = ctype.field(name) if name else None
    return Problem(path, name, message, label=f.label if f else None)


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
    items: dict[str, dict[str, Item]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def published(self, type_name: str) -> list[Item]:
        return [i for i in self.items.get(type_name, {}).values() if not i.is_draft]


class ContentError(Exception):
    """Raised by the build when content breaks the contract; str() lists every problem."""

    exitcode = 1

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [str(p) for p in problems]
        n = len(problems)
        head = f"{n} fout{'en' if n != 1 else ''} in de inhoud; de site is niet bijgewerkt:"
        super().__init__("\n".join([head, *lines]))


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def preview_build() -> bool:
    """``SWK_PREVIEW=1``: a preview of an editor's change (the site workflow builds one per
    pull request): items scheduled for later are shown as they will look."""
    return os.environ.get("SWK_PREVIEW", "") not in ("", "0")


def build_now() -> datetime:
    """The moment the build takes as "now": SWK_NOW (ISO date or date-time) or the clock."""
    value = os.environ.get("SWK_NOW")
    if not value:
        return datetime.now(AMSTERDAM)
    try:
        return parse_datetime(value)[0]
    except Invalid as exc:
        raise ContentError([Problem("omgevingsvariabele SWK_NOW", None, str(exc))]) from None


# --- converters: value from YAML -> Python value, or Invalid ---------------------------------


def _suggest(value: str, allowed) -> str:
    close = difflib.get_close_matches(value, list(allowed), n=1)
    return f" Bedoel je '{close[0]}'?" if close else ""


def parse_datetime(value) -> tuple[datetime, bool]:
    """Return (aware datetime in Amsterdam time, is_all_day) for an ISO date or date-time."""
    if isinstance(value, datetime):  # pragma: no cover - our loader yields strings
        dt, all_day = value, False
    elif isinstance(value, date):  # pragma: no cover
        dt, all_day = datetime.combine(value, time()), True
    else:
        text = str(value).strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                dt, all_day = datetime.combine(date.fromisoformat(text), time()), True
            elif re.fullmatch(
                r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", text
            ):
                dt, all_day = datetime.fromisoformat(text.replace("Z", "+00:00")), False
            else:
                raise ValueError
        except ValueError:
            raise Invalid(
                f'"{text}" is geen datum; schrijf 2023-02-16 of 2023-02-16T15:00'
            ) from None
    if dt.tzinfo is None:
        # Without an offset: Amsterdam time. A time that occurs twice (the night the clocks
        # go back) is the first of the two; write an offset (+02:00 or +01:00) to choose.
        local = dt
        dt = dt.replace(tzinfo=AMSTERDAM)
        if dt.astimezone(UTC).astimezone(AMSTERDAM).replace(tzinfo=None) != local:
            raise Invalid(
                f'"{str(value).strip()}" bestaat niet in Amsterdamse tijd: die nacht gaat de klok van 2.00 '
                "naar 3.00 uur vooruit; kies een tijd vóór 2.00 of vanaf 3.00 uur"
            )
    else:
        dt = dt.astimezone(AMSTERDAM)  # the same instant; fold marks the second of a double hour
    return dt, all_day


def _string(f: Field, value):
    if isinstance(value, (dict, list)):
        raise Invalid("moet één tekst zijn, geen lijst")
    if isinstance(value, bool):
        raise Invalid(f'"{value}" is geen tekst; zet de tekst tussen aanhalingstekens')
    text = str(value).strip()
    if not text:
        raise Invalid("is leeg")
    return text


def _choice(f: Field, value):
    text = _string(f, value)
    alias = CHOICE_ALIASES.get(text.lower())
    if alias in f.choices:
        return alias
    if text not in f.choices:
        raise Invalid(
            f'"{text}" is geen geldige waarde; kies uit: {", ".join(f.choices)}.'
            + _suggest(text, f.choices)
        )
    return text


def _list(f: Field, value):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise Invalid("moet een lijst zijn, bijvoorbeeld [een, twee]")
    out = []
    for v in value:
        if isinstance(v, (dict, list)) or v is None:
            raise Invalid("moet een lijst van teksten zijn")
        text = str(v).strip()
        if text:
            out.append(text)
    return out


def _slug(f: Field, value):
    text = _string(f, value)
    if not SLUG_RE.match(text):
        raise Invalid(
            f'"{text}" kan geen webadres zijn; gebruik alleen kleine letters, cijfers en streepjes, '
            "bv. winter-event"
        )
    return text


def _url(f: Field, value):
    text = _string(f, value)
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Invalid(
            f'"{text}" is geen webadres; schrijf het volledig, bv. https://www.voorbeeld.nl'
        )
    return text


def _link(f: Field, value):
    text = _string(f, value)
    if text.startswith("mailto:"):
        if not EMAIL_RE.match(text[len("mailto:") :].split("?")[0]):
            raise Invalid(f'"{text}" is geen geldig mailto-adres; bv. mailto:naam@voorbeeld.nl')
        return text
    try:
        return _url(f, text)
    except Invalid:
        raise Invalid(
            f'"{text}" is geen webadres of mailto:; bv. https://www.voorbeeld.nl/aanmelden '
            "of mailto:naam@voorbeeld.nl"
        ) from None


def _registration(f: Field, value):
    if value == "site":
        return "site"
    try:
        return _link(f, value)
    except Invalid:
        raise Invalid(
            f'"{value}" is geen geldige aanmelding; schrijf site (het formulier op deze website), '
            "een webadres (https://www.voorbeeld.nl/aanmelden) of mailto:naam@voorbeeld.nl"
        ) from None


def _email(f: Field, value):
    text = _string(f, value)
    if not EMAIL_RE.match(text):
        raise Invalid(f'"{text}" is geen e-mailadres; bv. naam@voorbeeld.nl')
    return text


def _phone(f: Field, value):
    text = _string(f, value)
    if not PHONE_RE.match(text):
        raise Invalid(f'"{text}" is geen telefoonnummer; bv. 020 123 4567')
    return text


def _bool(f: Field, value):
    if isinstance(value, str) and value.strip().lower() in BOOL_WORDS:
        return BOOL_WORDS[value.strip().lower()]
    if not isinstance(value, bool):
        raise Invalid(f'"{value}" is geen ja of nee; schrijf ja of nee')
    return value


def _int(f: Field, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f'"{value}" is geen geheel getal; bv. 2019')
    return value


def _date(f: Field, value):
    if f.month and MONTH_RE.match(str(value).strip()):
        year, month = map(int, str(value).strip().split("-"))
        if not 1 <= month <= 12:
            raise Invalid(f'"{value}" is geen maand; schrijf bv. 2020-05 voor mei 2020')
        return datetime(year, month, 1, tzinfo=AMSTERDAM)
    try:
        return parse_datetime(value)[0]
    except Invalid:
        if f.month:
            raise Invalid(
                f'"{str(value).strip()}" is geen datum; schrijf 2020-05-14, of 2020-05 als alleen '
                "de maand bekend is"
            ) from None
        raise


def _events(f: Field, value):
    if (
        isinstance(value, str)
        and EVENTS_ALIASES.get(value.strip().lower(), value.strip()) == "upcoming"
    ):
        return "upcoming"
    return _list(f, value)


CONVERTERS = {
    "string": _string,
    "text": _string,
    "choice": _choice,
    "list": _list,
    "refs": _list,
    "slug": _slug,
    "url": _url,
    "link": _link,
    "registration": _registration,
    "email": _email,
    "phone": _phone,
    "bool": _bool,
    "int": _int,
    "image": _string,
    "date": _date,
    "datetime": lambda f, v: parse_datetime(v),
    "events": _events,
}


# --- reading ---------------------------------------------------------------------------------


# A build reads every file twice (the check when Pelican starts, the reader). Parsing YAML
# and converting values is the costly part, so the result is kept per (type, path, working
# folder) together with a hash of the exact text it came from: a file whose text changed in
# any way is parsed again. No timestamps, so never stale.
_CACHE: dict[tuple[str, str, str], tuple[bytes, Item | None, list[Problem]]] = {}
_CACHE_LIMIT = 50_000


def read_item(ctype: ContentType, path: Path, problems: list[Problem]) -> Item | None:
    """Read one file; append its own problems (not cross-references) to ``problems``."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(
            Problem(display_path(path), None, "is geen UTF-8-tekst; sla het bestand op als UTF-8")
        )
        return None
    key = (ctype.name, str(path), os.getcwd())
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == digest:
        problems.extend(cached[2])
        return cached[1]
    own: list[Problem] = []
    item = _parse_item(ctype, path, text, own)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = (digest, item, own)
    problems.extend(own)
    return item


def _parse_item(ctype: ContentType, path: Path, text: str, problems: list[Problem]) -> Item | None:
    shown = display_path(path)
    try:
        raw, body = frontmatter.split(text)
    except frontmatter.FrontMatterError as exc:
        problems.append(Problem(shown, None, str(exc), exc.line))
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
                    f"{', '.join(sorted(known))}.{_suggest(key, known)}",
                )
            )
    for f in ctype.fields:
        value = raw.get(f.name)
        if value is None or value == "" or value == []:
            if f.required:
                problems.append(problem(ctype, shown, f.name, "ontbreekt; dit veld is verplicht"))
            continue
        try:
            converted = CONVERTERS[f.type](f, value)
        except Invalid as exc:
            problems.append(problem(ctype, shown, f.name, str(exc)))
            continue
        if f.type == "datetime":
            meta[f.name], meta[f"{f.name}_all_day"] = converted
        else:
            meta[f.name] = converted
        if f.month:
            meta[f"{f.name}_month_only"] = bool(MONTH_RE.match(str(value).strip()))
    slug = meta.get("slug") or path.stem
    if not SLUG_RE.match(slug):
        problems.append(
            Problem(
                shown,
                None,
                f'de bestandsnaam "{path.name}" kan geen webadres worden; hernoem het bestand naar '
                "kleine letters, cijfers en streepjes (bv. winter-event.md) of vul het veld "
                "Webadres (slug) in",
            )
        )
    _check_item_rules(ctype, shown, meta, problems)
    return Item(ctype, path, slug, meta, body)


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


def _check_references(cols: Collections, now: datetime | None):
    for items in cols.items.values():
        for item in items.values():
            shown = display_path(item.path)
            for f in item.type.fields:
                if f.type not in ("refs", "events") or f.name not in item.meta:
                    continue
                value = item.meta[f.name]
                if value == "upcoming":
                    continue
                targets = cols.items.get(f.collection, {})
                label = CONTENT_TYPES[f.collection].label_singular.lower()
                for slug in value:
                    target = targets.get(slug)
                    if target is None:
                        problems = f"verwijst naar {label} '{slug}', maar die bestaat niet."
                        problems += _suggest(slug, targets) or (
                            f" Controleer de naam van het bestand in de map van {CONTENT_TYPES[f.collection].label.lower()}."
                        )
                        cols.problems.append(problem(item.type, shown, f.name, problems))
                    elif target.is_draft and not (f.allow_drafts or item.is_draft):
                        cols.problems.append(
                            problem(
                                item.type,
                                shown,
                                f.name,
                                f"verwijst naar {label} '{slug}', maar dat is een concept "
                                f"(status: draft in {display_path(target.path)}); publiceer het "
                                "of haal het uit de lijst",
                            )
                        )
                    elif (
                        now is not None
                        and target.is_scheduled(now)
                        and not (f.allow_drafts or item.is_draft)
                    ):
                        moment = target.publish_at.date().isoformat()
                        cols.problems.append(
                            problem(
                                item.type,
                                shown,
                                f.name,
                                f"verwijst naar {label} '{slug}', maar dat staat pas vanaf {moment} "
                                f"op de site ({target.type.field(target.type.publish_field).label} in "
                                f"{display_path(target.path)}); wacht tot dan of haal het uit de lijst",
                            )
                        )


def load_all(sources: dict[str, list[Path]], now: datetime | None = None) -> Collections:
    """Read every file of each content type; ``sources`` maps a type name to its files.

    With ``now`` (the build's moment), a reference that may not be to a draft may not be to
    an item scheduled after ``now`` either (it would be missing from the site)."""
    cols = Collections()
    for type_name, paths in sources.items():
        ctype = CONTENT_TYPES[type_name]
        items: dict[str, Item] = {}
        for path in sorted(paths):
            item = read_item(ctype, path, cols.problems)
            if item is None:
                continue
            if item.slug in items:
                cols.problems.append(
                    problem(
                        ctype,
                        display_path(path),
                        "slug",
                        f"het webadres '{item.slug}' wordt al gebruikt door "
                        f"{display_path(items[item.slug].path)}; geef een van beide een andere "
                        "bestandsnaam of een ander webadres",
                    )
                )
                continue
            items[item.slug] = item
        cols.items[type_name] = items
    _check_references(cols, now)
    return cols


def markdown_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.md") if p.is_file())

"""The field types of the content contract: one registry that every reader of a type uses.

A field type (``Field.type`` in schema.py) is, in one place:

- ``convert``: the value from YAML to a Python value, or ``Invalid`` with a Dutch message
  (the build's validation and the site service's forms);
- ``decap``: how the web editor (Decap CMS, plugins/web_editor) shows it: the widget and its
  options, and ``pattern``, the form check it runs in the browser;
- ``guide``: how the editors' guide (docs/redactie.md, plugins/web_editor/docs.py) names it.

The contract itself (which fields a content type has) stays in schema.py.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from urllib.parse import urlparse

from .clock import parse_datetime
from .problems import Invalid
from .schema import CHOICE_ALIASES, EVENTS_ALIASES, Field

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{5,}$")
MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
# ja/nee as editors write them (YAML itself already reads true/false and yes/no)
BOOL_WORDS = {"ja": True, "nee": False}

# The web editor's own widgets (plugins/web_editor/static/editor.js). The date widget stores
# "YYYY-MM-DD" (a day; all day for an event) or "YYYY-MM-DDTHH:MM" (local time), exactly
# what parse_datetime reads, and leaves a value written in Git as it is until it is changed.
DATE_WIDGET = "swk-date"
EVENTS_WIDGET = "swk-events"
# a list of other items: Decap's relation widget (the collection is the field's)
RELATION = {
    "search_fields": ["title"],
    "value_field": "{{slug}}",
    "display_fields": ["title"],
    "multiple": True,
}


def suggest(value: str, allowed) -> str:
    """ " Bedoel je 'x'?" for the closest allowed value, or nothing."""
    close = difflib.get_close_matches(value, list(allowed), n=1)
    return f" Bedoel je '{close[0]}'?" if close else ""


# --- converters: (field, value from YAML, the site's time zone) -> Python value, or Invalid ---


def _string(f: Field, value, tz=None):
    if isinstance(value, (dict, list)):
        raise Invalid("moet één tekst zijn, geen lijst")
    if isinstance(value, bool):
        raise Invalid(f'"{value}" is geen tekst; zet de tekst tussen aanhalingstekens')
    text = str(value).strip()
    if not text:
        raise Invalid("is leeg")
    return text


def _choice(f: Field, value, tz=None):
    text = _string(f, value)
    alias = CHOICE_ALIASES.get(text.lower())
    if alias in f.choices:
        return alias
    if text not in f.choices:
        raise Invalid(
            f'"{text}" is geen geldige waarde; kies uit: {", ".join(f.choices)}.'
            + suggest(text, f.choices)
        )
    return text


def _list(f: Field, value, tz=None):
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


def _slug(f: Field, value, tz=None):
    text = _string(f, value)
    if not SLUG_RE.match(text):
        raise Invalid(
            f'"{text}" kan geen webadres zijn; gebruik alleen kleine letters, cijfers en streepjes, '
            "bv. winter-event"
        )
    return text


def _url(f: Field, value, tz=None):
    text = _string(f, value)
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Invalid(
            f'"{text}" is geen webadres; schrijf het volledig, bv. https://www.voorbeeld.nl'
        )
    return text


def _link(f: Field, value, tz=None):
    text = _string(f, value)
    if text.startswith("mailto:"):
        if not EMAIL_RE.match(text[len("mailto:") :].split("?")[0]):
            raise Invalid(f'"{text}" is geen geldig mailto-adres; bv. mailto:naam@voorbeeld.nl')
        return text
    return _or_else(
        _url,
        f,
        text,
        f'"{text}" is geen webadres of mailto:; bv. https://www.voorbeeld.nl/aanmelden '
        "of mailto:naam@voorbeeld.nl",
    )


def _registration(f: Field, value, tz=None):
    if value == "site":
        return "site"
    return _or_else(
        _link,
        f,
        value,
        f'"{value}" is geen geldige aanmelding; schrijf site (het formulier op deze website), '
        "een webadres (https://www.voorbeeld.nl/aanmelden) of mailto:naam@voorbeeld.nl",
    )


def _or_else(convert, f: Field, value, message: str):
    """``convert(f, value)``, failing with ``message`` instead of its own."""
    try:
        return convert(f, value)
    except Invalid:
        raise Invalid(message) from None


def _email(f: Field, value, tz=None):
    text = _string(f, value)
    if not EMAIL_RE.match(text):
        raise Invalid(f'"{text}" is geen e-mailadres; bv. naam@voorbeeld.nl')
    return text


def _phone(f: Field, value, tz=None):
    text = _string(f, value)
    if not PHONE_RE.match(text):
        raise Invalid(f'"{text}" is geen telefoonnummer; bv. 020 123 4567')
    return text


def _bool(f: Field, value, tz=None):
    if isinstance(value, str) and value.strip().lower() in BOOL_WORDS:
        return BOOL_WORDS[value.strip().lower()]
    if not isinstance(value, bool):
        raise Invalid(f'"{value}" is geen ja of nee; schrijf ja of nee')
    return value


def _int(f: Field, value, tz=None):
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f'"{value}" is geen geheel getal; bv. 2019')
    return value


def _date(f: Field, value, tz: tzinfo):
    if f.month and MONTH_RE.match(str(value).strip()):
        year, month = map(int, str(value).strip().split("-"))
        if not 1 <= month <= 12:
            raise Invalid(f'"{value}" is geen maand; schrijf bv. 2020-05 voor mei 2020')
        return datetime(year, month, 1, tzinfo=tz)
    try:
        return parse_datetime(value, tz)[0]
    except Invalid:
        if f.month:
            raise Invalid(
                f'"{str(value).strip()}" is geen datum; schrijf 2020-05-14, of 2020-05 als alleen '
                "de maand bekend is"
            ) from None
        raise


def _datetime(f: Field, value, tz: tzinfo):
    return parse_datetime(value, tz)


def _events(f: Field, value, tz=None):
    if (
        isinstance(value, str)
        and EVENTS_ALIASES.get(value.strip().lower(), value.strip()) == "upcoming"
    ):
        return "upcoming"
    return _list(f, value)


# --- the registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldType:
    convert: Callable  # (Field, value, tz) -> value, or raises Invalid
    guide: str  # Dutch, for the editors' guide; {target}: the collection referred to
    decap: dict = field(default_factory=dict)  # Decap widget and options
    # (JavaScript regular expression, Dutch message): the web editor checks the form
    pattern: tuple[str, str] | None = None
    # the value is a list of slugs of the field's collection (checked across files)
    refers: bool = False


_STRING = {"widget": "string"}

FIELD_TYPES: dict[str, FieldType] = {
    "string": FieldType(_string, "tekst", _STRING),
    "text": FieldType(_string, "tekst (meerdere regels)", {"widget": "text"}),
    "date": FieldType(_date, "datum (2023-02-16)", {"widget": DATE_WIDGET, "time": False}),
    "datetime": FieldType(
        _datetime,
        "datum, of datum en tijd (2023-02-16T15:00)",
        {"widget": DATE_WIDGET, "time": True},
    ),
    "choice": FieldType(_choice, "keuze", {"widget": "select"}),
    "list": FieldType(_list, "lijst", {"widget": "list"}),
    "refs": FieldType(_list, "lijst van {target}", {"widget": "relation", **RELATION}, refers=True),
    # a newsletter's events: "upcoming", chosen ones (a relation) or none (editor.js)
    "events": FieldType(
        _events,
        "'upcoming' of een lijst van evenementen",
        {"widget": EVENTS_WIDGET, **RELATION},
        refers=True,
    ),
    "url": FieldType(
        _url,
        "webadres (https://...)",
        _STRING,
        (r"^https?://[^\s/]+\S*$", "Een volledig webadres, beginnend met https://"),
    ),
    "link": FieldType(
        _link,
        "webadres of mailto:",
        _STRING,
        (
            r"^(https?://[^\s/]+\S*|mailto:[^@\s]+@[^@\s]+\.[^@\s]+)$",
            "Een webadres (https://...) of een e-mailadres als mailto:naam@voorbeeld.nl",
        ),
    ),
    "registration": FieldType(
        _registration,
        "`site`, webadres of mailto:",
        _STRING,
        (
            r"^(site|https?://[^\s/]+\S*|mailto:[^@\s]+@[^@\s]+\.[^@\s]+)$",
            "site (het formulier op deze website), een webadres (https://...) of "
            "mailto:naam@voorbeeld.nl",
        ),
    ),
    "email": FieldType(
        _email,
        "e-mailadres",
        _STRING,
        (EMAIL_RE.pattern, "Een e-mailadres, bv. naam@voorbeeld.nl"),
    ),
    "phone": FieldType(
        _phone,
        "telefoonnummer",
        _STRING,
        (PHONE_RE.pattern, "Een telefoonnummer, bv. 020 123 4567"),
    ),
    "bool": FieldType(_bool, "ja/nee", {"widget": "boolean"}),
    "int": FieldType(_int, "getal", {"widget": "number", "value_type": "int"}),
    "image": FieldType(_string, "afbeelding", {"widget": "image"}),
    "slug": FieldType(
        _slug,
        "slug (kleine letters, cijfers, streepjes)",
        _STRING,
        (SLUG_RE.pattern, "Alleen kleine letters, cijfers en streepjes, bv. winter-event"),
    ),
}


def convert(f: Field, value, tz: tzinfo):
    """``value`` from YAML as field ``f`` holds it, or Invalid saying what is wrong."""
    return FIELD_TYPES[f.type].convert(f, value, tz)

"""Decap CMS configuration (``admin/config.yml``), generated from the content contract.

Everything here is derived from ``content_model.schema.CONTENT_TYPES`` and the Pelican
settings, so the web editor asks for exactly the fields the build's validation accepts:
required fields are required, vocabularies are select widgets, references are relation
widgets on the right collection, dates are stored the way the validator reads them
(Amsterdam time, no UTC conversion).
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from content_model.generator import source_folders
from content_model.schema import CONTENT_TYPES, ContentType, Field
from content_model.validate import EMAIL_RE, PHONE_RE, SLUG_RE

# content type -> Decap collection name (also the name relation widgets refer to)
COLLECTION_NAMES = {
    "article": "articles",
    "partner": "partners",
    "event": "events",
    "newsletter": "newsletters",
    "page": "pages",
}

# How Decap stores dates: exactly what content_model.validate.parse_datetime reads.
DATE_FORMAT = "YYYY-MM-DD"
DATETIME_FORMAT = "YYYY-MM-DDTHH:mm"

# File names (slugs). {{slug}} is the title, lower-cased and made ASCII by Decap.
SLUG_TEMPLATES = {
    "event": "{{fields.start | date('YYYY-MM-DD')}}-{{slug}}",
    "newsletter": "{{fields.date | date('YYYY-MM')}}-{{slug}}",
}
DEFAULT_SLUG_TEMPLATE = "{{slug}}"

# Patterns (JavaScript regular expressions) for fields the validator checks by form.
PATTERNS = {
    "slug": (SLUG_RE.pattern, "Alleen kleine letters, cijfers en streepjes, bv. winter-event"),
    "url": (r"^https?://[^\s/]+\S*$", "Een volledig webadres, beginnend met https://"),
    "link": (
        r"^(https?://[^\s/]+\S*|mailto:[^@\s]+@[^@\s]+\.[^@\s]+)$",
        "Een webadres (https://...) of een e-mailadres als mailto:naam@voorbeeld.nl",
    ),
    "registration": (
        r"^(site|https?://[^\s/]+\S*|mailto:[^@\s]+@[^@\s]+\.[^@\s]+)$",
        "site (het formulier op deze website), een webadres (https://...) of mailto:naam@voorbeeld.nl",
    ),
    "email": (EMAIL_RE.pattern, "Een e-mailadres, bv. naam@voorbeeld.nl"),
    "phone": (PHONE_RE.pattern, "Een telefoonnummer, bv. 020 123 4567"),
}

# Default values for new entries, per (content type, field).
DEFAULTS = {
    ("newsletter", "status"): "draft",
    ("newsletter", "events"): "upcoming",
}

SUMMARIES = {
    "article": "{{date}} · {{title}}",
    "event": "{{start}} · {{title}}",
    "newsletter": "{{date}} · {{title}}",
}
SORTABLE = {
    "article": ["date", "title"],
    "partner": ["title"],
    "event": ["start", "title"],
    "newsletter": ["date", "title"],
    "page": ["title"],
}


def repo_root(settings) -> Path:
    """The repository folder: Decap's paths are relative to it."""
    if settings.get("WEB_EDITOR_REPO_ROOT"):
        return Path(settings["WEB_EDITOR_REPO_ROOT"])
    folders = [settings["PATH"], settings.get("NEWSLETTER_PATH") or settings["PATH"]]
    return Path(os.path.commonpath([str(Path(f).resolve()) for f in folders]))


def _rel(settings, folder) -> str:
    return Path(os.path.relpath(Path(folder).resolve(), repo_root(settings))).as_posix()


def content_folder(settings, type_name: str) -> str:
    """The folder (relative to the repository) where new items of a type are written."""
    return _rel(settings, source_folders(settings, type_name)[0])


def field_widget(ctype: ContentType, f: Field) -> dict:
    """The Decap field for one schema field."""
    out: dict = {"name": f.name, "label": f.label}
    if f.type in ("string", "url", "link", "registration", "email", "phone", "slug"):
        out["widget"] = "string"
        if f.type in PATTERNS:
            out["pattern"] = list(PATTERNS[f.type])
    elif f.type == "text":
        out["widget"] = "text"
    elif f.type == "choice":
        out["widget"] = "select"
        out["options"] = list(f.choices)
    elif f.type == "list":
        out["widget"] = "list"
    elif f.type in ("refs", "events"):
        out.update(
            widget="relation",
            collection=COLLECTION_NAMES[f.collection],
            search_fields=["title"],
            value_field="{{slug}}",
            display_fields=["title"],
            multiple=True,
        )
    elif f.type == "date":
        out.update(widget="datetime", format=DATE_FORMAT, time_format=False, picker_utc=False)
    elif f.type == "datetime":
        out.update(widget="datetime", format=DATETIME_FORMAT, picker_utc=False)
    elif f.type == "bool":
        out["widget"] = "boolean"
    elif f.type == "int":
        out.update(widget="number", value_type="int")
    elif f.type == "image":
        out["widget"] = "image"
    else:  # pragma: no cover - a new type in the schema must be mapped here
        raise ValueError(f"web_editor: no Decap widget for field type {f.type!r} ({ctype.name}.{f.name})")
    out["required"] = f.required
    if (ctype.name, f.name) in DEFAULTS:
        out["default"] = DEFAULTS[(ctype.name, f.name)]
    hint = f.editor_hint or f.hint
    if hint:
        out["hint"] = hint
    return out


def body_widget(ctype: ContentType) -> dict:
    # The contract never requires a body; Decap would otherwise refuse an empty one.
    return {"name": "body", "label": ctype.body_label, "widget": "markdown", "required": False}


def collection(settings, ctype: ContentType) -> dict:
    fields = [field_widget(ctype, f) for f in ctype.fields]
    # the body after the content fields, before the technical ones (slug, status)
    at = next((i for i, f in enumerate(ctype.fields) if f.type == "slug"), len(fields))
    fields.insert(at, body_widget(ctype))
    out = {
        "name": COLLECTION_NAMES[ctype.name],
        "label": ctype.label,
        "label_singular": ctype.label_singular,
        "folder": content_folder(settings, ctype.name),
        "create": True,
        "extension": "md",
        "format": "yaml-frontmatter",
        "identifier_field": "title",
        "slug": SLUG_TEMPLATES.get(ctype.name, DEFAULT_SLUG_TEMPLATE),
        "sortable_fields": SORTABLE[ctype.name],
        "fields": fields,
    }
    if ctype.name in SUMMARIES:
        out["summary"] = SUMMARIES[ctype.name]
    return out


def decap_config(settings) -> dict:
    """The whole Decap configuration as a dict (what ``config.yml`` holds)."""
    local = settings.get("DECAP_LOCAL_BACKEND", True)
    if isinstance(local, str):
        local = {"url": local}
    static = settings.get("STATIC_PATHS") or ["images"]
    media = "images" if "images" in static else static[0]
    config = {
        "locale": "nl",
        "backend": {
            "name": "github",
            "repo": settings.get("DECAP_REPO") or "OWNER/REPO",
            "branch": settings.get("DECAP_BRANCH") or "main",
            "squash_merges": True,
        },
        "publish_mode": "editorial_workflow",
        "local_backend": local,
        "media_folder": _rel(settings, Path(settings["PATH"]) / media),
        "public_folder": f"/{media}",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [collection(settings, t) for t in CONTENT_TYPES.values()],
    }
    if settings.get("DECAP_AUTH_URL"):  # the OAuth client GitHub login goes through
        config["backend"]["base_url"] = settings["DECAP_AUTH_URL"]
    if settings.get("SITEURL"):
        config["site_url"] = settings["SITEURL"]
        config["display_url"] = settings["SITEURL"]
    return config


def config_yaml(settings) -> str:
    head = (
        "# Generated by plugins/web_editor from plugins/content_model/schema.py on every build.\n"
        "# Do not edit: change the schema (or the plugin) instead.\n"
    )
    return head + yaml.safe_dump(
        decap_config(settings), sort_keys=False, allow_unicode=True, width=100
    )

"""Decap CMS configuration (``admin/config.yml``), generated from the content contract.

Everything here is derived from ``content_model.schema.CONTENT_TYPES``, the field types'
registry (``content_model.fields.FIELD_TYPES``: each type's widget, options and form check)
and the Pelican settings, so the web editor asks for exactly the fields the build's
validation accepts: required fields are required, vocabularies are select widgets,
references are relation widgets on the right collection, dates are stored the way the
validator reads them (the site's time zone, no UTC conversion).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from content_model.fields import FIELD_TYPES
from content_model.generator import source_folders
from content_model.images import media_folder
from content_model.schema import CONTENT_TYPES, ContentType, Field
from content_model.settings import site_url

# content type -> Decap collection name (also the name relation widgets refer to)
COLLECTION_NAMES = {
    "article": "articles",
    "partner": "partners",
    "event": "events",
    "newsletter": "newsletters",
    "page": "pages",
}

# Extra options per (content type, field): the widget refuses an end before the start, as the
# build does.
FIELD_OPTIONS = {("event", "end"): {"not_before": "start"}}

# The page of an item on the site: Pelican's *_URL setting, as Decap's preview_path.
URL_SETTINGS = {
    "article": "ARTICLE_URL",
    "partner": "PARTNER_URL",
    "event": "EVENT_URL",
    "newsletter": "NEWSLETTER_URL",
    "page": "PAGE_URL",
}
# Where the site service answers Decap's GitHub login (service/github_auth.py).
AUTH_ENDPOINT = "auth/github"
# The commit status the site workflow sets on an entry's pull request, linking to the built
# preview (service/previews.py); Decap shows it as "Bekijk voorvertoning".
PREVIEW_CONTEXT = "deploy/voorbeeld"

# File names (slugs). {{slug}} is the title, lower-cased and made ASCII by Decap.
SLUG_TEMPLATES = {
    "event": "{{fields.start | date('YYYY-MM-DD')}}-{{slug}}",
    "newsletter": "{{fields.date | date('YYYY-MM')}}-{{slug}}",
}
DEFAULT_SLUG_TEMPLATE = "{{slug}}"

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
    folders = [settings["PATH"], settings["NEWSLETTER_PATH"]]
    return Path(os.path.commonpath([str(Path(f).resolve()) for f in folders]))


def _rel(settings, folder) -> str:
    return Path(os.path.relpath(Path(folder).resolve(), repo_root(settings))).as_posix()


def content_folder(settings, type_name: str) -> str:
    """The folder (relative to the repository) where new items of a type are written."""
    return _rel(settings, source_folders(settings, type_name)[0])


def field_widget(ctype: ContentType, f: Field) -> dict:
    """The Decap field for one schema field: its type's widget and options (the registry in
    content_model.fields), the choices or collection of this field, and its hint."""
    kind = FIELD_TYPES[f.type]
    out: dict = {"name": f.name, "label": f.label, "widget": kind.decap["widget"]}
    if kind.pattern:
        out["pattern"] = list(kind.pattern)
    if f.choices:
        out["options"] = list(f.choices)
    if f.collection:
        out["collection"] = COLLECTION_NAMES[f.collection]
    out.update(copy.deepcopy(kind.decap))  # its own lists: YAML would write anchors
    out["required"] = f.required
    out.update(FIELD_OPTIONS.get((ctype.name, f.name), {}))
    if (ctype.name, f.name) in DEFAULTS:
        out["default"] = DEFAULTS[(ctype.name, f.name)]
    hint = f.editor_hint or f.hint
    if hint:
        out["hint"] = hint
    return out


def body_widget(ctype: ContentType) -> dict:
    # The contract never requires a body; Decap would otherwise refuse an empty one.
    return {"name": "body", "label": ctype.body_label, "widget": "markdown", "required": False}


def preview_path(settings, ctype: ContentType) -> str:
    """Where an item's page is, relative to ``site_url``: "agenda/{{slug}}/" for events."""
    return settings[URL_SETTINGS[ctype.name]].replace("{slug}", "{{slug}}")


def login_backend(settings) -> dict:
    """Decap's GitHub login through the site service at ``SERVICE_URL``.

    Decap opens ``{base_url}/{auth_endpoint}`` and accepts the login window's messages only
    when their origin equals ``base_url``: so ``base_url`` is the service's origin and a path
    in ``SERVICE_URL`` goes into ``auth_endpoint``."""
    url = settings.get("SERVICE_URL") or ""
    if not url:
        return {}
    parts = urlsplit(url)
    path = parts.path.strip("/")
    return {
        "base_url": f"{parts.scheme}://{parts.netloc}",
        "auth_endpoint": f"{path}/{AUTH_ENDPOINT}" if path else AUTH_ENDPOINT,
    }


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
        "preview_path": preview_path(settings, ctype),
        "fields": fields,
    }
    if ctype.name in SUMMARIES:
        out["summary"] = SUMMARIES[ctype.name]
    return out


def decap_config(settings) -> dict:
    """The whole Decap configuration as a dict (what ``config.yml`` holds).

    ``local_backend`` only when ``DECAP_LOCAL_BACKEND`` is set (``make edit``; never in a
    publishing build), ``backend.base_url`` when ``SERVICE_URL`` is."""
    local = settings["DECAP_LOCAL_BACKEND"]
    if isinstance(local, str):
        local = {"url": local}
    media, public = media_folder(settings)  # the same folder the content check looks in
    config = {
        "locale": "nl",
        "backend": {
            "name": "github",
            "repo": settings["DECAP_REPO"],
            "branch": settings["DECAP_BRANCH"],
            "squash_merges": True,
            "preview_context": PREVIEW_CONTEXT,
        },
        "publish_mode": "editorial_workflow",
        "media_folder": _rel(settings, media),
        "public_folder": public,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [collection(settings, t) for t in CONTENT_TYPES.values()],
    }
    config["backend"].update(login_backend(settings))
    if local:
        config["local_backend"] = local
    # "Bekijk Live" and the link after saving go to the item's page (preview_path) here.
    config["site_url"] = config["display_url"] = site_url(settings)
    return config


def config_yaml(settings) -> str:
    head = (
        "# Generated by plugins/web_editor from plugins/content_model/schema.py on every build.\n"
        "# Do not edit: change the schema (or the plugin) instead.\n"
    )
    return head + yaml.safe_dump(
        decap_config(settings), sort_keys=False, allow_unicode=True, width=100
    )

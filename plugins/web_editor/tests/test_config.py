"""The generated Decap configuration and the build's validation must agree."""

from __future__ import annotations

import re

import pytest
import yaml

from content_model import sources
from content_model.clock import site_zone
from content_model.fields import convert
from content_model.loading import load_all
from content_model.problems import Invalid
from content_model.schema import CONTENT_TYPES
from swk.build import load_settings
from tests.support import testing
from web_editor.decap_config import COLLECTION_NAMES, decap_config

SETTINGS = load_settings(str(testing.ROOT / "pelicanconf.py"))
CONFIG = decap_config(SETTINGS)
COLLECTIONS = {c["name"]: c for c in CONFIG["collections"]}
WIDGETS = {
    "string": "string",
    "text": "text",
    "choice": "select",
    "list": "list",
    "refs": "relation",
    "events": "swk-events",
    "url": "string",
    "link": "string",
    "registration": "string",
    "email": "string",
    "phone": "string",
    "slug": "string",
    "bool": "boolean",
    "int": "number",
    "image": "image",
    "date": "swk-date",
    "datetime": "swk-date",
}
TYPES = list(CONTENT_TYPES.values())


def decap_fields(ctype):
    return {f["name"]: f for f in COLLECTIONS[COLLECTION_NAMES[ctype.name]]["fields"]}


def test_top_level_settings():
    assert CONFIG["locale"] == "nl"
    assert CONFIG["publish_mode"] == "editorial_workflow"
    assert (
        CONFIG["backend"]
        == {
            "name": "github",
            "repo": SETTINGS["DECAP_REPO"],
            "branch": "main",
            "squash_merges": True,
            "preview_context": "deploy/voorbeeld",  # the site workflow's status on an entry's pull request
        }
    )
    assert CONFIG["local_backend"] is True
    assert (CONFIG["media_folder"], CONFIG["public_folder"]) == ("content/images", "/images")
    assert set(COLLECTIONS) == {"articles", "partners", "events", "newsletters", "pages"}


def test_local_backend_url_setting():
    config = decap_config({**SETTINGS, "DECAP_LOCAL_BACKEND": "http://127.0.0.1:9/api/v1"})
    assert config["local_backend"] == {"url": "http://127.0.0.1:9/api/v1"}


def test_publish_build_logs_in_through_the_service_and_has_no_local_backend():
    publish = load_settings(str(testing.ROOT / "publishconf.py"))
    assert publish["DECAP_LOCAL_BACKEND"] is False
    config = decap_config({**publish, "SERVICE_URL": "https://dienst.example.org"})
    assert "local_backend" not in config
    assert config["backend"]["base_url"] == "https://dienst.example.org"
    assert config["backend"]["auth_endpoint"] == "auth/github"
    # Decap accepts the login window's messages only from base_url: an origin, never a path
    under_path = decap_config({**publish, "SERVICE_URL": "https://www.example.org/dienst/"})
    assert under_path["backend"]["base_url"] == "https://www.example.org"
    assert under_path["backend"]["auth_endpoint"] == "dienst/auth/github"


@pytest.mark.parametrize("ctype", TYPES, ids=lambda t: t.name)
def test_after_saving_decap_links_to_the_items_page(ctype):
    """preview_path + site_url: where the build writes the item (its *_URL setting)."""
    coll = COLLECTIONS[COLLECTION_NAMES[ctype.name]]
    url_setting = {
        "article": "ARTICLE_URL",
        "partner": "PARTNER_URL",
        "event": "EVENT_URL",
        "newsletter": "NEWSLETTER_URL",
        "page": "PAGE_URL",
    }[ctype.name]
    assert coll["preview_path"].replace("{{slug}}", "winter") == SETTINGS[url_setting].format(
        slug="winter"
    )
    assert CONFIG["site_url"] == "http://localhost:8000"  # `make serve`; SITEURL when publishing


@pytest.mark.parametrize("ctype", TYPES, ids=lambda t: t.name)
def test_collection_folder_is_where_the_build_reads(ctype):
    folder = testing.ROOT / COLLECTIONS[COLLECTION_NAMES[ctype.name]]["folder"]
    read = sources(SETTINGS)[ctype.name]
    assert read, f"no {ctype.name} content to compare with"
    assert all(p.parent == folder for p in read)


@pytest.mark.parametrize("ctype", TYPES, ids=lambda t: t.name)
def test_every_schema_field_in_the_editor_and_nothing_else(ctype):
    fields = decap_fields(ctype)
    assert set(fields) == {f.name for f in ctype.fields} | {"body"}
    assert fields["body"]["widget"] == "markdown" and fields["body"]["required"] is False
    for f in ctype.fields:
        d = fields[f.name]
        assert d["widget"] == WIDGETS[f.type], f.name
        assert d["required"] is f.required, f.name
        assert d["label"] == f.label
        if f.type == "choice":
            assert d["options"] == list(f.choices), f.name
        if f.type in ("refs", "events"):
            assert d["collection"] == COLLECTION_NAMES[f.collection]
            assert d["value_field"] == "{{slug}}" and d["multiple"] is True
        if f.type in ("date", "datetime"):  # a time only where the contract means one
            assert d["time"] is (f.type == "datetime"), f.name
        if f.type == "int":
            assert d["value_type"] == "int"
        if "default" in d:  # a default must itself be valid
            convert(f, d["default"], site_zone())


# Strings an editor might type into a field with a pattern: the editor's pattern and the
# validator must say yes or no together.
CANDIDATES = [
    "winter-event",
    "Winter Event",
    "2023-02-16-winter-event",
    "-x",
    "a--b",
    "ä",
    "https://www.voorbeeld.nl",
    "http://voorbeeld.nl/a?b=c",
    "www.voorbeeld.nl",
    "https://",
    "mailto:naam@voorbeeld.nl",
    "mailto:naam",
    "site",
    "Site",
    "site:x",
    "naam@voorbeeld.nl",
    "naam@voorbeeld",
    "020 123 4567",
    "+31 20 123 4567",
    "(020) 1234567",
    "12",
    "bel ons",
]


@pytest.mark.parametrize("ctype", TYPES, ids=lambda t: t.name)
def test_patterns_agree_with_the_validator(ctype):
    for f in ctype.fields:
        d = decap_fields(ctype)[f.name]
        if "pattern" not in d:
            assert f.type not in ("url", "link", "registration", "email", "phone", "slug"), f.name
            continue
        pattern = re.compile(d["pattern"][0])
        for value in CANDIDATES:
            try:
                convert(f, value, site_zone())
                valid = True
            except Invalid:
                valid = False
            assert bool(pattern.search(value)) == valid, (f.name, value)


def decap_value(d):
    """A value as Decap stores it for a filled-in field."""
    widget = d["widget"]
    if widget == "swk-date":  # what editor.js writes: a day, or a day and a time
        return "2026-12-20T14:30" if d["time"] else "2026-12-20"
    if widget == "select":
        return d["options"][0]
    if widget in ("relation", "swk-events"):  # swk-events: also "upcoming" (another test)
        return {"partners": ["vegan-masters"], "events": ["winter"], "articles": ["a"]}[
            d["collection"]
        ]
    if widget == "boolean":
        return True
    if widget == "number":
        return 2019
    if widget == "list":
        return ["een", "twee"]
    if widget == "image":
        return "/images/foto.jpg"
    if "pattern" in d:
        return {
            "slug": "mijn-slug",
            "website": "https://www.voorbeeld.nl",
            "registration": "site",
            "email": "naam@voorbeeld.nl",
            "phone": "020 123 4567",
        }[d["name"]]
    return "Tekst"


def write_entry(folder, slug, fields, only_required):
    """Write an entry the way Decap does: YAML front matter (empty fields left out), body."""
    meta = {
        d["name"]: decap_value(d)
        for d in fields
        if d["widget"] != "markdown" and (d["required"] or not only_required)
    }
    meta.pop("slug", None)  # the file name is the slug
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"
    testing.write(folder / f"{slug}.md", text + "Tekst van de body.\n")


@pytest.mark.parametrize("only_required", [True, False], ids=["required", "all"])
def test_entries_written_like_decap_validate(tmp_path, only_required):
    folders = {}
    for c in CONFIG["collections"]:
        folders[c["name"]] = tmp_path / c["folder"]
        slug = {"partners": "vegan-masters", "events": "winter", "articles": "a"}.get(
            c["name"], "p"
        )
        write_entry(folders[c["name"]], slug, c["fields"], only_required)
    if not only_required:
        # a datetime stored unquoted and without seconds is a string to PyYAML's timestamp rules
        assert "start: 2026-12-20T14:30\n" in (folders["events"] / "winter.md").read_text()
    cols = load_all({t.name: list(folders[COLLECTION_NAMES[t.name]].glob("*.md")) for t in TYPES})
    assert [str(p) for p in cols.problems] == []
    assert cols.items["event"]["winter"].meta.get("start_all_day") in (None, False)

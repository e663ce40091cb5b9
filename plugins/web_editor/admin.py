"""Write the web editor into the built site: ``admin/index.html``, ``admin/config.yml``,
Decap CMS itself, copied from ``node_modules/decap-cms/dist`` (installed by ``npm ci``), and
our own ``editor.js`` (the date widget, the preview templates, the login notices)."""

from __future__ import annotations

import logging
import re
import shutil
from datetime import date
from pathlib import Path

from babel.dates import format_date
from pelican.generators import Generator

from content_model.consent import service_url
from content_model.schema import DISTRICT_LABELS, EVENT_KIND_LABELS, PARTNER_KIND_LABELS
from dutch_dates import LOCALE
from partners.directory import CONTACT_LABELS, new_facets

from .decap_config import COLLECTION_NAMES, config_yaml

log = logging.getLogger(__name__)

# decap-cms.js loads its chunks ("1077.decap-cms.js", ...) from its own folder; two of them
# load WebAssembly (image encoding). Source maps are left out.
ASSET_RE = re.compile(r"^(decap-cms\.js|[0-9]+\.decap-cms\.js|[0-9a-f]+\.wasm)$")
EDITOR_JS = Path(__file__).resolve().parent / "editor.js"


class DecapMissing(Exception):
    exitcode = 1


def decap_assets(dist: Path) -> list[Path]:
    if not (dist / "decap-cms.js").is_file():
        raise DecapMissing(
            f"de webeditor (Decap CMS) ontbreekt: {dist / 'decap-cms.js'} bestaat niet; "
            "voer 'make build' uit (dat installeert de npm-pakketten met 'npm ci')"
        )
    return sorted(p for p in dist.iterdir() if ASSET_RE.match(p.name))


def editor_data(settings) -> dict:
    """What editor.js needs from the build (``window.SWK_EDITOR_DATA``): the Dutch names of
    months and weekdays from Babel (so the preview's date lines are worded as the site's),
    the labels the theme shows, and how editors log in."""
    if settings["DECAP_LOCAL_BACKEND"]:
        login = "local"
    elif settings.get("SERVICE_URL"):
        login = "service"
    else:
        login = "none"
    return {
        # 1 January 2023 was a Sunday: JavaScript's getDay() counts from Sunday
        "days": [format_date(date(2023, 1, 1 + i), "EEEE", locale=LOCALE) for i in range(7)],
        "months": [format_date(date(2023, m, 1), "MMMM", locale=LOCALE) for m in range(1, 13)],
        "collections": COLLECTION_NAMES,
        "event_kinds": EVENT_KIND_LABELS,
        "partner_kinds": PARTNER_KIND_LABELS,
        "districts": DISTRICT_LABELS,
        "facets": {f.key: f.label for f in new_facets()},
        "contact": CONTACT_LABELS,
        "login": login,
        "service_url": service_url(settings),
    }


class AdminGenerator(Generator):
    """Writes ``WEB_EDITOR_PATH`` (default ``admin``) into the output."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        folder = Path(self.output_path) / self.settings["WEB_EDITOR_PATH"]
        dist = Path(self.settings["DECAP_DIST"])
        try:
            assets = decap_assets(dist)
        except DecapMissing as exc:
            if self.settings["WEB_EDITOR_REQUIRED"]:
                raise
            log.warning("%s; /%s/ wordt overgeslagen", exc, folder.name)
            return
        folder.mkdir(parents=True, exist_ok=True)
        for asset in assets:
            shutil.copyfile(asset, folder / asset.name)
        shutil.copyfile(EDITOR_JS, folder / "editor.js")
        (folder / "config.yml").write_text(config_yaml(self.settings), encoding="utf-8")
        data = editor_data(self.settings)
        if data["login"] == "none":
            log.warning(
                "SERVICE_URL (omgevingsvariabele SWK_SERVICE_URL) ontbreekt: op deze site kan "
                "niemand inloggen in de webeditor; zet het adres van de sitedienst"
            )
        html = self.get_template("admin").render(
            {**self.context, "WEB_EDITOR_PATH": folder.name, "editor_data": data}
        )
        (folder / "index.html").write_text(html, encoding="utf-8")

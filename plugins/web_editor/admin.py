"""Write the web editor into the built site: ``admin/index.html``, ``admin/config.yml`` and
Decap CMS itself, copied from ``node_modules/decap-cms/dist`` (installed by ``npm ci``)."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

from pelican.generators import Generator

from .decap_config import config_yaml

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DIST = ROOT / "node_modules" / "decap-cms" / "dist"
# decap-cms.js loads its chunks ("1077.decap-cms.js", ...) from its own folder; two of them
# load WebAssembly (image encoding). Source maps are left out.
ASSET_RE = re.compile(r"^(decap-cms\.js|[0-9]+\.decap-cms\.js|[0-9a-f]+\.wasm)$")


class DecapMissing(Exception):
    exitcode = 1


def decap_assets(dist: Path) -> list[Path]:
    if not (dist / "decap-cms.js").is_file():
        raise DecapMissing(
            f"de webeditor (Decap CMS) ontbreekt: {dist / 'decap-cms.js'} bestaat niet; "
            "voer 'make build' uit (dat installeert de npm-pakketten met 'npm ci')"
        )
    return sorted(p for p in dist.iterdir() if ASSET_RE.match(p.name))


class AdminGenerator(Generator):
    """Writes ``WEB_EDITOR_PATH`` (default ``admin``) into the output."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        folder = Path(self.output_path) / self.settings.get("WEB_EDITOR_PATH", "admin")
        dist = Path(self.settings.get("DECAP_DIST") or DEFAULT_DIST)
        try:
            assets = decap_assets(dist)
        except DecapMissing as exc:
            if self.settings.get("WEB_EDITOR_REQUIRED", False):
                raise
            log.warning("%s; /%s/ wordt overgeslagen", exc, folder.name)
            return
        folder.mkdir(parents=True, exist_ok=True)
        for asset in assets:
            shutil.copyfile(asset, folder / asset.name)
        (folder / "config.yml").write_text(config_yaml(self.settings), encoding="utf-8")
        html = self.get_template("admin").render(
            {**self.context, "WEB_EDITOR_PATH": folder.name}
        )
        (folder / "index.html").write_text(html, encoding="utf-8")

"""web_editor: Decap CMS at ``/admin/`` for editors who are not programmers.

The build copies Decap CMS (from npm, ``node_modules/decap-cms/dist``) into the output and
writes its ``config.yml``, generated from the content contract (``content_model.schema``)
so the editor and the build's validation cannot drift apart, and adds ``editor.js``: the
date widget (all-day, multi-day and timed events), preview templates in the theme's markup
and notices when logging in cannot work.

Editors log in with GitHub through the site service at ``SERVICE_URL`` (Decap's
``base_url``; ``service/github_auth.py``): GitHub Pages has no login of its own.

Settings and their defaults: ``DEFAULTS`` (documented in the README's plugin table).
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from content_model.settings import use_defaults

from .admin import AdminGenerator

# In the settings at ``initialized``, so other plugins see where the web editor goes
# (robots.txt, the content contract's check of output paths).
DEFAULTS = {
    "WEB_EDITOR_PATH": "admin",
    "WEB_EDITOR_REQUIRED": False,
    "DECAP_REPO": "OWNER/REPO",
    "DECAP_BRANCH": "main",
    "DECAP_LOCAL_BACKEND": True,
    "DECAP_DIST": lambda s: str(Path(s["NODE_MODULES"]) / "decap-cms" / "dist"),
}


def _get_generators(pelican):
    return AdminGenerator


def register():
    use_defaults(DEFAULTS)
    signals.get_generators.connect(_get_generators)

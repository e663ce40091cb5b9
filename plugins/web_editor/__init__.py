"""web_editor: Decap CMS at ``/admin/`` for editors who are not programmers.

The build copies Decap CMS (from npm, ``node_modules/decap-cms/dist``) into the output and
writes its ``config.yml``, generated from the content contract (``content_model.schema``)
so the editor and the build's validation cannot drift apart, and adds ``editor.js``: the
date widget (all-day, multi-day and timed events), preview templates in the theme's markup
and notices when logging in cannot work.

Settings (defaults):

- ``WEB_EDITOR_PATH`` (``"admin"``): folder in the output.
- ``WEB_EDITOR_REQUIRED`` (``False``): a missing Decap install fails the build instead of
  skipping ``/admin/`` with a warning (``True`` in publishconf.py).
- ``DECAP_REPO`` / ``DECAP_BRANCH``: the GitHub repository ("owner/name") and branch the
  production backend edits.
- ``SERVICE_URL`` (env ``SWK_SERVICE_URL``): the site service editors log in through with
  GitHub (Decap's ``base_url``; ``service/github_auth.py``). GitHub Pages has no login of
  its own.
- ``DECAP_LOCAL_BACKEND`` (``True``): ``True`` for ``npx decap-server`` on port 8081, a URL
  (``http://127.0.0.1:PORT/api/v1``) for another port, ``False`` for none (publishconf.py).
- ``DECAP_DIST``: where Decap's ``dist`` folder is (default: ``node_modules/decap-cms/dist``).
"""

from __future__ import annotations

from pelican import signals

from .admin import AdminGenerator


def _defaults(pelican):
    # in the settings, so other plugins see where the web editor goes (robots.txt, the
    # content contract's check of output paths)
    pelican.settings.setdefault("WEB_EDITOR_PATH", "admin")


def _get_generators(pelican):
    return AdminGenerator


def register():
    signals.initialized.connect(_defaults)
    signals.get_generators.connect(_get_generators)

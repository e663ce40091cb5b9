"""Pelican settings for publishing: what differs from pelicanconf.py."""

import os

from pelicanconf import *  # noqa: F403 - publishing differs in the few settings below

# The public address is set by the workflow (GitHub Pages base URL) or by hand.
SITEURL = os.environ.get("SWK_SITEURL", "http://localhost:8000").rstrip("/")
RELATIVE_URLS = False

# The published site must have its web editor: fail when Decap CMS is not installed. Editors
# log in with GitHub through the site service (SERVICE_URL, from SWK_SERVICE_URL); never
# through a local backend.
WEB_EDITOR_REQUIRED = True
DECAP_LOCAL_BACKEND = False
# The repository the web editor edits; in GitHub Actions, the repository being built.
DECAP_REPO = os.environ.get("DECAP_REPO") or os.environ.get("GITHUB_REPOSITORY") or DECAP_REPO  # noqa: F405

# The published site must look like the City's: fail when the design system is not installed.
DESIGN_SYSTEM_REQUIRED = True

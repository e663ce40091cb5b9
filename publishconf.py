"""Pelican settings for publishing: what differs from pelicanconf.py."""

import os
import sys

sys.path.append(os.path.dirname(__file__))

from pelicanconf import *  # noqa: E402,F403

# The public address is set by the workflow (GitHub Pages base URL) or by hand.
SITEURL = os.environ.get("SWK_SITEURL", "http://localhost:8000").rstrip("/")
RELATIVE_URLS = False

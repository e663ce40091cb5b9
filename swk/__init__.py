"""swk: the command line of the Sociaal Werkkoepel site (build, check, import, serve)."""

from pathlib import Path

# The repository: where pelicanconf.py, content/, theme/ and node_modules/ are. The one place
# code outside Pelican's settings (the service's defaults, tests, benchmarks, scripts) finds it.
ROOT = Path(__file__).resolve().parent.parent

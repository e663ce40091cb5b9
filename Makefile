# One command builds the site, another runs every test. Both set up what they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PYSTAMP   := $(VENV)/.installed-build
TESTSTAMP := $(VENV)/.installed-test
NPMSTAMP  := node_modules/.installed

.PHONY: build publish serve check test setup clean edit service

build: $(PYSTAMP) $(NPMSTAMP)  ## build the whole site and newsletters into output/
	$(PY) -m swk build -s pelicanconf.py

publish: $(PYSTAMP) $(NPMSTAMP)  ## build with publishconf.py (absolute URLs from SWK_SITEURL)
	$(PY) -m swk build -s publishconf.py

check: $(PYSTAMP)  ## check all content against the contract, build nothing
	$(PY) -m swk check

serve: $(PYSTAMP) $(NPMSTAMP)  ## dev server on http://localhost:8000: rebuilds what a save affects
	$(PY) -m swk serve -s pelicanconf.py

# Web editor on a laptop: decap-server (Decap's local backend, only on 127.0.0.1:8081) next
# to the dev server; open http://localhost:8000/admin/. DECAP_MODE=fs writes straight into
# content/ (default); DECAP_MODE=git makes a branch per entry (the editorial workflow).
DECAP_MODE ?= fs
edit: $(PYSTAMP) $(NPMSTAMP)  ## web editor on http://localhost:8000/admin/ (decap-server + dev server)
	@echo "Webeditor: open http://localhost:8000/admin/ en kies Inloggen. Stoppen: Ctrl-C."
	BIND_HOST=127.0.0.1 PORT=8081 GIT_REPO_DIRECTORY=. MODE=$(DECAP_MODE) npx --no-install decap-server & \
	pid=$$!; trap 'kill $$pid 2>/dev/null' EXIT INT TERM; \
	$(MAKE) --no-print-directory serve

# The site service (service/) in local mode on 127.0.0.1:8001 next to the dev server, which
# builds the site with forms that post to it. Its data stays in ~/.local/state/swk/service;
# without SMTP_HOST its mail is written to post/ there (an .eml and a .txt per message).
SERVICE_URL ?= http://127.0.0.1:8001
service: $(PYSTAMP) $(NPMSTAMP)  ## site service on 127.0.0.1:8001 + dev server on http://localhost:8000
	@echo "Dienst: $(SERVICE_URL); site: http://localhost:8000. Stoppen: Ctrl-C."
	@echo "E-mail: via SMTP_HOST als die is gezet, anders als bestanden in $${SWK_SERVICE_DATA:-$${XDG_STATE_HOME:-$$HOME/.local/state}/swk/service}/post/"
	SWK_SERVICE_MODE=local SWK_SITE_URL=http://localhost:8000 SWK_SITE_ORIGINS=http://127.0.0.1:8000 \
	  SWK_SERVICE_URL=$(SERVICE_URL) $(PY) -m service --port 8001 & \
	pid=$$!; trap 'kill $$pid 2>/dev/null' EXIT INT TERM; \
	SWK_SERVICE_URL=$(SERVICE_URL) $(MAKE) --no-print-directory serve

test: $(TESTSTAMP) $(NPMSTAMP) system-deps  ## run every test (and the linter and formatter check)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

setup: $(TESTSTAMP) $(NPMSTAMP) system-deps

.PHONY: system-deps
system-deps:
	@bash scripts/system-deps.sh

$(PYSTAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(TESTSTAMP): requirements-test.txt requirements.txt $(PYSTAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

$(NPMSTAMP): package-lock.json
	@command -v npm >/dev/null || bash scripts/system-deps.sh npm
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

clean:
	rm -rf output output.new output.old cache

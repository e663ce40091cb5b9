# One command builds the site, another runs every test. Both set up what they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PYSTAMP   := $(VENV)/.installed-build
TESTSTAMP := $(VENV)/.installed-test
NPMSTAMP  := node_modules/.installed

.PHONY: build publish serve check test setup clean

build: $(PYSTAMP) $(NPMSTAMP)  ## build the whole site and newsletters into output/
	$(PY) -m swk build -s pelicanconf.py

publish: $(PYSTAMP) $(NPMSTAMP)  ## build with publishconf.py (absolute URLs from SWK_SITEURL)
	$(PY) -m swk build -s publishconf.py

check: $(PYSTAMP)  ## check all content against the contract, build nothing
	$(PY) -m swk check

serve: $(PYSTAMP) $(NPMSTAMP)  ## dev server with autoreload on http://localhost:8000
	$(VENV)/bin/pelican --autoreload --listen -s pelicanconf.py

test: $(TESTSTAMP) $(NPMSTAMP) system-deps  ## run every test
	$(PY) -m pytest

setup: $(TESTSTAMP) $(NPMSTAMP) system-deps

.PHONY: system-deps
system-deps:
	@bash scripts/system-deps.sh

$(PYSTAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(TESTSTAMP): requirements-test.txt requirements.txt $(PYSTAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

$(NPMSTAMP): package-lock.json
	@command -v npm >/dev/null || bash scripts/system-deps.sh npm
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

clean:
	rm -rf output output.new output.old

# The two commands (see README): `make report` and `make test`.
# Both create .venv with the pinned dependencies first if it is missing or stale.
# `make test` also makes sure the browser tools for the accessibility tests are
# there: Debian's chromium (installed with apt-get when run as root) and
# axe-core from the npm registry (into node_modules/, git-ignored).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AXE_VERSION := 4.14.1
AXE := node_modules/axe-core/axe.min.js

.PHONY: report test browser-tools clean-reports

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(AXE):
	npm install --no-save --no-audit --no-fund --prefix "$(CURDIR)" axe-core@$(AXE_VERSION)

browser-tools: $(AXE)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium is not installed and this is not root: browser tests will be skipped (sudo apt-get install chromium)"; fi; }

report: $(STAMP)
	$(BIN)/workbook assess

test: $(STAMP) browser-tools
	$(BIN)/python -m pytest

clean-reports:
	find reports -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +

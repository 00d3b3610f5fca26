# The two commands (see README): `make report` and `make test`.
# Both create .venv with the pinned dependencies first if it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test clean-reports

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/workbook assess

test: $(STAMP)
	$(BIN)/python -m pytest

clean-reports:
	find reports -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +

# Gogent: `make run` starts everything on embedded defaults; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# supervisord runs each Procfile line in a shell: the venv's tools come first on PATH.
export PATH := $(BIN):$(PATH)

.PHONY: install setup run demo test test-production lint format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

setup: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py ensure_roles
	$(BIN)/python manage.py ensure_admin

# nats_server --prepare: off loopback, the embedded NATS token exists before any client starts.
run: setup
	$(BIN)/python manage.py nats_server --prepare
	$(BIN)/python -m gogent.supervisor start --procfile Procfile

demo: setup
	$(BIN)/python manage.py nats_server --prepare
	$(BIN)/python manage.py apply_config docs/demo.toml
	$(BIN)/python -m gogent.supervisor start --procfile Procfile.demo

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# The integration subset (pytest -m production: ingest, patterns, analysis limits, tickets)
# on PostgreSQL and Redis; `.ci/services` starts both on 127.0.0.1 with these defaults.
TEST_DATABASE_URL ?= postgres://gogent:gogent@127.0.0.1:5432/gogent
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
test-production: install
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		GOGENT_DATA_DIR=$(CURDIR)/data/test-production $(BIN)/pytest -m production --create-db

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

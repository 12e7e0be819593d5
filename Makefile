# Golden Thread: build, run and test.
#
#   make run     set up .venv, migrate, load the demo data (first time), serve on 127.0.0.1:8000
#   make serve   the service: migrate, collect static files, a task worker and gunicorn
#                (scripts/serve.sh, gunicorn.conf.py; README "Production settings")
#   make test    install what the tests need, check the layer contract, then the whole suite
#                on SQLite and on PostgreSQL (side by side: one run per core)
#   make lint    ruff check + ruff format --check + the layer contract (lint-imports)
#   make bench   scripts/bench.py, if there is one
#
# make test PYTEST_ARGS="-k login -x" passes options to both pytest runs.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PIP_INSTALL := $(PY) -m pip install --disable-pip-version-check --quiet
PYTEST_ARGS ?=
PG_LOG := .test-postgres.log
# PostgreSQL's run is the longer of the two, so the core that runs SQLite's takes these
# folders' PostgreSQL tests after it (a cluster of its own) and the other core the rest.
# Only for a whole run: with PYTEST_ARGS, PostgreSQL's tests run in one piece as before.
# Measured (PostgreSQL, 2 busy cores): tests/service + tests/tasks take about as long as the gap
# (plus a cluster and a migrated test database); tests/browser is several times too long.
PG_SLICE := tests/service tests/tasks

# For the browser tests only (Playwright's event loop); never for make run or make serve.
test: export DJANGO_ALLOW_ASYNC_UNSAFE := true
export GT_CHROMIUM ?= /usr/bin/chromium

.PHONY: help run serve test test-deps lint bench

help:
	@echo "make run | make serve | make test | make lint | make bench"

# --- virtual environment ------------------------------------------------------------------------
# pip runs again only when a requirements file is newer than its stamp.

$(PY):
	@echo "Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))" >&2; exit 1; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)

$(VENV)/.requirements.stamp: requirements.txt | $(PY)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.requirements-dev.stamp: requirements-dev.txt requirements.txt | $(PY)
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

# --- run ----------------------------------------------------------------------------------------

run: $(VENV)/.requirements.stamp
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	exec $(PY) manage.py runserver 127.0.0.1:8000

serve: $(VENV)/.requirements.stamp
	exec scripts/serve.sh

# --- test ---------------------------------------------------------------------------------------

test-deps: $(VENV)/.requirements-dev.stamp
	scripts/install-test-deps.sh

# The layer contract ([tool.importlinter] in pyproject.toml) and both runs always happen; the
# target fails if any of them did (pytest's 5, "no tests", included).
test: test-deps
	@layers=0
	echo "== layer contract (lint-imports)"
	$(VENV)/bin/lint-imports --no-cache --no-logo || layers=$$?
	# Settings make .secret_key on first import: make it now, before two runs race to.
	$(PY) manage.py check --fail-level ERROR >/dev/null
	# The two databases' runs go side by side (one per core): SQLite's output streams here,
	# then PostgreSQL's run of $(PG_SLICE) (whole runs only); the rest of PostgreSQL's is
	# kept in $(PG_LOG) and printed when all have finished. Every test runs on both.
	slice=(); rest=()
	if [[ -z "$(strip $(PYTEST_ARGS))" ]]; then
	  slice=($(PG_SLICE)); rest=($(addprefix --ignore=,$(PG_SLICE)))
	fi
	postgres=0; pg_slice=0
	echo "== pytest on PostgreSQL started beside SQLite (output follows SQLite's)"
	scripts/with-postgres.sh $(PY) -m pytest -p no:cacheprovider "$${rest[@]}" $(PYTEST_ARGS) \
	  >$(PG_LOG) 2>&1 & pg_pid=$$!
	trap 'kill $$pg_pid 2>/dev/null || true' EXIT
	sqlite=0
	echo "== pytest on SQLite"
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS) || sqlite=$$?
	if [[ $${#slice[@]} -gt 0 ]]; then
	  echo
	  echo "== pytest on PostgreSQL: $${slice[*]}"
	  scripts/with-postgres.sh $(PY) -m pytest -p no:cacheprovider "$${slice[@]}" || pg_slice=$$?
	fi
	wait $$pg_pid || postgres=$$?
	trap - EXIT
	echo
	echo "== pytest on PostgreSQL$${slice:+: the rest}"
	cat $(PG_LOG)
	verdict() { case $$1 in 0) echo "passed" ;; 5) echo "FAILED (no tests collected)" ;; *) echo "FAILED (exit $$1)" ;; esac; }
	echo
	echo "== Layers:     $$(verdict $$layers)"
	echo "== SQLite:     $$(verdict $$sqlite)"
	if [[ $${#slice[@]} -gt 0 ]]; then
	  echo "== PostgreSQL: $$(verdict $$postgres) (the rest), $$(verdict $$pg_slice) ($${slice[*]})"
	else
	  echo "== PostgreSQL: $$(verdict $$postgres)"
	fi
	[[ $$layers -eq 0 && $$sqlite -eq 0 && $$postgres -eq 0 && $$pg_slice -eq 0 ]]

# --- lint and bench -----------------------------------------------------------------------------

lint: $(VENV)/.requirements-dev.stamp
	@status=0
	$(VENV)/bin/ruff check . || status=1
	$(VENV)/bin/ruff format --check . || status=1
	$(VENV)/bin/lint-imports --no-cache --no-logo || status=1
	exit $$status

bench: $(VENV)/.requirements-dev.stamp
	@if [[ -f scripts/bench.py ]]; then
	  exec $(PY) scripts/bench.py
	fi
	echo "no benchmarks yet"

# ennoshita: two commands on a fresh machine.
#   make run   create .venv, install, migrate the SQLite database, load the demo company, serve :8000
#   make test  lint, types, unit, integration on SQLite and PostgreSQL, browser tests
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEB_PACKAGES := chromium fonts-ipaexfont libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
BENCH_DEB_PACKAGES := hledger ledger
export ENNOSHITA_TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test lint types unit fmt bench install system-deps postgres clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP) system-deps-run
	$(BIN)/ennoshita serve --demo --host 127.0.0.1 --port 8000

# Debian packages: fonts and pango for PDFs; chromium and poppler for tests. Installed only when missing.
system-deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	fi

system-deps-run:
	@missing=""; for p in fonts-ipaexfont libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	fi || echo "warning: could not install$$missing (PDF output needs them)"

# PostgreSQL for the integration tests: start the local cluster when it is not running.
postgres:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
	  if ! command -v pg_lsclusters >/dev/null; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; fi; \
	  ver=$$(pg_lsclusters -h | awk 'NR==1{print $$1}'); \
	  echo "starting PostgreSQL $$ver"; \
	  pg_ctlcluster --skip-systemctl-redirect $$ver main start || true; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

test: $(STAMP) system-deps postgres lint types
	$(BIN)/pytest -q -p no:cacheprovider

fmt: $(STAMP)
	$(BIN)/ruff format src tests bench tools
	$(BIN)/ruff check --fix src tests bench tools

bench: $(STAMP) system-deps postgres
	@missing=""; for p in $(BENCH_DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

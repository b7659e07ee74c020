# Borgerbooking: `make run` sets everything up and starts the system; `make test` sets up and
# runs every test. Each set-up step is a stamp file, so a second run skips work already done.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON311 ?= $(shell command -v python3.11 || command -v python3)
PYTHON310 ?= $(shell pyenv prefix 3.10 2>/dev/null | sed 's:$$:/bin/python:' || true)
ifeq ($(strip $(PYTHON310)),)
PYTHON310 := $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10*/bin/python) $(shell command -v python3.10))
endif

VENV := .venv
BOTVENV := .venv-bot
STAMPS := .stamps
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app web
export RASA_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup run test bench lint typecheck db seed system-deps clean

help:
	@echo "make run    set up (venvs, database, demo data, bot model) and start every process"
	@echo "make test   set up and run all tests"
	@echo "make bench  run the benchmarks and print figures"

$(STAMPS):
	mkdir -p $(STAMPS)

# Debian packages the tests and the run need: PostgreSQL (tests), Chromium (browser tests) and
# Redis (Rasa's lock store in the tests with two Rasa servers; production with REDIS_URL).
$(STAMPS)/system-deps: | $(STAMPS)
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v chromium >/dev/null \
	    || ! command -v redis-server >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql chromium redis-server >/dev/null; \
	  else \
	    echo "Please install the Debian packages postgresql, chromium and redis-server (needs root)."; exit 1; \
	  fi; \
	fi
	touch $@
system-deps: $(STAMPS)/system-deps

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON311) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

$(BOTVENV)/.installed: bot/requirements.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is needed for Rasa (pyenv install 3.10)"; exit 1; }
	test -x $(BOTVENV)/bin/python || $(PYTHON310) -m venv $(BOTVENV)
	$(BOTVENV)/bin/python -m pip install -q --upgrade "pip<25"
	$(BOTVENV)/bin/python -m pip install -q -r bot/requirements.txt
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

instance:
	mkdir -p instance

db: $(VENV)/.installed | instance
	BORGERBOOKING_ENV=development $(FLASK) db upgrade
	BORGERBOOKING_ENV=development $(FLASK) assistant import

seed: db
	BORGERBOOKING_ENV=development $(FLASK) seed-demo

-include mk/*.mk

setup: $(STAMPS)/system-deps $(VENV)/.installed $(BOTVENV)/.installed node_modules/.installed seed $(SETUP_EXTRA)

run: setup
	BORGERBOOKING_ENV=development $(VENV)/bin/honcho start -f Procfile

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check booking web actions bot bench tests
	$(VENV)/bin/ruff format --check booking web actions bot bench tests
	$(VENV)/bin/pylint --rcfile=pyproject.toml booking web actions bot bench
	$(VENV)/bin/lint-imports --no-logo --no-cache

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

test: setup lint typecheck $(TEST_EXTRA)
	$(VENV)/bin/pytest -q tests

bench: setup
	$(PY) -m bench

clean:
	rm -rf $(VENV) $(BOTVENV) $(STAMPS) node_modules models reports

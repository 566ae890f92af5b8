# 金保服务运维门户 — two commands on a fresh machine:
#   make run    set up, migrate, load the demo, start web + Celery worker + beat (Ctrl-C stops all)
#   make test   set up the same way and run the whole suite
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
export PORT

.PHONY: run test setup system-deps venv static messages migrate demo lint format vendor reset clean ci bench

run: setup migrate demo
	@$(PY) scripts/run_dev.py

test: setup
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

setup: system-deps venv messages

system-deps:
	@scripts/system_deps.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	@touch $@

messages: $(VENV)/.installed
	@$(PY) manage.py compilemessages --ignore='.venv' --ignore='var' --ignore='node_modules' -v 0

migrate: setup
	@mkdir -p var/staticfiles
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py load_demo

# Seed var/bench.sqlite3 (or BENCH_DATABASE_URL) with ten years at ten times the demo's volume once,
# then time the heavy pages (median, p95, queries). BENCH_RESEED=1 seeds again. See scripts/bench.py.
bench: setup
	$(PY) scripts/bench.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Fetch the vendored front-end files again from the npm registry (see static/vendor/README.md).
vendor:
	scripts/vendor_assets.sh

# Start over with an empty embedded database (SQLite) and broker.
reset:
	rm -rf var/db.sqlite3 var/db.sqlite3-wal var/db.sqlite3-shm var/celery var/media

clean: reset
	rm -rf $(VENV) var

ci:
	.ci/run

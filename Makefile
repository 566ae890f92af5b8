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

.PHONY: backup restore faults loadtest
.PHONY: test-audit-role run test test-tools setup system-deps venv static messages migrate demo lint format vendor reset clean ci bench

run: setup migrate demo
	@$(PY) scripts/run_dev.py

test: setup test-tools
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

# The Nu Html Checker for the accessibility gate (tests/browser/test_accessibility.py), in var/tools/.
test-tools:
	@scripts/test_tools.sh

# The audit tests connected as the runtime PostgreSQL role (needs DATABASE_URL=postgres://owner@…/name).
test-audit-role: setup
	$(PY) scripts/audit_role_tests.py

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
# HTTP=1: gunicorn -w 2 on the bench database and wrk per page (requests/s, p50/p99): scripts/bench_http.py.
bench: setup
	$(PY) scripts/$(if $(HTTP),bench_http.py,bench.py)

# Operations (README "Operations"): a dated folder with pg_dump's archive, the media files and the audit
# checkpoints; restore into an EMPTY database (DATABASE_URL) and media folder, verified.
backup: setup
	$(PY) manage.py backup $(if $(BACKUP_DIR),--dir $(BACKUP_DIR))

restore: setup
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<folder> (DATABASE_URL: an empty database)"; exit 2; }
	$(PY) manage.py restore $(BACKUP)

# The fault scenarios of issue 15 on PostgreSQL and Redis (broker away, database restart, mail server
# away, worker killed -9 during 500 reminders, disk full, 20 at once, backup and restore): scripts/faults.sh.
faults: setup
	scripts/faults.sh

# Locust against gunicorn (2 workers) + PostgreSQL + Redis + a worker and beat on the bench data set, then a
# reconciliation table; exits 1 if a target is missed. A load test, NOT in CI. See scripts/loadtest.py.
loadtest: setup
	@$(PY) -c "import locust" 2>/dev/null || $(PY) -m pip install --quiet -c requirements/constraints.txt "locust>=2.30,<3"
	$(PY) scripts/loadtest.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

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

#!/usr/bin/env bash
# Install into .venv, migrate, load the demo portfolio and serve on http://127.0.0.1:8000.
# With no DATABASE_URL / CELERY_BROKER_URL set this is the embedded mode: SQLite in the
# project folder and Celery tasks run in-process. Log in as admin/admin.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$(command -v python3.11 || command -v python3)
started=$(date +%s%N)
step() { echo "$1 ($(( ($(date +%s%N) - started) / 1000000 )) ms since start)"; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# --no-compile: Python compiles what it imports on first use, instead of every module of
# every package at install time (a fresh clone's start is timed by `manage.py bench_start`).
.venv/bin/pip install --disable-pip-version-check -q --no-compile -r requirements.txt
step "Installed"
# Migrate and load the demo in one process (Django starts once); seed_demo --timings says
# how long each took.
.venv/bin/python manage.py seed_demo --migrate --timings
step "Demo loaded"
echo "Serving on http://${HOST:-127.0.0.1}:${PORT:-8000}/ (log in as admin / admin)"
# --noreload: no file watcher (a second process to start before the first page): this serves
# the demo; run `manage.py runserver` yourself to develop with reloading.
# --skip-checks: seed_demo has just run them. (The address comes first: .ci/run stops the
# server by "runserver ADDRESS".)
exec .venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}" --noreload --skip-checks

#!/usr/bin/env bash
# Install into .venv, migrate, load the demo portfolio and serve on http://127.0.0.1:8000.
# With no DATABASE_URL / CELERY_BROKER_URL set this is the embedded mode: SQLite in the
# project folder and Celery tasks run in-process. Log in as admin/admin.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s%N)
step() { echo "$1 ($(( ($(date +%s%N) - started) / 1000000 )) ms since start)"; }
. scripts/venv.sh
# --no-compile: Python compiles what it imports on first use, instead of every module of
# every package at install time (a fresh clone's start is timed by `manage.py bench_start`).
venv_install requirements.txt --no-compile
step "Installed"
# Migrate, load the demo and serve it from one process (Django starts once; seed_demo --timings
# says how long each step took). No reloader: this serves the demo; run
# `manage.py runserver` yourself to develop with reloading. (exec: the server keeps this
# script's pid, which .ci/run stops it by.)
exec .venv/bin/python manage.py seed_demo --migrate --timings --serve "${HOST:-127.0.0.1}:${PORT:-8000}"

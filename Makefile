# Shortcuts; each target calls a script or manage.py so nothing lives only here.
.PHONY: run test lint format worker beat bench-import

run:            ## install, migrate, seed demo data, serve on :8000 (SQLite unless DATABASE_URL is set)
	bash scripts/start.sh

test:           ## install dev tools and run the suite against PostgreSQL, Redis and Chromium
	bash scripts/test.sh

lint:           ## ruff, format check and the type check, as CI runs them
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

worker:         ## a Celery worker (needs CELERY_BROKER_URL and DATABASE_URL)
	.venv/bin/celery -A bpo_portal worker -l INFO

beat:           ## the scheduler for periodic tasks
	.venv/bin/celery -A bpo_portal beat -l INFO

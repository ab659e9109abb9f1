# Shortcuts; each target calls a script or manage.py so nothing lives only here.
.PHONY: run test lint format worker worker-imports worker-compute beat bench-import

run:            ## install, migrate, seed demo data, serve on :8000 (SQLite unless DATABASE_URL is set)
	bash scripts/start.sh

test:           ## install dev tools and run the suite against PostgreSQL, Redis and Chromium
	bash scripts/test.sh

lint:           ## ruff, format check and the type check, as CI runs them
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

worker:         ## one Celery worker on every queue (needs CELERY_BROKER_URL and DATABASE_URL)
	.venv/bin/celery -A bpo_portal worker -Q imports,compute,bpo_portal -l INFO

worker-imports: ## a worker for imports only (run as many as reports should import at once)
	.venv/bin/celery -A bpo_portal worker -Q imports -l INFO -n imports@%h

worker-compute: ## a worker for recomputes, reminders, lifecycle and anything unrouted
	.venv/bin/celery -A bpo_portal worker -Q compute,bpo_portal -l INFO -n compute@%h

beat:           ## the scheduler for periodic tasks
	.venv/bin/celery -A bpo_portal beat -l INFO

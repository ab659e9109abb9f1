#!/usr/bin/env bash
# Install into .venv (with the dev tools) and run lint, type check, migration check and the whole test
# suite against the real services: PostgreSQL, a Celery worker on Redis, headless Chromium.
# Override DATABASE_URL / CELERY_BROKER_URL to point elsewhere; extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
venv_install requirements-dev.txt

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install Debian's 'chromium' package (or set CHROMIUM_PATH)." >&2
    exit 1
  fi
fi

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bpo_portal}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"
export BPO_REQUIRE_SERVICES="${BPO_REQUIRE_SERVICES:-1}"
export BPO_TEST_ARTIFACTS="${BPO_TEST_ARTIFACTS:-$PWD/test-artifacts}"
mkdir -p "$BPO_TEST_ARTIFACTS"

.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || { echo "ruff format would change files: run .venv/bin/ruff format ." >&2; exit 1; }
.venv/bin/mypy || { echo "mypy found type errors (configuration: pyproject.toml [tool.mypy])." >&2; exit 1; }
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Models and migrations differ: run manage.py makemigrations." >&2; exit 1; }
exec .venv/bin/python -m pytest "$@"

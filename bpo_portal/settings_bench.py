"""Settings of the server ``manage.py bench_api`` starts, and only of it.

The ordinary settings, plus what a benchmark needs and a deployment must never have: a
trivial JSON view to measure against (``bpo_portal.urls_bench``), and a request header
that makes the polled API lists skip their page cache, so the same server also measures
the cold path. ``DEBUG`` is off, as in production (with it on, Django keeps every query).
"""

import warnings

from bpo_portal.settings import *  # noqa: F403

# WhiteNoise warns once per worker that collectstatic has not run; the benchmark serves no static file.
warnings.filterwarnings("ignore", message="No directory at")

DEBUG = False
# Persistent database connections, as a gunicorn deployment should run (CONN_MAX_AGE=0
# opens a PostgreSQL connection, a forked backend, for every request). Override with
# CONN_MAX_AGE=0 to measure the ordinary default.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
# As a deployment with persistent connections and no transaction-mode pooler should run.
DB_PREPARED_STATEMENTS = env.bool("DB_PREPARED_STATEMENTS", default=True)  # noqa: F405
ROOT_URLCONF = "bpo_portal.urls_bench"
# With this header a request to sla-status or compliance renders its page afresh (ETag and
# 304 unchanged): the benchmark's "cold" figures. Not set in any other settings module.
API_CACHE_BYPASS_HEADER = "X-Bench-Cold"
# The benchmark's client is one user sending thousands of requests a second.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "token": None}}  # noqa: F405

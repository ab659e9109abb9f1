"""Celery application.

Configuration lives in Django settings under the ``CELERY_`` namespace so there is one
place (the environment) that decides where the broker is.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpo_portal.settings")

app = Celery("bpo_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

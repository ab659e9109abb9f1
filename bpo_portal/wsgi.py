"""WSGI entry point (gunicorn bpo_portal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpo_portal.settings")
application = get_wsgi_application()

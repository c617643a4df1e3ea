"""WSGI entry point: `gunicorn gotc.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gotc.settings")

application = get_wsgi_application()

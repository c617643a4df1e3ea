"""WSGI entry point: `gunicorn gotc.wsgi`."""

import os

from django.core.cache import caches
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gotc.settings")

application = get_wsgi_application()

# Load the cache backend now (no connection is opened): gunicorn's preload_app then hands
# every worker the imported client library instead of each worker importing it on its first
# request.
caches["default"]

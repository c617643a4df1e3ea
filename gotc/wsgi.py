"""WSGI entry point: `gunicorn gotc.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gotc.settings")

application = get_wsgi_application()


def _warm_up() -> None:
    """Do here what every worker's first requests would otherwise do: import the URLconf and
    with it every view and admin module, load the template tag libraries and both languages'
    catalogs, load the cache backend (and redis-py). gunicorn imports this module in its
    master before forking (preload_app), so workers share all of it, and a new or recycled
    worker answers its first request at full speed. No database or cache connection is
    opened here: those belong to each worker."""
    from django.conf import settings
    from django.core.cache import caches
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every URLconf and view module
    for engine in engines.all():
        engine.engine.template_libraries  # noqa: B018
    for code, _name in settings.LANGUAGES:
        translation.activate(code)
    translation.deactivate()
    caches["default"]


_warm_up()

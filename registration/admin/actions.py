"""What every registration action does around its service call: record it in the admin log,
then say how many were done.

Messages come in as ``ngettext_lazy(singular, plural, "count")`` written at the call site, so
``makemessages`` extracts them and the Chinese admin shows them translated.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest


def report(modeladmin: admin.ModelAdmin, request: HttpRequest, message, count: int) -> None:
    """Show ``message`` (an ``ngettext_lazy`` with a ``%(count)d`` placeholder) for ``count``."""
    modeladmin.message_user(request, message % {"count": count}, messages.SUCCESS)


def run_for_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    registrations: QuerySet,
    service: Callable[..., Any],
    log_message: str,
    done_message,
) -> list:
    """Call ``service(registration=...)`` for each registration, record each in the admin log
    (who, which registration, when, as a change of ``log_message``), then report
    ``done_message`` with how many were done. Each registration comes with its conference
    loaded (the services' emails name it): one query for the lot.

    Returns the service's results in order. An exception from the service propagates; what was
    done before it stays done and recorded (each service call commits on its own).
    """
    results = []
    for registration in registrations.select_related("conference"):
        results.append(service(registration=registration))
        modeladmin.log_change(request, registration, [{"changed": {"fields": [log_message]}}])
    report(modeladmin, request, done_message, len(results))
    return results

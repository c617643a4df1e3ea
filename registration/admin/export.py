"""The admin's "export selected" actions: the chosen registrations of one conference, as the
staff pages' download (same columns, same export log, source "admin")."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registration.staff import exports
from registration.staff.downloads import download


def _export_selected(modeladmin, request, queryset, file_format: str):
    conference_ids = set(queryset.order_by().values_list("conference", flat=True).distinct())
    if len(conference_ids) != 1:
        modeladmin.message_user(
            request, gettext("Select registrations of one conference to export."), messages.ERROR
        )
        return None
    export = exports.attendee_export(
        exports.ExportRequest(
            conference=queryset.first().conference,
            registration_ids=list(queryset.values_list("pk", flat=True)),
        ),
        user=request.user,
        file_format=file_format,
        source="admin",
    )
    return download(export)


@admin.action(description=_("Export selected (CSV)"), permissions=["export"])
def export_csv(modeladmin, request, queryset):
    return _export_selected(modeladmin, request, queryset, "csv")


@admin.action(description=_("Export selected (Excel)"), permissions=["export"])
def export_xlsx(modeladmin, request, queryset):
    return _export_selected(modeladmin, request, queryset, "xlsx")

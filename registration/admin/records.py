"""Records only the application writes: forum picks, door overrides, the export log and the
admin log.
Organizers read them here; nobody adds, edits or deletes them."""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import models
from django.utils.translation import gettext_lazy as _

from agenda.admin import BoundedSearchMixin
from registration.admin.lookups import DeclaredLookupsOnly
from registration.models import DoorOverride, ExportLog, ForumPick


def organizer_words(model: type[models.Model], singular, plural) -> None:
    """Show ``model`` as ``singular`` / ``plural`` in the admin (index, sidebar, titles).

    Only the names the admin reads are changed, not ``Meta.original_attrs``: the migration
    state stays as the model's own app declares it, so no migration is asked for (nor could
    one be written for a third-party app's model).
    """
    model._meta.verbose_name = singular
    model._meta.verbose_name_plural = plural


# Organizer words in the admin index and sidebar (not "Forum picks", "Log entries").
organizer_words(ForumPick, _("forum place"), _("forum seats and waiting lists"))
organizer_words(LogEntry, _("activity log entry"), _("activity log"))


class ReadOnlyAdmin(DeclaredLookupsOnly, BoundedSearchMixin, admin.ModelAdmin):
    """Lists and details only: no add, change or delete, whatever the user's permissions."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ForumPick)
class ForumPickAdmin(ReadOnlyAdmin):
    """Picks change only through the services (the attendee's link, the admin's actions)."""

    list_display = ["registration", "forum", "status", "picked_at", "seated_at", "checked_in_at"]
    list_filter = ["status", "forum__conference", "forum"]
    search_fields = [
        "registration__full_name",
        "registration__email",
        "registration__ticket_code",
        "forum__title",
    ]
    list_select_related = ["registration", "forum"]
    ordering = ["forum", "status", "picked_at"]


@admin.register(DoorOverride)
class DoorOverrideAdmin(ReadOnlyAdmin):
    """Who a volunteer let into a forum without a seat there ("Let in anyway" at the door)."""

    list_display = ["let_in_at", "registration", "forum", "username"]
    list_filter = ["forum__conference", "forum"]
    search_fields = ["registration__full_name", "registration__email", "username"]
    list_select_related = ["registration", "forum"]
    date_hierarchy = "let_in_at"


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    """Who downloaded which attendee list, when, how many rows."""

    list_display = [
        "created_at",
        "username",
        "conference",
        "forum",
        "file_format",
        "source",
        "row_count",
    ]
    list_filter = ["file_format", "source", "conference"]
    search_fields = ["username"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ExportLog._meta.fields]


@admin.register(LogEntry)
class AdminLogAdmin(ReadOnlyAdmin):
    """Who changed what and when, in the admin (edits and actions)."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["object_repr", "user__username"]
    date_hierarchy = "action_time"
    list_select_related = ["user", "content_type"]

    @admin.display(description=_("change"))
    def change(self, obj) -> str:
        return obj.get_change_message()

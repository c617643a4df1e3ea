"""The program's forum admin plus seats: fill, waiting list, promotion on a capacity raise.

Registered in place of ``agenda.admin.ForumAdmin``: the program knows nothing of seats, so
registration adds them here.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from agenda.admin import ForumAdmin as ProgramForumAdmin
from agenda.models import Forum
from registration import services
from registration.admin.actions import report
from registration.admin.lookups import DeclaredLookupsOnly
from registration.models import ForumPick
from registration.queries import with_seat_counts

# The program's columns, with the end time giving way to seats taken and capacity followed by
# the waiting list and the fill.
SEAT_COLUMNS = {"ends_at": ["seated"], "capacity": ["capacity", "waiting", "fill"]}


class WaitingListInline(admin.TabularInline):
    model = ForumPick
    extra = 0
    can_delete = False
    fields = ["registration", "picked_at"]
    readonly_fields = fields
    verbose_name = _("waiting attendee")
    verbose_name_plural = _("waiting list (first come, first seated)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).queue().select_related("registration")


admin.site.unregister(Forum)


@admin.register(Forum)
class ForumAdmin(DeclaredLookupsOnly, ProgramForumAdmin):
    list_display = [
        column
        for program_column in ProgramForumAdmin.list_display
        for column in SEAT_COLUMNS.get(program_column, [program_column])
    ]
    inlines = [*ProgramForumAdmin.inlines, WaitingListInline]
    actions = ["promote"]

    def get_queryset(self, request):
        return with_seat_counts(super().get_queryset(request))

    @admin.display(description=_("seated"), ordering="seated_count")
    def seated(self, obj) -> int:
        return obj.seated_count

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting(self, obj) -> int:
        return obj.waiting_count

    @admin.display(description=_("fill"))
    def fill(self, obj) -> str:
        if not obj.capacity:
            return "—"
        return f"{round(100 * obj.seated_count / obj.capacity)} %"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promoted = services.promote_waiting(forums=[obj])
            if promoted:
                report(
                    self,
                    request,
                    ngettext_lazy(
                        "%(count)d waiting attendee got a seat and an email.",
                        "%(count)d waiting attendees got a seat and an email.",
                        "count",
                    ),
                    len(promoted),
                )

    @admin.action(
        description=_("Seat waiting attendees where seats are free"), permissions=["change"]
    )
    def promote(self, request, queryset):
        promoted = services.promote_waiting(forums=list(queryset))
        report(
            self,
            request,
            ngettext_lazy(
                "%(count)d attendee got a seat.", "%(count)d attendees got a seat.", "count"
            ),
            len(promoted),
        )

"""Schedule changes in the admin, and telling the attendees concerned (services.notices).

The change list shows what moved after publication; the "Notify attendees" action shows who
gets what (counts per language, the first recipients with their changes, people a moved
forum now double-books) and queues the emails once the organizer confirms.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agenda.changelog import describe
from agenda.models import ScheduleChange
from registration.models import ChangeNotice
from registration.services import notices


@admin.action(description=_("Notify attendees of the selected changes"))
def notify_attendees(modeladmin, request: HttpRequest, queryset):
    if not request.user.has_perm("registration.add_changenotice"):
        raise PermissionDenied
    conferences = {change.conference_id for change in queryset.only("conference_id")}
    if len(conferences) != 1:
        modeladmin.message_user(
            request, _("Select changes of one conference at a time."), messages.ERROR
        )
        return None
    conference = queryset.first().conference
    ids = list(queryset.values_list("pk", flat=True))
    if request.POST.get("confirm") == "yes":
        notice = notices.publish(conference, ids, by=request.user)
        if notice is None:
            modeladmin.message_user(
                request,
                _("These changes were already announced: nothing was sent again."),
                messages.WARNING,
            )
        else:
            modeladmin.message_user(
                request,
                ngettext(
                    "One email queued about %(changes)d change(s).",
                    "%(count)d emails queued about %(changes)d change(s).",
                    notice.recipients,
                )
                % {"count": notice.recipients, "changes": notice.changes.count()},
                messages.SUCCESS,
            )
        return None
    plan = notices.plan(conference, ids)
    for change in [*plan.changes, *plan.already_notified]:
        change.text = describe(change)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Notify attendees of schedule changes"),
        "opts": modeladmin.model._meta,
        "conference": conference,
        "plan": plan,
        "ids": ids,
        "action": "notify_attendees",
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/registration/notify_changes.html", context)


@admin.register(ScheduleChange)
class ScheduleChangeAdmin(admin.ModelAdmin):
    """What moved after publication (recorded by agenda.changes as the program is saved):
    read-only, it is the record of what attendees were shown."""

    list_display = (
        "title_shown",
        "kind",
        "forum_shown",
        "description",
        "recorded_at",
        "notified_at",
    )
    list_filter = ("conference", "kind", ("notified_at", admin.EmptyFieldListFilter))
    date_hierarchy = "recorded_at"
    list_select_related = ("conference",)
    actions = [notify_attendees]

    @admin.display(description=_("talk or forum"))
    def title_shown(self, change: ScheduleChange) -> str:
        return change.title()

    @admin.display(description=_("forum"))
    def forum_shown(self, change: ScheduleChange) -> str:
        return change.forum_title()

    @admin.display(description=_("what changed"))
    def description(self, change: ScheduleChange) -> str:
        return describe(change)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "conference", "recipients", "created_by")
    list_filter = ("conference",)
    filter_horizontal = ("changes",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

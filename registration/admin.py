"""Admin for organizers and the desk: registrations, picks, forum fill, export log.

Every write that touches seats goes through registration.services (actions, capacity raise).
"""

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agenda.admin import BoundedSearchMixin
from agenda.admin import ForumAdmin as ProgramForumAdmin
from agenda.models import Forum
from registration import exports, services
from registration.enums import PickStatus, RegistrationStatus
from registration.models import (
    ATTENDEE_FIELDS,
    TICKET_LENGTH,
    ExportLog,
    ForumPick,
    Registration,
    normalize_ticket_code,
)
from registration.queries import with_seat_counts


class ReadOnlyAdmin(BoundedSearchMixin, admin.ModelAdmin):
    """Records that only the application writes: organizers read them, nobody edits."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ForumFilter(admin.SimpleListFilter):
    title = _("forum")
    parameter_name = "forum"

    def lookups(self, request, model_admin):
        forums = Forum.objects.select_related("conference").order_by("conference", "starts_at")
        return [(str(forum.pk), f"{forum.conference.slug} · {forum.title}") for forum in forums]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(
                pk__in=ForumPick.objects.filter(
                    forum_id=int(self.value()),
                    status__in=[PickStatus.SEATED, PickStatus.WAITING],
                ).values("registration_id")
            )
        return queryset


class PickStatusFilter(admin.SimpleListFilter):
    title = _("seated or waiting")
    parameter_name = "pick"

    def lookups(self, request, model_admin):
        return [
            ("seated", _("Has a seat")),
            ("waiting", _("On a waiting list")),
            ("none", _("No forum")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in {"seated", "waiting"}:
            return queryset.filter(
                pk__in=ForumPick.objects.filter(status=value).values("registration_id")
            )
        if value == "none":
            return queryset.exclude(picks__status__in=[PickStatus.SEATED, PickStatus.WAITING])
        return queryset


class CheckedInFilter(admin.SimpleListFilter):
    title = _("checked in")
    parameter_name = "checked_in"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(checked_in_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(checked_in_at__isnull=True)
        return queryset


class ForumPickInline(admin.TabularInline):
    model = ForumPick
    extra = 0
    can_delete = False
    fields = ["forum", "status", "picked_at", "seated_at", "checked_in_at"]
    readonly_fields = fields
    ordering = ["forum__starts_at"]
    verbose_name_plural = _("forum picks (change them through the attendee's link or actions)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("forum")


@admin.register(Registration)
class RegistrationAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = [
        "full_name",
        "email",
        "organization",
        "ticket",
        "status",
        "seated_forums",
        "checked_in",
        "created_at",
    ]
    list_filter = [
        "conference",
        "status",
        ForumFilter,
        PickStatusFilter,
        CheckedInFilter,
        ("created_at", admin.DateFieldListFilter),
        "language",
        "newsletter",
    ]
    search_fields = ["full_name", "email", "organization", "ticket_code"]
    date_hierarchy = "created_at"
    inlines = [ForumPickInline]
    list_per_page = 50
    actions = [
        "cancel_selected",
        "resend_confirmation",
        "check_in_selected",
        "undo_check_in",
        "send_reconfirmation",
        "revoke_links",
        "export_csv",
        "export_xlsx",
    ]
    fieldsets = [
        (None, {"fields": ["conference", "status", "ticket_code", "manage_link"]}),
        (
            _("Attendee"),
            {"fields": list(ATTENDEE_FIELDS)},
        ),
        (
            _("History"),
            {
                "fields": [
                    "consent_at",
                    "created_at",
                    "updated_at",
                    "cancelled_at",
                    "checked_in_at",
                    "checked_in_by",
                    "reconfirmation_sent_at",
                    "reconfirmed_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "conference",
        "status",
        "ticket_code",
        "manage_link",
        "consent_at",
        "created_at",
        "updated_at",
        "cancelled_at",
        "checked_in_at",
        "checked_in_by",
        "reconfirmation_sent_at",
        "reconfirmed_at",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("conference")
            .prefetch_related(
                Prefetch(
                    "picks",
                    queryset=ForumPick.objects.seated()
                    .select_related("forum")
                    .order_by("forum__starts_at"),
                    to_attr="seated_picks",
                )
            )
        )

    def get_search_results(self, request, queryset, search_term):
        # Ticket codes are typed with a dash and in any case: "abcd-efgh" finds ABCDEFGH.
        code = normalize_ticket_code(search_term)
        if len(code) == TICKET_LENGTH and "-" in search_term and " " not in search_term.strip():
            search_term = code
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request) -> bool:
        # People register through the public form, which enforces every rule.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Cancel by changing state; personal data goes with `manage.py anonymize`.
        return False

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # The private link acts as the attendee: only people who may change registrations.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "manage_link"]})
            for name, options in fieldsets
        ]

    @admin.display(description=_("ticket"), ordering="ticket_code")
    def ticket(self, obj) -> str:
        return obj.ticket_display

    @admin.display(description=_("seated forums"))
    def seated_forums(self, obj) -> str:
        return ", ".join(pick.forum.title for pick in getattr(obj, "seated_picks", []))

    @admin.display(description=_("checked in"), boolean=True, ordering="checked_in_at")
    def checked_in(self, obj) -> bool:
        return obj.checked_in_at is not None

    @admin.display(description=_("attendee's private page"))
    def manage_link(self, obj) -> str:
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            obj.get_absolute_url(),
            _("open (acts as the attendee)"),
        )

    # --- actions: each goes through registration.services ----------------------------------

    def _record(self, request, registration, action: str) -> None:
        # Admin actions are recorded like edits: who, what, when (visible in "Admin log").
        self.log_change(request, registration, [{"changed": {"fields": [action]}}])

    def _done(self, request, count: int, singular: str, plural: str) -> None:
        self.message_user(
            request, ngettext(singular, plural, count) % {"count": count}, messages.SUCCESS
        )

    @admin.action(
        description=_("Cancel the selected registrations (frees seats)"), permissions=["change"]
    )
    def cancel_selected(self, request, queryset):
        count = promoted = 0
        for registration in queryset.filter(status=RegistrationStatus.CONFIRMED):
            promoted += len(services.cancel_registration(registration=registration))
            self._record(request, registration, "cancelled")
            count += 1
        self._done(
            request,
            count,
            "%(count)d registration cancelled.",
            "%(count)d registrations cancelled.",
        )
        if promoted:
            self._done(
                request,
                promoted,
                "%(count)d waiting attendee got a seat.",
                "%(count)d waiting attendees got a seat.",
            )

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        count = 0
        for registration in queryset.select_related("conference"):
            services.resend_confirmation(registration=registration)
            self._record(request, registration, "confirmation email resent")
            count += 1
        self._done(request, count, "%(count)d email queued.", "%(count)d emails queued.")

    @admin.action(description=_("Check in"), permissions=["check_in"])
    def check_in_selected(self, request, queryset):
        count = 0
        for registration in queryset.filter(
            status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=True
        ):
            services.check_in(registration=registration, by=request.user)
            self._record(request, registration, "checked in")
            count += 1
        self._done(
            request, count, "%(count)d attendee checked in.", "%(count)d attendees checked in."
        )

    @admin.action(description=_("Undo check-in"), permissions=["check_in"])
    def undo_check_in(self, request, queryset):
        count = 0
        for registration in queryset.filter(checked_in_at__isnull=False):
            services.undo_check_in(registration=registration)
            self._record(request, registration, "check-in undone")
            count += 1
        self._done(request, count, "%(count)d check-in undone.", "%(count)d check-ins undone.")

    @admin.action(description=_("Ask “still coming?”"), permissions=["change"])
    def send_reconfirmation(self, request, queryset):
        count = 0
        for conference_id in queryset.order_by().values_list("conference", flat=True).distinct():
            from agenda.models import Conference

            count += services.send_reconfirmation(
                conference=Conference.objects.get(pk=conference_id),
                registrations=queryset.filter(conference_id=conference_id),
            )
        self._done(request, count, "%(count)d email queued.", "%(count)d emails queued.")

    @admin.action(
        description=_("Revoke the private links (email new ones)"), permissions=["change"]
    )
    def revoke_links(self, request, queryset):
        count = 0
        for registration in queryset.select_related("conference"):
            services.revoke_manage_link(registration=registration)
            self._record(request, registration, "private link replaced")
            count += 1
        self._done(request, count, "%(count)d link replaced.", "%(count)d links replaced.")

    def _export(self, request, queryset, file_format: str):
        from registration.staff import export_response

        conference_ids = set(queryset.order_by().values_list("conference", flat=True).distinct())
        if len(conference_ids) != 1:
            self.message_user(
                request, _("Select registrations of one conference to export."), messages.ERROR
            )
            return None
        return export_response(
            exports.ExportRequest(
                conference=queryset.first().conference,
                registration_ids=list(queryset.values_list("pk", flat=True)),
            ),
            user=request.user,
            file_format=file_format,
            source="admin",
        )

    @admin.action(description=_("Export selected (CSV)"), permissions=["export"])
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description=_("Export selected (Excel)"), permissions=["export"])
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")

    def has_check_in_permission(self, request) -> bool:
        return request.user.has_perm("registration.check_in")

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("registration.export_registrations")

    def save_model(self, request, obj, form, change):
        # Only the attendee's own details are editable here; seats never are.
        obj.save()


@admin.register(ForumPick)
class ForumPickAdmin(ReadOnlyAdmin):
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
class ForumAdmin(ProgramForumAdmin):
    """The program's forum admin plus seats: fill, waiting list, promotion on capacity raise."""

    list_display = [
        "title",
        "kind",
        "conference",
        "room",
        "starts_at",
        "seated",
        "capacity",
        "waiting",
        "fill",
        "talk_count",
        "position",
        "public_link",
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
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d waiting attendee got a seat and an email.",
                        "%(count)d waiting attendees got a seat and an email.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )

    @admin.action(
        description=_("Seat waiting attendees where seats are free"), permissions=["change"]
    )
    def promote(self, request, queryset):
        promoted = services.promote_waiting(forums=list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d attendee got a seat.", "%(count)d attendees got a seat.", len(promoted)
            )
            % {"count": len(promoted)},
            messages.SUCCESS,
        )


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
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
    """Who changed what and when, in the admin (edits and actions). Read-only."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["object_repr", "user__username"]
    date_hierarchy = "action_time"
    list_select_related = ["user", "content_type"]

    @admin.display(description=_("change"))
    def change(self, obj) -> str:
        return obj.get_change_message()

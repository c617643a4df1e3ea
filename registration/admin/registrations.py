"""Registrations: lists with filters by forum, seat and check-in; attendee details editable;
seats and status change only through the actions, each a call to registration.services.
Staff never see or reach an attendee's private link: no "view on site", no link field, and
the list filters only by what it declares (DeclaredLookupsOnly)."""

from functools import partial

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from agenda.admin import BoundedSearchMixin
from agenda.models import Conference, Forum
from registration import services
from registration.admin.actions import report, run_for_each
from registration.admin.export import export_csv, export_xlsx
from registration.admin.lookups import DeclaredLookupsOnly
from registration.admin.questions import AnswerInline
from registration.enums import PickStatus, RegistrationStatus
from registration.models import (
    ATTENDEE_FIELDS,
    TICKET_LENGTH,
    ForumPick,
    Registration,
    normalize_ticket_code,
)
from registration.staff.scope import scope_for

HISTORY_FIELDS = [
    "consent_at",
    "created_at",
    "updated_at",
    "cancelled_at",
    "checked_in_at",
    "checked_in_by",
    "reconfirmation_sent_at",
    "reconfirmed_at",
]


class ForumFilter(admin.SimpleListFilter):
    title = _("forum")
    parameter_name = "forum"

    def lookups(self, request, model_admin):
        forums = scope_for(request.user).forums(
            Forum.objects.select_related("conference").order_by("conference", "starts_at")
        )
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
    verbose_name_plural = _(
        "forum seats and waiting lists (change them through the attendee's link or actions)"
    )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("forum")


@admin.register(Registration)
class RegistrationAdmin(DeclaredLookupsOnly, BoundedSearchMixin, admin.ModelAdmin):
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
    inlines = [ForumPickInline, AnswerInline]
    list_per_page = 50
    actions = [
        "cancel_selected",
        "resend_confirmation",
        "check_in_selected",
        "undo_check_in",
        "send_reconfirmation",
        "revoke_links",
        export_csv,
        export_xlsx,
    ]
    fieldsets = [
        (None, {"fields": ["conference", "status", "ticket_code"]}),
        (_("Attendee"), {"fields": list(ATTENDEE_FIELDS)}),
        (_("History"), {"fields": HISTORY_FIELDS}),
    ]
    readonly_fields = ["conference", "status", "ticket_code", *HISTORY_FIELDS]
    # The attendee's page acts as the attendee: staff never open it (Registration has no
    # get_absolute_url either, which the admin's /admin/r/<ct>/<id>/ shortcut would follow).
    view_on_site = False

    def get_queryset(self, request):
        # A forum host sees the attendees of their forums, and of their picks only those
        # (registration.staff.scope): any other id is "not found", as on the staff pages.
        scope = scope_for(request.user)
        seated = scope.picks(ForumPick.objects.seated())
        return (
            scope.registrations(super().get_queryset(request))
            .select_related("conference")
            .prefetch_related(
                Prefetch(
                    "picks",
                    queryset=seated.select_related("forum").order_by("forum__starts_at"),
                    to_attr="seated_picks",
                )
            )
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if scope_for(request.user).is_limited:
            # Their exports are per forum, on the staff page (no columns naming other forums).
            actions.pop("export_csv", None)
            actions.pop("export_xlsx", None)
        return actions

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

    def has_check_in_permission(self, request) -> bool:
        return request.user.has_perm("registration.check_in")

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("registration.export_registrations")

    def save_model(self, request, obj, form, change):
        # Only the attendee's own details are editable here; seats never are.
        obj.save()

    @admin.display(description=_("ticket"), ordering="ticket_code")
    def ticket(self, obj) -> str:
        return obj.ticket_display

    @admin.display(description=_("seated forums"))
    def seated_forums(self, obj) -> str:
        return ", ".join(pick.forum.title for pick in getattr(obj, "seated_picks", []))

    @admin.display(description=_("checked in"), boolean=True, ordering="checked_in_at")
    def checked_in(self, obj) -> bool:
        return obj.checked_in_at is not None

    # --- actions: each goes through registration.services ----------------------------------
    # Messages are literals at the call site (see registration.admin.actions).

    @admin.action(
        description=_("Cancel the selected registrations (frees seats)"), permissions=["change"]
    )
    def cancel_selected(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d registration cancelled.", "%(count)d registrations cancelled.", "count"
        )
        confirmed = queryset.filter(status=RegistrationStatus.CONFIRMED)
        promoted = run_for_each(
            self, request, confirmed, services.cancel_registration, "cancelled", done
        )
        if seated := sum(len(picks) for picks in promoted):
            seated_message = ngettext_lazy(
                "%(count)d waiting attendee got a seat.",
                "%(count)d waiting attendees got a seat.",
                "count",
            )
            report(self, request, seated_message, seated)

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        done = ngettext_lazy("%(count)d email queued.", "%(count)d emails queued.", "count")
        run_for_each(
            self, request, queryset, services.resend_confirmation, "confirmation email resent", done
        )

    @admin.action(description=_("Check in"), permissions=["check_in"])
    def check_in_selected(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d attendee checked in.", "%(count)d attendees checked in.", "count"
        )
        at_the_door = queryset.filter(
            status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=True
        )
        check_in = partial(services.check_in, by=request.user)
        run_for_each(self, request, at_the_door, check_in, "checked in", done)

    @admin.action(description=_("Undo check-in"), permissions=["check_in"])
    def undo_check_in(self, request, queryset):
        done = ngettext_lazy("%(count)d check-in undone.", "%(count)d check-ins undone.", "count")
        checked_in = queryset.filter(checked_in_at__isnull=False)
        run_for_each(self, request, checked_in, services.undo_check_in, "check-in undone", done)

    @admin.action(description=_("Ask “still coming?”"), permissions=["change"])
    def send_reconfirmation(self, request, queryset):
        # The service asks the attendees of one conference at a time.
        conference_ids = queryset.order_by().values_list("conference", flat=True).distinct()
        count = sum(
            services.send_reconfirmation(
                conference=conference, registrations=queryset.filter(conference=conference)
            )
            for conference in Conference.objects.filter(pk__in=list(conference_ids))
        )
        done = ngettext_lazy("%(count)d email queued.", "%(count)d emails queued.", "count")
        report(self, request, done, count)

    @admin.action(
        description=_("Revoke the private links (email new ones)"), permissions=["change"]
    )
    def revoke_links(self, request, queryset):
        done = ngettext_lazy("%(count)d link replaced.", "%(count)d links replaced.", "count")
        run_for_each(
            self, request, queryset, services.revoke_manage_link, "private link replaced", done
        )

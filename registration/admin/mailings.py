"""Emails to attendees in the admin (registration.services.mailings).

Write: who (forum, seated or waiting, checked in, language, an answer to a question) and what
(subject and body in English and Chinese, with placeholders). Saving leads to the preview:
how many people, the first of them, one real recipient's email in both languages (private
links removed), "Send a test to me", and "Queue…", which asks for confirmation with the count
before anything is owed. A queued email is read-only: its page shows the progress, and its
recipient log who got what. A forum host writes to the attendees of their forums only and sees
only those emails (registration.staff.scope). The form is in
``registration.admin.mailing_forms``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from post_office.models import STATUS

from agenda.admin import CurrentConferenceMixin
from registration.admin.lookups import DeclaredLookupsOnly
from registration.admin.mailing_forms import TEXT_FIELDS, MailingForm
from registration.models import Mailing, MailingRecipient, MailingStatus, PendingEmail
from registration.services import mailings
from registration.staff.scope import scope_for


class MailingFilter(admin.SimpleListFilter):
    """The recipient log by email (of the emails the user may see)."""

    title = _("email")
    parameter_name = "mailing"

    def lookups(self, request, model_admin):
        visible = scoped_mailings(request, Mailing.objects.exclude(status=MailingStatus.DRAFT))
        return [(str(m.pk), f"{m.queued_at:%Y-%m-%d} · {m}") for m in visible]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(mailing_id=int(self.value()))
        return queryset


def scoped_mailings(request: HttpRequest, mailings_: QuerySet[Mailing]) -> QuerySet[Mailing]:
    """The emails a user may see: all, or those to the forums they host."""
    scope = scope_for(request.user)
    if scope.is_limited:
        return mailings_.filter(forum_id__in=scope.forum_ids)
    return mailings_


@admin.register(Mailing)
class MailingAdmin(CurrentConferenceMixin, admin.ModelAdmin):
    form = MailingForm
    list_display = [
        "__str__",
        "conference",
        "forum",
        "status",
        "recipient_count",
        "created_by",
        "queued_at",
    ]
    list_filter = ["conference", "status"]
    list_select_related = ["conference", "forum", "created_by"]
    fieldsets = [
        (None, {"fields": ["conference"]}),
        (_("Who"), {"fields": ["forum", "picks", "checked_in", "language", "answer"]}),
        (_("English"), {"fields": ["subject_en", "body_en"]}),
        (_("Chinese"), {"fields": ["subject_zh", "body_zh"]}),
    ]

    def get_queryset(self, request):
        return scoped_mailings(request, super().get_queryset(request))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.scope = scope_for(request.user)
        return form

    def get_fieldsets(self, request, obj=None):
        if obj is None or obj.status == MailingStatus.DRAFT:
            return self.fieldsets
        return [
            (None, {"fields": ["conference", "forum", "recipients_shown", "progress_shown"]}),
            (_("English"), {"fields": ["subject_en", "body_en"]}),
            (_("Chinese"), {"fields": ["subject_zh", "body_zh"]}),
            (_("Sent"), {"fields": ["created_by", "queued_by", "queued_at"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None or obj.status == MailingStatus.DRAFT:
            return []
        return [
            "conference",
            "forum",
            "recipients_shown",
            "progress_shown",
            *TEXT_FIELDS,
            "created_by",
            "queued_by",
            "queued_at",
        ]

    def has_change_permission(self, request, obj=None) -> bool:
        # A queued email is the record of what attendees were sent: read-only.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == MailingStatus.DRAFT)

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == MailingStatus.DRAFT)

    def get_actions(self, request):
        # "Delete selected" would reach queued emails, the log of who got what.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.filters = form.filters.as_json()
        obj.save()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save_and_add_another": False}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        if "_continue" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        return redirect(self._url("preview", obj))

    def response_change(self, request, obj):
        if "_continue" in request.POST:
            return super().response_change(request, obj)
        return redirect(self._url("preview", obj))

    @admin.display(description=_("recipients"))
    def recipients_shown(self, obj: Mailing) -> str:
        url = reverse("admin:registration_mailingrecipient_changelist")
        label = ngettext("%(count)d person", "%(count)d people", obj.recipient_count) % {
            "count": obj.recipient_count
        }
        return format_html(
            '{} · <a href="{}?mailing={}">{}</a>', label, url, obj.pk, gettext("Who got it")
        )

    @admin.display(description=_("progress"))
    def progress_shown(self, obj: Mailing) -> str:
        done = mailings.progress(obj)
        return gettext(
            "%(sent)d sent, %(queued)d in the mail queue, %(waiting)d being written, "
            "%(failed)d failed, %(skipped)d not sent (cancelled since)"
        ) % {
            "sent": done.sent,
            "queued": done.queued,
            "waiting": done.waiting,
            "failed": done.failed,
            "skipped": done.skipped,
        }

    # --- preview, test, queue ----------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:mailing_id>/preview/", view(self.preview_view), name=self._name("preview")),
            path("<int:mailing_id>/queue/", view(self.queue_view), name=self._name("queue")),
            *super().get_urls(),
        ]

    def _name(self, suffix: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_{suffix}"

    def _url(self, suffix: str, obj: Mailing) -> str:
        return reverse(f"admin:{self._name(suffix)}", args=[obj.pk])

    def _draft(self, request: HttpRequest, mailing_id: int) -> Mailing | HttpResponse:
        """The draft the user may change, or where to go instead."""
        mailing = self.get_object(request, str(mailing_id))
        if mailing is None:
            raise Http404("No such email")
        if mailing.status != MailingStatus.DRAFT:
            self.message_user(
                request, gettext("This email is already queued: nothing more to do."), messages.INFO
            )
            return redirect(reverse("admin:registration_mailing_change", args=[mailing.pk]))
        if not self.has_change_permission(request, mailing):
            raise PermissionDenied
        return mailing

    def _context(self, request: HttpRequest, mailing: Mailing, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "mailing": mailing,
            "original": mailing,
        }

    def preview_view(self, request: HttpRequest, mailing_id: int) -> HttpResponse:
        mailing = self._draft(request, mailing_id)
        if isinstance(mailing, HttpResponse):
            return mailing
        # Saved through the form, a draft has no placeholder error; one written otherwise
        # (the shell, an older version) is shown, not rendered, and cannot be sent.
        errors = mailings.mailing_errors(mailing)
        result = mailings.preview(mailing, scope_for(request.user), render=not errors)
        if request.method == "POST" and request.POST.get("test") and not errors:
            return self._send_test(request, mailing, result)
        context = {
            **self._context(request, mailing, gettext("Preview the email")),
            "preview": result,
            "errors": errors,
            "change_url": reverse("admin:registration_mailing_change", args=[mailing.pk]),
            "queue_url": self._url("queue", mailing),
            "me": request.user.email,
        }
        return TemplateResponse(request, "admin/registration/mailing_preview.html", context)

    def _send_test(self, request, mailing: Mailing, result: mailings.Preview) -> HttpResponse:
        here = self._url("preview", mailing)
        if result.sample is None:
            self.message_user(
                request,
                gettext("Nobody matches: there is no one to show in a test."),
                messages.ERROR,
            )
            return HttpResponseRedirect(here)
        try:
            mailings.send_test(mailing, result.sample, to=request.user.email)
        except mailings.NoAddress:
            self.message_user(
                request,
                gettext("Your account has no email address: add one to your user first."),
                messages.ERROR,
            )
            return HttpResponseRedirect(here)
        self.message_user(
            request,
            gettext("A test in both languages is on its way to %(email)s.")
            % {"email": request.user.email},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(here)

    def queue_view(self, request: HttpRequest, mailing_id: int) -> HttpResponse:
        mailing = self._draft(request, mailing_id)
        if isinstance(mailing, HttpResponse):
            return mailing
        scope = scope_for(request.user)
        if mailings.mailing_errors(mailing):
            # Saved before a check existed, or through the shell: fixed on the form first.
            return redirect(self._url("preview", mailing))
        change_url = reverse("admin:registration_mailing_change", args=[mailing.pk])
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            count = mailings.queue(mailing.pk, scope, by=request.user)
            if count is None:
                message = gettext("This email was already queued: nothing was queued again.")
                self.message_user(request, message, messages.WARNING)
            elif count == 0:
                message = gettext("Nobody matches these choices: nothing was queued.")
                self.message_user(request, message, messages.ERROR)
                return redirect(self._url("preview", mailing))
            else:
                message = ngettext(
                    "The email is queued for %(count)d person.",
                    "The email is queued for %(count)d people.",
                    count,
                ) % {"count": count}
                self.message_user(request, message, messages.SUCCESS)
            return redirect(change_url)
        count = mailings.recipients(mailing, scope).count()
        context = {
            **self._context(request, mailing, gettext("Queue the email")),
            "count": count,
            "rate": mailings.rate_per_minute(),
            "preview_url": self._url("preview", mailing),
        }
        return TemplateResponse(request, "admin/registration/mailing_queue.html", context)


class DeliveryFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("sent", _("Sent")), ("failed", _("Failed")), ("queued", _("Not sent yet"))]

    def queryset(self, request, queryset):
        if self.value() == "sent":
            return queryset.filter(email__status=STATUS.sent)
        if self.value() == "failed":
            return queryset.filter(email__status=STATUS.failed)
        if self.value() == "queued":
            return queryset.exclude(email__status__in=[STATUS.sent, STATUS.failed])
        return queryset


@admin.register(MailingRecipient)
class MailingRecipientAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    """Who got which email to attendees, and where its delivery stands: read-only."""

    list_display = ["person", "address", "language", "mailing", "delivery"]
    list_filter = [MailingFilter, DeliveryFilter, "language"]
    list_select_related = ["registration", "mailing", "email"]
    list_per_page = 100

    def get_queryset(self, request):
        pending = PendingEmail.objects.filter(
            mailing_id=OuterRef("mailing_id"), registration_id=OuterRef("registration_id")
        )
        scope = scope_for(request.user)
        recipients = super().get_queryset(request).annotate(pending=Exists(pending))
        if scope.is_limited:
            recipients = recipients.filter(mailing__forum_id__in=scope.forum_ids)
        return recipients

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("attendee"), ordering="registration__full_name")
    def person(self, obj: MailingRecipient) -> str:
        return obj.registration.full_name

    @admin.display(description=_("email address"))
    def address(self, obj: MailingRecipient) -> str:
        return obj.registration.email

    @admin.display(description=_("delivery"))
    def delivery(self, obj: MailingRecipient) -> str:
        if obj.email is None:
            if getattr(obj, "pending", False):
                return gettext("Being written")
            return gettext("Not sent: cancelled before sending")
        return {
            STATUS.sent: gettext("Sent"),
            STATUS.failed: gettext("Failed"),
        }.get(obj.email.status, gettext("In the mail queue"))

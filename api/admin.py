"""The API in the admin: tokens (created here, shown once, revoked here), webhook endpoints,
and the webhook deliveries with each attempt (replayed from here)."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import (
    ApiToken,
    DeliveryStatus,
    Event,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from api.scopes import Scope


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["name", "conference", "scopes", "expires_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = [
        "name",
        "hint",
        "conference",
        "scope_list",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "created_by",
    ]
    list_filter = ["conference"]
    search_fields = ["name", "hint"]
    actions = ["revoke"]
    readonly_fields = ["hint", "created_at", "created_by", "last_used_at", "revoked_at"]

    @admin.display(description=_("scopes"))
    def scope_list(self, token: ApiToken) -> str:
        return ", ".join(token.scopes)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A token's reach is fixed when it is shown: to change it, revoke it and make another.
        return ["conference", "scopes", "expires_at", *self.readonly_fields]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "conference", "scopes", "expires_at"]
        return ["name", "hint", "conference", "scopes", "expires_at", *self.readonly_fields[1:]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            # Shown once, by response_add; only its hash is stored.
            request.new_api_token = obj.issue()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Copy the new token now"),
            "token": request.new_api_token,
            "api_token": obj,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/api/apitoken/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["conference", "url", "description", "events", "is_active", "secret"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "conference", "event_list", "is_active"]
    list_filter = ["conference", "is_active"]
    search_fields = ["url", "description"]

    @admin.display(description=_("events"))
    def event_list(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.events)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["at", "status_code", "duration_ms", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "endpoint", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "event", "endpoint__conference"]
    list_select_related = ["endpoint"]
    date_hierarchy = "created_at"
    inlines = [WebhookAttemptInline]
    actions = ["replay"]
    fields = [
        "endpoint",
        "event",
        "event_id",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "payload",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Send selected deliveries again"), permissions=["change"])
    def replay(self, request, queryset):
        """A new delivery of the same event (same event id and body: receivers that already
        handled it can tell), sent by the worker's next pass; the old one keeps its log."""
        with transaction.atomic():
            copies = WebhookDelivery.objects.bulk_create(
                WebhookDelivery(
                    endpoint_id=delivery.endpoint_id,
                    event=delivery.event,
                    event_id=delivery.event_id,
                    payload=delivery.payload,
                    status=DeliveryStatus.PENDING,
                )
                for delivery in queryset
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.",
                "%(count)d deliveries will be sent again.",
                len(copies),
            )
            % {"count": len(copies)},
            messages.SUCCESS,
        )

"""Admin for organizers: the whole program, with links to the public pages."""

from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import models
from django.db.models import Count
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from agenda.models import Conference, Forum, Partner, Room, Speaker, Talk, TalkSpeaker
from agenda.zones import ZONE_NAMES, utc_offset


def typed_times_note() -> str:
    """Above the admin's time fields: the zone typed times are read in (the server's
    ``TIME_ZONE``, docs/architecture.md), in words, e.g. "Beijing time (UTC+8)"."""
    zone = settings.TIME_ZONE
    return gettext("Times are in %(zone)s (%(offset)s).") % {
        "zone": ZONE_NAMES.get(zone, zone),
        "offset": utc_offset(zone),
    }


typed_times_note_lazy = lazy(typed_times_note, str)


class BoundedSearchMixin:
    """Search with at most ``max_search_terms`` words. Each word adds a condition per search
    field: a pasted paragraph (hundreds of words) builds a query SQLite refuses ("Expression
    tree is too large") and PostgreSQL grinds through."""

    max_search_terms = 10

    def get_search_results(self, request, queryset, search_term):
        words = search_term.split()
        if len(words) > self.max_search_terms:
            messages.warning(
                request,
                _("Only the first %(count)d words of the search were used.")
                % {"count": self.max_search_terms},
            )
            search_term = " ".join(words[: self.max_search_terms])
        return super().get_search_results(request, queryset, search_term)


def latest_conference() -> Conference | None:
    """The conference organizers are most likely working on: the latest edition, published
    or not (the next one is prepared before it is published)."""
    return Conference.objects.order_by("-start_date", "-pk").first()


class CurrentConferenceMixin:
    """Add forms start with the latest conference chosen (a ``?conference=<id>`` in the
    address, as the talk form's speaker "+" popup sends, wins)."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "conference" not in initial:
            conference = latest_conference()
            if conference is not None:
                initial["conference"] = conference.pk
        return initial


class DraftFirstMixin:
    """A new forum or talk starts as a draft (``is_published`` unticked): nothing is public the
    moment it is saved; the organizer publishes it when it is ready."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("is_published", False)
        return initial


class ConferenceAddLink(RelatedFieldWidgetWrapper):
    """The "+" (add) popup link of a related field, with the conference to preselect."""

    def __init__(self, wrapper: RelatedFieldWidgetWrapper, conference_id: int):
        super().__init__(
            wrapper.widget,
            wrapper.rel,
            wrapper.admin_site,
            can_add_related=wrapper.can_add_related,
            can_change_related=wrapper.can_change_related,
            can_delete_related=wrapper.can_delete_related,
            can_view_related=wrapper.can_view_related,
        )
        self.conference_id = conference_id

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["url_params"] += f"&conference={int(self.conference_id)}"
        return context


class PublicPageMixin:
    @admin.display(description=_("public page"))
    def public_link(self, obj) -> str:
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), _("view")
        )


class RoomInline(TranslationTabularInline):
    model = Room
    extra = 0
    fields = ["name", "seats", "position"]


class PartnerInline(TranslationTabularInline):
    model = Partner
    extra = 0
    fields = ["name", "kind", "logo", "url", "position"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Conference)
class ConferenceAdmin(BoundedSearchMixin, PublicPageMixin, TranslationAdmin):
    list_display = [
        "name",
        "slug",
        "start_date",
        "end_date",
        "venue",
        "is_published",
        "registration_opens",
        "registration_closes",
        "public_link",
    ]
    list_filter = ["is_published"]
    search_fields = ["name", "slug", "venue"]
    prepopulated_fields = {"slug": ["name_en"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # the map link
    date_hierarchy = "start_date"
    inlines = [RoomInline, PartnerInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "tagline", "description", "is_published"]}),
        (
            _("When and where"),
            {"fields": ["start_date", "end_date", "time_zone", "venue", "address", "map_url"]},
        ),
        (
            _("Contact"),
            {
                "fields": [
                    "contact_email",
                    "contact_phone",
                    "contact_wechat_id",
                    "contact_wechat_qr",
                ],
                "description": _(
                    "How attendees reach the organizers: shown on the contact page, in the "
                    "footer, the privacy notice, error pages and every email."
                ),
            },
        ),
        (_("Registration"), {"fields": ["registration_opens", "registration_closes", "capacity"]}),
        (
            _("Look and feel"),
            {"fields": ["logo", "accent_color", "hero_image", "venue_map", "directions"]},
        ),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


@admin.register(Room)
class RoomAdmin(CurrentConferenceMixin, BoundedSearchMixin, TranslationAdmin):
    list_display = ["name", "conference", "seats", "forum_count", "position"]
    list_filter = ["conference"]
    list_editable = ["seats", "position"]
    search_fields = ["name"]
    ordering = ["conference", "position", "name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("conference")
            .annotate(forum_total=Count("forums"))
        )

    @admin.display(description=_("forums"), ordering="forum_total")
    def forum_count(self, obj) -> int:
        return obj.forum_total


class TalkInline(TranslationTabularInline):
    model = Talk
    extra = 0
    fields = ["title", "slug", "kind", "starts_at", "ends_at", "is_published"]
    prepopulated_fields = {"slug": ["title_en"]}
    show_change_link = True
    ordering = ["starts_at"]


@admin.register(Forum)
class ForumAdmin(
    DraftFirstMixin, CurrentConferenceMixin, BoundedSearchMixin, PublicPageMixin, TranslationAdmin
):
    list_display = [
        "title",
        "is_published",
        "kind",
        "conference",
        "room",
        "starts_at",
        "ends_at",
        "capacity",
        "talk_count",
        "position",
        "public_link",
    ]
    list_filter = ["conference", "is_published", "kind", "room"]
    list_editable = ["position"]
    search_fields = ["title", "slug", "description", "host"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["room"]
    date_hierarchy = "starts_at"
    ordering = ["conference", "starts_at", "position"]
    inlines = [TalkInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "conference",
                    "title",
                    "slug",
                    "kind",
                    "description",
                    "host",
                    "is_published",
                ]
            },
        ),
        (
            _("Room and time"),
            {
                "fields": ["room", "starts_at", "ends_at", "capacity", "position"],
                "description": typed_times_note_lazy(),
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("conference", "room")
            .annotate(talk_total=Count("talks", distinct=True))
        )

    @admin.display(description=_("talks"), ordering="talk_total")
    def talk_count(self, obj) -> int:
        return obj.talk_total


class TalkSpeakerInline(admin.TabularInline):
    model = TalkSpeaker
    extra = 1
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "position"]

    def get_formset(self, request, obj=None, **kwargs):
        # A speaker added from a saved talk's "+" popup belongs to the talk's conference
        # (a new talk's popup gets the latest conference, CurrentConferenceMixin).
        if obj is not None and obj.conference_id and "formfield_callback" not in kwargs:
            kwargs["formfield_callback"] = partial(
                self.formfield_for_dbfield, request=request, conference_id=obj.conference_id
            )
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field, request, conference_id=None, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if (
            db_field.name == "speaker"
            and conference_id
            and isinstance(formfield.widget, RelatedFieldWidgetWrapper)
        ):
            formfield.widget = ConferenceAddLink(formfield.widget, conference_id)
        return formfield


@admin.register(Talk)
class TalkAdmin(DraftFirstMixin, BoundedSearchMixin, PublicPageMixin, TranslationAdmin):
    list_display = [
        "title",
        "is_published",
        "kind",
        "forum",
        "starts_at",
        "ends_at",
        "speaker_names",
        "star_count",
        "public_link",
    ]
    list_filter = ["conference", "is_published", "kind", "forum"]
    search_fields = ["title", "slug", "abstract", "speakers__name", "speakers__organization"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["forum"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at"]
    inlines = [TalkSpeakerInline]
    fieldsets = [
        (None, {"fields": ["forum", "title", "slug", "kind", "abstract", "is_published"]}),
        (_("Time"), {"fields": ["starts_at", "ends_at"], "description": typed_times_note_lazy()}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("conference", "forum")
            .prefetch_related("speakers")
            # Registered attendees who starred the talk (registration.Star): interest, to
            # swap rooms before the day. Anonymous: a count, no names.
            .annotate(star_total=Count("stars", distinct=True))
        )

    @admin.display(description=_("stars"), ordering="star_total")
    def star_count(self, obj) -> int:
        return obj.star_total

    @admin.display(description=_("speakers"))
    def speaker_names(self, obj) -> str:
        return ", ".join(speaker.name for speaker in obj.speakers.all())


@admin.register(Speaker)
class SpeakerAdmin(CurrentConferenceMixin, BoundedSearchMixin, PublicPageMixin, TranslationAdmin):
    list_display = ["name", "job_title", "organization", "conference", "talk_count", "public_link"]
    list_filter = ["conference", "organization"]
    search_fields = ["name", "slug", "organization", "job_title"]
    prepopulated_fields = {"slug": ["name_en"]}
    ordering = ["name"]
    # Organizers paste "github.com/name": read it as https (Django 6's default; saying so now
    # also silences Django 5's deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("conference")
            .annotate(talk_total=Count("talks", distinct=True))
        )

    @admin.display(description=_("talks"), ordering="talk_total")
    def talk_count(self, obj) -> int:
        return obj.talk_total

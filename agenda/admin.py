"""Admin for organizers: the whole program, with links to the public pages."""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from agenda.models import Conference, Forum, Room, Speaker, Talk, TalkSpeaker


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
    date_hierarchy = "start_date"
    inlines = [RoomInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "tagline", "description", "is_published"]}),
        (
            _("When and where"),
            {"fields": ["start_date", "end_date", "time_zone", "venue", "address"]},
        ),
        (_("Registration"), {"fields": ["registration_opens", "registration_closes", "capacity"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


@admin.register(Room)
class RoomAdmin(BoundedSearchMixin, TranslationAdmin):
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
    fields = ["title", "slug", "kind", "starts_at", "ends_at"]
    prepopulated_fields = {"slug": ["title_en"]}
    show_change_link = True
    ordering = ["starts_at"]


@admin.register(Forum)
class ForumAdmin(BoundedSearchMixin, PublicPageMixin, TranslationAdmin):
    list_display = [
        "title",
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
    list_filter = ["conference", "kind", "room"]
    list_editable = ["position"]
    search_fields = ["title", "slug", "description", "host"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["room"]
    date_hierarchy = "starts_at"
    ordering = ["conference", "starts_at", "position"]
    inlines = [TalkInline]
    fieldsets = [
        (None, {"fields": ["conference", "title", "slug", "kind", "description", "host"]}),
        (
            _("Room and time"),
            {
                "fields": ["room", "starts_at", "ends_at", "capacity", "position"],
                "description": _("Times are in the server's time zone (TIME_ZONE)."),
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


@admin.register(Talk)
class TalkAdmin(BoundedSearchMixin, PublicPageMixin, TranslationAdmin):
    list_display = [
        "title",
        "kind",
        "forum",
        "starts_at",
        "ends_at",
        "speaker_names",
        "star_count",
        "public_link",
    ]
    list_filter = ["conference", "kind", "forum"]
    search_fields = ["title", "slug", "abstract", "speakers__name", "speakers__organization"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["forum"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at"]
    inlines = [TalkSpeakerInline]
    fields = ["forum", "title", "slug", "kind", "abstract", "starts_at", "ends_at"]

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
class SpeakerAdmin(BoundedSearchMixin, PublicPageMixin, TranslationAdmin):
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

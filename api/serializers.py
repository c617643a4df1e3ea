"""What the API answers and accepts.

Program texts come in the request's language (modeltranslation reads the active one, with a
fallback to the other); times in the conference's time zone, ISO 8601 with the offset
(``2023-05-27T09:00:00+08:00``): the views activate both."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agenda.models import Conference, Forum, Room, Speaker, Talk
from registration.enums import Language, RegistrationStatus
from registration.models import ForumPick, Registration, phone_validator


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def page_url(serializer: serializers.Serializer, page: str, item) -> str:
    """The absolute URL of a forum, talk or speaker page under its edition. The views pass
    the conference in the context: no query per item for its conference's slug."""
    conference = serializer.context.get("conference") or item.conference
    return site_url(
        reverse(f"edition:{page}", kwargs={"conference": conference.slug, "slug": item.slug})
    )


class ConferenceSerializer(serializers.ModelSerializer):
    registration_is_open = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Conference
        fields = [
            "slug",
            "name",
            "tagline",
            "description",
            "start_date",
            "end_date",
            "time_zone",
            "venue",
            "address",
            "capacity",
            "registration_opens",
            "registration_closes",
            "registration_is_open",
            "is_published",
            "url",
        ]

    def get_registration_is_open(self, conference: Conference) -> bool:
        return conference.registration_is_open()

    def get_url(self, conference: Conference) -> str:
        return site_url(conference.get_absolute_url())


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "seats", "position"]


class SpeakerBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["slug", "name", "job_title", "organization"]


class TalkBriefSerializer(serializers.ModelSerializer):
    speakers = SpeakerBriefSerializer(source="ordered_speakers", many=True, read_only=True)

    class Meta:
        model = Talk
        fields = ["id", "slug", "title", "kind", "starts_at", "ends_at", "speakers"]


class ForumBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Forum
        fields = ["id", "slug", "title", "starts_at", "ends_at"]


class ForumSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    room = RoomSerializer(read_only=True)
    seated = serializers.IntegerField(source="seated_count", read_only=True)
    waiting = serializers.IntegerField(source="waiting_count", read_only=True)
    seats_left = serializers.IntegerField(read_only=True, allow_null=True)
    talks = TalkBriefSerializer(source="program_talks", many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Forum
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "kind_label",
            "description",
            "host",
            "room",
            "starts_at",
            "ends_at",
            "capacity",
            "seated",
            "waiting",
            "seats_left",
            "is_published",
            "talks",
            "url",
        ]

    def get_url(self, forum: Forum) -> str:
        return page_url(self, "forum", forum)


class TalkSerializer(TalkBriefSerializer):
    forum = ForumBriefSerializer(read_only=True)
    room = serializers.CharField(source="forum.room.name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta(TalkBriefSerializer.Meta):
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "abstract",
            "starts_at",
            "ends_at",
            "forum",
            "room",
            "speakers",
            "is_published",
            "url",
        ]

    def get_url(self, talk: Talk) -> str:
        return page_url(self, "talk", talk)


class SpeakerSerializer(serializers.ModelSerializer):
    photo = serializers.SerializerMethodField()
    talks = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Speaker
        fields = [
            "slug",
            "name",
            "job_title",
            "organization",
            "bio",
            "photo",
            "website",
            "github",
            "talks",
            "url",
        ]

    def get_photo(self, speaker: Speaker) -> str | None:
        return site_url(speaker.photo.url) if speaker.photo else None

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_talks(self, speaker: Speaker) -> list[str]:
        return [talk.slug for talk in speaker.program_talks]

    def get_url(self, speaker: Speaker) -> str:
        return page_url(self, "speaker", speaker)


# --- Registrations (staff tokens) -------------------------------------------------------------
class PickSerializer(serializers.ModelSerializer):
    forum = ForumBriefSerializer(read_only=True)

    class Meta:
        model = ForumPick
        fields = ["forum", "status", "picked_at", "seated_at", "checked_in_at"]


class RegistrationSerializer(serializers.ModelSerializer):
    ticket_code = serializers.CharField(source="ticket_display", read_only=True)
    picks = PickSerializer(source="live_picks", many=True, read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "ticket_code",
            "full_name",
            "email",
            "organization",
            "job_title",
            "phone",
            "language",
            "newsletter",
            "status",
            "checked_in_at",
            "cancelled_at",
            "created_at",
            "updated_at",
            "picks",
        ]


class RegistrationFilterSerializer(serializers.Serializer):
    """The list's filters, validated: a bad value is a 400 naming it, never a 500."""

    forum = serializers.SlugField(required=False, help_text=_("A forum's slug."))
    status = serializers.ChoiceField(choices=RegistrationStatus.choices, required=False)
    checked_in = serializers.BooleanField(required=False, allow_null=True, default=None)
    updated_since = serializers.DateTimeField(required=False)


class ForumSlugsField(serializers.ListField):
    child = serializers.SlugField()

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault("help_text", _("Slugs of the forums picked."))
        super().__init__(**kwargs)


class NewRegistrationSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    organization = serializers.CharField(max_length=200)
    job_title = serializers.CharField(max_length=200)
    phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, validators=[phone_validator]
    )
    language = serializers.ChoiceField(choices=Language.choices, default=Language.ENGLISH)
    newsletter = serializers.BooleanField(default=False)
    consent = serializers.BooleanField(
        help_text=_("The attendee accepted the privacy notice (must be true).")
    )
    forums = ForumSlugsField()

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("The attendee must accept the privacy notice."))
        return value


class PicksSerializer(serializers.Serializer):
    forums = ForumSlugsField()


class CheckInRequestSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, help_text=_("The ticket code, typed or scanned."))
    forum = serializers.SlugField(
        required=False, help_text=_("At a forum's door: the forum's slug. Empty: the entrance.")
    )
    let_in = serializers.BooleanField(
        default=False, help_text=_("Let them into the forum without a seat there (recorded).")
    )


class TicketRequestSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)


class AttendeeSerializer(serializers.ModelSerializer):
    """Who holds a ticket, as a door shows it."""

    ticket_code = serializers.CharField(source="ticket_display", read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "ticket_code", "full_name", "organization", "status", "checked_in_at"]


class DoorAnswerSerializer(serializers.Serializer):
    """What a scan answers: who, their forums, and whether they may enter the door asked."""

    attendee = AttendeeSerializer()
    checked_in = serializers.BooleanField(help_text=_("Checked in at the entrance now."))
    already_checked_in = serializers.BooleanField(
        help_text=_("This ticket was checked in before (the same scan twice is one check-in).")
    )
    forum = ForumBriefSerializer(allow_null=True)
    may_enter = serializers.BooleanField()
    reason = serializers.ChoiceField(
        choices=["seated", "let_in", "entrance", "not_seated", "waiting"],
        help_text=_("Why they may (or may not) enter."),
    )
    message = serializers.CharField(allow_blank=True)
    seated_forums = ForumBriefSerializer(many=True)
    waiting_forums = ForumBriefSerializer(many=True)

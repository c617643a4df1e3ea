"""The program: conferences, rooms, forums (parallel tracks), talks and speakers."""

import datetime as dt
import re
from functools import cached_property
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.enums import ForumKind, PartnerKind, TalkKind
from agenda.queries import ConferenceQuerySet, ForumQuerySet, TalkQuerySet


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a known time zone (for example Asia/Shanghai)."),
            params={"value": value},
        ) from exc


ACCENT_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
# White text on the accent colour (navigation bar, headline) must meet WCAG AA.
ACCENT_MIN_CONTRAST = 4.5


def contrast_with_white(color: str) -> float:
    """WCAG contrast ratio of white on ``color`` (``#RRGGBB``)."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(color[i : i + 2], 16)) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def validate_accent_color(value: str) -> None:
    if not ACCENT_COLOR.fullmatch(value):
        raise ValidationError(
            _("Enter the colour as # and six hexadecimal digits, for example #0B2A5B."),
            code="invalid",
        )
    ratio = contrast_with_white(value)
    if ratio < ACCENT_MIN_CONTRAST:
        raise ValidationError(
            _(
                "White text on %(value)s is hard to read (contrast %(ratio).1f:1, at least "
                "4.5:1 is needed): choose a darker colour."
            ),
            params={"value": value, "ratio": ratio},
            code="low_contrast",
        )


def edition_url(page: str, item) -> str:
    """The page of a forum, talk or speaker under its edition's URL (valid after the next
    year's conference takes over the root)."""
    kwargs = {"conference": item.conference.slug, "slug": item.slug}
    return reverse(f"edition:{page}", kwargs=kwargs)


class Conference(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=50, unique=True, help_text=_("Short name used in links, e.g. 2023.")
    )
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    description = models.TextField(_("what it is about"), blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    map_url = models.URLField(
        _("map link"),
        max_length=500,
        blank=True,
        help_text=_(
            "A map of the venue (Amap, Baidu Maps, OpenStreetMap...). Empty: a map search for "
            "the address."
        ),
    )
    contact_email = models.EmailField(
        _("contact email"),
        blank=True,
        help_text=_("Where attendees write to the organizers; shown on every page and email."),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_wechat_id = models.CharField(_("WeChat ID"), max_length=60, blank=True)
    contact_wechat_qr = models.ImageField(
        _("WeChat QR code"),
        upload_to="conferences/wechat/",
        blank=True,
        help_text=_("The organizers' WeChat QR code, shown on the contact page."),
    )
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Leave empty to close at the end of the last day (at the venue)."),
    )
    capacity = models.PositiveIntegerField(
        _("overall capacity"),
        null=True,
        blank=True,
        help_text=_("Most confirmed registrations; leave empty for no overall limit."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Look and feel: what organizers set per edition without touching code.
    logo = models.ImageField(
        _("logo"),
        upload_to="conferences/",
        blank=True,
        help_text=_("Shown in the navigation bar on the accent colour: a light or white logo."),
    )
    accent_color = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[validate_accent_color],
        help_text=_(
            "Navigation bar and headline colour, as #RRGGBB (e.g. #0B2A5B); white text must be "
            "readable on it. Leave empty for the default navy."
        ),
    )
    hero_image = models.ImageField(
        _("headline image"),
        upload_to="conferences/",
        blank=True,
        help_text=_("A wide photo behind the conference name on the home page."),
    )
    venue_map = models.ImageField(
        _("venue map"),
        upload_to="conferences/",
        blank=True,
        help_text=_("A map of the venue or of the way there, shown on the home page."),
    )
    directions = models.TextField(
        _("how to get there"),
        blank=True,
        help_text=_("Metro stations, bus lines, parking, entrances: shown on the home page."),
    )

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("edition:home", kwargs={"conference": self.slug})

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        if (
            self.registration_opens
            and self.registration_closes
            and self.registration_closes <= self.registration_opens
        ):
            errors["registration_closes"] = _("Registration must close after it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def accent(self) -> str:
        """The accent colour for the style sheet, or "" (a value saved around the form's
        validation never reaches CSS)."""
        return self.accent_color if ACCENT_COLOR.fullmatch(self.accent_color or "") else ""

    @cached_property
    def tzinfo(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    @property
    def days(self) -> list[dt.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=i) for i in range(max(count, 0))]

    def local_datetime(self, day: dt.date, time: dt.time) -> dt.datetime:
        """An aware datetime for a wall-clock time on a conference day."""
        return dt.datetime.combine(day, time, tzinfo=self.tzinfo)

    @property
    def starts_at(self) -> dt.datetime:
        return self.local_datetime(self.start_date, dt.time.min)

    @property
    def ends_at(self) -> dt.datetime:
        return self.local_datetime(self.end_date + dt.timedelta(days=1), dt.time.min)

    @property
    def map_link(self) -> str:
        """The venue on a map: the organizers' link, or else an OpenStreetMap search for the
        address (works in and outside China, no account, no tracking); empty with no address."""
        if self.map_url:
            return self.map_url
        place = self.address or self.venue
        if not place:
            return ""
        return "https://www.openstreetmap.org/search?" + urlencode({"query": place})

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_email or self.contact_phone or self.contact_wechat_id)

    @property
    def registration_closes_at(self) -> dt.datetime:
        """When registration closes: the organizers' closing time, or else the end of the
        last day at the venue (nobody registers for a conference that is over)."""
        return self.registration_closes or self.ends_at

    def registration_is_open(self, now: dt.datetime | None = None) -> bool:
        """Published and inside the registration window (opening time optional; closing time
        ``registration_closes_at``)."""
        now = now or timezone.now()
        if not self.is_published:
            return False
        if self.registration_opens and now < self.registration_opens:
            return False
        return now < self.registration_closes_at


class Room(models.Model):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("conference")
    )
    name = models.CharField(_("name"), max_length=100)
    seats = models.PositiveIntegerField(_("seats"))
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["conference", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "name"],
                name="room_name_unique_per_conference",
                violation_error_message=_("This conference already has a room with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Forum(models.Model):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="forums", verbose_name=_("conference")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=ForumKind, default=ForumKind.TOPIC)
    description = models.TextField(_("description"), blank=True)
    room = models.ForeignKey(
        Room, on_delete=models.RESTRICT, related_name="forums", verbose_name=_("room")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Seats attendees can book; leave empty to use the room's seats."),
    )
    host = models.CharField(_("host"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    # A draft is on no public page or feed and cannot be registered for; organizers who may
    # preview (agenda.views.may_preview) see it. The admin's add form starts as a draft.
    is_published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Untick to keep it a draft: hidden from the public and from registration."),
    )

    objects = ForumQuerySet.as_manager()

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["starts_at", "position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "slug"],
                name="forum_slug_unique_per_conference",
                violation_error_message=_("This conference already has a forum with this slug."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="forum_ends_after_start",
                violation_error_message=_("A forum must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.capacity is None and self.room_id:
            self.capacity = self.room.seats
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return edition_url("forum", self)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors.setdefault("ends_at", []).append(_("A forum must end after it starts."))
        conference = self.conference if self.conference_id else None
        if (
            conference
            and self.starts_at
            and self.ends_at
            and (self.starts_at < conference.starts_at or self.ends_at > conference.ends_at)
        ):
            errors.setdefault("starts_at", []).append(
                _("A forum must take place between %(first)s and %(last)s.")
                % {"first": conference.start_date, "last": conference.end_date}
            )
        room = self.room if self.room_id else None
        if room and conference and room.conference_id != conference.pk:
            errors.setdefault("room", []).append(_("This room belongs to another conference."))
        elif room and self.starts_at and self.ends_at and self.ends_at > self.starts_at:
            clash = (
                Forum.objects.filter(
                    room=room, starts_at__lt=self.ends_at, ends_at__gt=self.starts_at
                )
                .exclude(pk=self.pk)
                .first()
            )
            if clash:
                errors.setdefault("room", []).append(
                    _("%(room)s already hosts “%(forum)s” at that time.")
                    % {"room": room.name, "forum": clash.title}
                )
        if errors:
            raise ValidationError(errors)

    @property
    def seats_left(self) -> int | None:
        """Free seats, from the ``seated_count`` annotation (None when not annotated)."""
        seated = getattr(self, "seated_count", None)
        if seated is None or self.capacity is None:
            return None
        return max(self.capacity - seated, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0


class Speaker(models.Model):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("conference")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="speakers/", blank=True)
    website = models.URLField(_("website"), blank=True)
    github = models.URLField(_("GitHub"), blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "slug"],
                name="speaker_slug_unique_per_conference",
                violation_error_message=_("This conference already has a speaker with this slug."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return edition_url("speaker", self)

    @property
    def affiliation(self) -> str:
        return ", ".join(part for part in (self.job_title, self.organization) if part)


class Talk(models.Model):
    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="talks",
        editable=False,
        verbose_name=_("conference"),
    )
    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="talks", verbose_name=_("forum")
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=TalkKind, default=TalkKind.TALK)
    abstract = models.TextField(_("abstract"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    speakers = models.ManyToManyField(
        Speaker,
        through="TalkSpeaker",
        related_name="talks",
        blank=True,
        verbose_name=_("speakers"),
    )
    # A draft talk (or any talk of a draft forum) is on no public page or feed.
    is_published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Untick to keep it a draft: hidden from the public."),
    )

    objects = TalkQuerySet.as_manager()

    class Meta:
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        ordering = ["starts_at", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "slug"], name="talk_slug_unique_per_conference"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="talk_ends_after_start",
                violation_error_message=_("A talk must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.conference_id = self.forum.conference_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return edition_url("talk", self)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors.setdefault("ends_at", []).append(_("A talk must end after it starts."))
        forum = self.forum if self.forum_id else None
        if forum:
            self.conference_id = forum.conference_id
            if (
                self.starts_at
                and self.ends_at
                and (self.starts_at < forum.starts_at or self.ends_at > forum.ends_at)
            ):
                tz = forum.conference.tzinfo
                errors.setdefault("starts_at", []).append(
                    _("A talk must lie inside its forum (%(start)s–%(end)s).")
                    % {
                        "start": forum.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                        "end": forum.ends_at.astimezone(tz).strftime("%H:%M"),
                    }
                )
            if (
                self.slug
                and Talk.objects.filter(conference_id=forum.conference_id, slug=self.slug)
                .exclude(pk=self.pk)
                .exists()
            ):
                errors.setdefault("slug", []).append(
                    _("This conference already has a talk with this slug.")
                )
        if errors:
            raise ValidationError(errors)

    @property
    def ordered_speakers(self) -> list["Speaker"]:
        """Speakers in their order; uses the prefetched links when the query made them."""
        links = getattr(self, "speaker_links", None)
        if links is None:
            links = self.talkspeaker_set.select_related("speaker").order_by("position", "pk")
        return [link.speaker for link in links]

    def validate_constraints(self, exclude=None) -> None:
        # The conference comes from the forum; uniqueness of the slug is checked in clean().
        exclude = set(exclude or ()) | {"conference"}
        super().validate_constraints(exclude=exclude)


class TalkSpeaker(models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, verbose_name=_("talk"))
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, verbose_name=_("speaker"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("speaker of a talk")
        verbose_name_plural = _("speakers of the talk")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["talk", "speaker"], name="talk_speaker_unique")
        ]

    def __str__(self) -> str:
        return f"{self.speaker} — {self.talk}"

    def clean(self) -> None:
        if (
            self.talk_id
            and self.speaker_id
            and self.speaker.conference_id != self.talk.forum.conference_id
        ):
            raise ValidationError({"speaker": _("This speaker belongs to another conference.")})


class ChangeKind(models.TextChoices):
    TIME = "time", _("new time")
    ROOM = "room", _("new room")
    CANCELLED = "cancelled", _("cancelled")


class ScheduleChange(models.Model):
    """A change of a published program that attendees may have planned around: a forum or a
    talk moved in time, to another room, or cancelled (agenda.changes records them as the
    program is saved). The public changelog and its Atom feed list them; an organizer
    notifies the people concerned in batches (``notified_at``).

    What changed is kept as it was shown (titles and room names in both languages, times),
    so the record stays readable after the forum or talk is edited again or deleted."""

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="schedule_changes",
        verbose_name=_("conference"),
    )
    forum = models.ForeignKey(
        Forum,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schedule_changes",
        verbose_name=_("forum"),
    )
    talk = models.ForeignKey(
        Talk,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schedule_changes",
        verbose_name=_("talk"),
    )
    kind = models.CharField(_("change"), max_length=20, choices=ChangeKind)
    # {"title": {"en": ..., "zh_hans": ...}, "forum": {...}} as shown when it changed.
    subject = models.JSONField(_("what"), default=dict)
    # {"starts_at": ISO, "ends_at": ISO, "room": {"en": ..., "zh_hans": ...}}
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True, db_index=True)
    notified_at = models.DateTimeField(_("attendees notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("schedule change")
        verbose_name_plural = _("schedule changes")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title()}: {self.get_kind_display()}"

    def title(self, language: str | None = None) -> str:
        """The talk's or forum's title in ``language`` (the reader's by default)."""
        return _in_language(self.subject.get("title", {}), language)

    def forum_title(self, language: str | None = None) -> str:
        return _in_language(self.subject.get("forum", {}), language)

    def room_before(self, language: str | None = None) -> str:
        return _in_language(self.before.get("room", {}), language)

    def room_after(self, language: str | None = None) -> str:
        return _in_language(self.after.get("room", {}), language)

    def times(self, side: str) -> tuple[dt.datetime, dt.datetime] | None:
        values = getattr(self, side)
        if not values.get("starts_at"):
            return None
        starts = dt.datetime.fromisoformat(values["starts_at"])
        ends = dt.datetime.fromisoformat(values["ends_at"])
        return starts, ends


def _in_language(texts: dict, language: str | None) -> str:
    from django.utils.translation import get_language

    code = (language or get_language() or "en").replace("-", "_").lower()
    key = "zh_hans" if code.startswith("zh") else "en"
    return texts.get(key) or texts.get("en") or texts.get("zh_hans") or ""


class Partner(models.Model):
    """A host, sponsor, partner or media partner of a conference, shown with its logo on the
    home page (grouped by kind, in ``position`` order)."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="partners", verbose_name=_("conference")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=PartnerKind, default=PartnerKind.SPONSOR
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="partners/",
        blank=True,
        help_text=_("Shown on white, at most 64 pixels high; without a logo, the name is shown."),
    )
    url = models.URLField(_("website"), blank=True)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["conference", "position", "pk"]

    def __str__(self) -> str:
        return self.name

"""Attendees' registrations and their forum picks. Written only by registration.services."""

import unicodedata

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from agenda.models import Conference, Forum, ScheduleChange
from registration.enums import Language, PickStatus, RegistrationStatus
from registration.queries import ForumPickQuerySet, RegistrationQuerySet
from registration.tickets import (  # noqa: F401 (migrations name these defaults here)
    CALENDAR_LINK,
    MANAGE_LINK,
    SECRET_LINKS,
    TICKET_ALPHABET,
    TICKET_LENGTH,
    format_ticket_code,
    new_manage_token,
    new_ticket_code,
    normalize_ticket_code,
)

# What an attendee tells us about themselves (the form, the admin, exports, erasure).
ATTENDEE_FIELDS = (
    "full_name",
    "email",
    "organization",
    "job_title",
    "phone",
    "language",
    "newsletter",
)

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{5,30}$",
    _("Enter a phone number with digits, spaces, dashes and an optional leading +."),
)


def issue_missing_links(registration) -> None:
    """Give a registration about to be inserted its secret links (the hashes are unique and
    not null, and a token needs no id: see Registration)."""
    for link in SECRET_LINKS:
        if not getattr(registration, link.hash_field):
            link.issue(registration)


# What the check-in desk searches (Registration.search_text is made of these).
SEARCHED_FIELDS = ("full_name", "email", "organization", "phone", "ticket_code")


def searchable(value: str) -> str:
    """Text as the desk search compares it: compatibility-decomposed (full-width letters
    become plain ones), accents dropped (José is jose), case-folded, runs of spaces made
    one. Done in Python, once per save, because neither SQLite nor PostgreSQL (without the
    unaccent extension, which needs a superuser) can drop accents in a query."""
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def search_text_of(registration) -> str:
    """The ``search_text`` column of a registration: name, email, organization, phone (also
    as bare digits) and ticket code (also with its dash), one per line, ``searchable``."""
    phone_digits = "".join(ch for ch in registration.phone or "" if ch.isdigit())
    code = registration.ticket_code or ""
    parts = [
        registration.full_name,
        registration.email,
        registration.organization,
        registration.phone,
        phone_digits,
        code,
        format_ticket_code(code) if code else "",
    ]
    return "\n".join(searchable(part or "") for part in parts)


class RegistrationManager(models.Manager.from_queryset(RegistrationQuerySet)):
    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(): issue the links and fill the search column here too.
        objs = list(objs)
        for registration in objs:
            issue_missing_links(registration)
            registration.search_text = search_text_of(registration)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        # Erasure blanks names with bulk_update: the search column must forget them too.
        fields = list(fields)
        if set(fields) & set(SEARCHED_FIELDS):
            objs = list(objs)
            for registration in objs:
                registration.search_text = search_text_of(registration)
            if "search_text" not in fields:
                fields.append("search_text")
        return super().bulk_update(objs, fields, *args, **kwargs)


class Registration(models.Model):
    """One attendee's registration for one conference.

    **Secret links.** The private page (``/r/<token>/``, acts as the attendee) and the calendar
    feed (``/calendar/<token>.ics``, reads seated forums only) are opened by tokens that are
    derived, never stored: ``token = base64url(HMAC-SHA256(key from SECRET_KEY and the salt
    "gotc.manage" or "gotc.calendar", nonce))`` (``registration.tickets``). The row keeps each
    link's random nonce and the SHA-256 of its token (unique, indexed); a lookup hashes what
    it is given. So the database alone (a dump, a backup, SQL access, a regex on the admin
    list) opens nothing, while the site can email the *same* link again ("Lost your link?").
    A new nonce replaces a link: the attendee's "this link leaked" and the organizers'
    "revoke" replace the private link only, so calendar subscriptions keep working (the
    calendar link cannot change anything); erasure replaces both. The nonce alone identifies
    a link (no id in the derivation), so both columns are filled before the first INSERT.

    Rows from before derived links (migration 0007) keep their old token's hash and an empty
    manage nonce: their emailed links keep working until the first email that carries a link,
    which issues a nonce (``SecretLink.current_token``); after a SECRET_KEY change, every row
    is renewed the same way.
    """

    conference = models.ForeignKey(
        Conference,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("conference"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    organization = models.CharField(_("organization"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    language = models.CharField(
        _("preferred language"), max_length=10, choices=Language, default=Language.ENGLISH
    )
    consent_at = models.DateTimeField(_("privacy notice accepted"))
    newsletter = models.BooleanField(_("newsletter"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegistrationStatus,
        default=RegistrationStatus.CONFIRMED,
    )
    ticket_code = models.CharField(
        _("ticket code"), max_length=TICKET_LENGTH, unique=True, default=new_ticket_code
    )
    manage_nonce = models.CharField(
        _("private link nonce"), max_length=32, blank=True, default="", editable=False
    )
    manage_token_hash = models.CharField(
        _("private link hash"), max_length=64, unique=True, editable=False
    )
    calendar_nonce = models.CharField(
        _("calendar link nonce"), max_length=32, blank=True, default="", editable=False
    )
    calendar_token_hash = models.CharField(
        _("calendar link hash"), max_length=64, unique=True, editable=False
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reconfirmation_sent_at = models.DateTimeField(_("“still coming?” sent"), null=True, blank=True)
    reconfirmed_at = models.DateTimeField(_("confirmed still coming"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # What the check-in desk searches (``search_text_of``), kept in step by save(),
    # bulk_create() and bulk_update(); never typed.
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    objects = RegistrationManager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "conference",
                condition=models.Q(status=RegistrationStatus.CONFIRMED),
                name="one_active_registration_per_email",
                violation_error_message=_("This email already has a registration."),
            )
        ]
        indexes = [models.Index(Lower("email"), "conference", name="registration_email_idx")]
        permissions = [
            ("export_registrations", _("Can export attendee lists")),
            ("check_in", _("Can check attendees in")),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    # No get_absolute_url: the private page acts as the attendee, and the admin's "view on
    # site" would hand it to staff.

    def save(self, *args, **kwargs):
        issue_missing_links(self)  # a new registration gets its links with its first INSERT
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.search_text = search_text_of(self)
        elif set(update_fields) & set(SEARCHED_FIELDS):
            # Only then: a check-in saving two columns reads no deferred name field.
            self.search_text = search_text_of(self)
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def manage_token(self) -> str | None:
        """The private link's token, derived (None for a link from before 0007)."""
        return MANAGE_LINK.token(self)

    @property
    def calendar_token(self) -> str | None:
        """The calendar link's token, derived."""
        return CALENDAR_LINK.token(self)

    @property
    def is_active(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def ticket_display(self) -> str:
        return format_ticket_code(self.ticket_code)


class ForumPick(models.Model):
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="picks", verbose_name=_("registration")
    )
    forum = models.ForeignKey(
        Forum, on_delete=models.PROTECT, related_name="picks", verbose_name=_("forum")
    )
    status = models.CharField(_("status"), max_length=20, choices=PickStatus)
    # When the pick was (last) made: the waiting list is served in this order.
    picked_at = models.DateTimeField(_("picked at"))
    seated_at = models.DateTimeField(_("seated at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("came to the forum"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ForumPickQuerySet.as_manager()

    class Meta:
        verbose_name = _("forum pick")
        verbose_name_plural = _("forum picks")
        ordering = ["forum__starts_at", "picked_at"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "forum"], name="one_pick_per_forum")
        ]
        indexes = [models.Index(fields=["forum", "status", "picked_at"], name="pick_queue_idx")]

    def __str__(self) -> str:
        return f"{self.registration.full_name} — {self.forum} ({self.get_status_display()})"

    @property
    def is_seated(self) -> bool:
        return self.status == PickStatus.SEATED

    @property
    def queue_position(self) -> int | None:
        """1-based place on the waiting list (from ``with_queue_position``)."""
        ahead = getattr(self, "queue_ahead", None)
        if self.status != PickStatus.WAITING or ahead is None:
            return None
        return ahead + 1


class ExportLog(models.Model):
    """Who exported which attendee list, when, and how many rows (personal data leaves here)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="+", verbose_name=_("conference")
    )
    forum = models.ForeignKey(
        Forum,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forum"),
    )
    file_format = models.CharField(_("format"), max_length=10)
    source = models.CharField(_("from"), max_length=20, default="staff")
    filters = models.JSONField(_("filters"), default=dict)
    columns = models.JSONField(_("columns"), default=list)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.username} {self.file_format} {self.created_at:%Y-%m-%d %H:%M}"


class ExportPreference(models.Model):
    """The export columns a staff member chose last time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_preference",
        verbose_name=_("user"),
    )
    columns = models.JSONField(_("columns"), default=list)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("export preference")
        verbose_name_plural = _("export preferences")

    def __str__(self) -> str:
        return str(self.user)


class PendingEmail(models.Model):
    """An email owed to an attendee, written in the same transaction as the change that owes
    it (a transactional outbox). Right after commit it is rendered into the mail queue; if the
    process dies first, the mail worker renders it. Rendering stays out of the locked part.

    A row without a registration is a stand-in, dropped unsent: written where a request must
    do the same work whether or not an address is registered (no email enumeration)."""

    registration = models.ForeignKey(
        Registration, models.CASCADE, null=True, related_name="+", verbose_name=_("registration")
    )
    kind = models.CharField(_("kind"), max_length=30)
    forum = models.ForeignKey(
        Forum, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # For a "schedule_change" email: the batch of changes it tells of.
    notice = models.ForeignKey(
        "ChangeNotice", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # For a "mailing" email: what organizers wrote (registration.services.mailings).
    mailing = models.ForeignKey(
        "Mailing", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("pending email")
        verbose_name_plural = _("pending emails")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.registration_id}"


class DoorOverride(models.Model):
    """A volunteer let someone into a forum they hold no seat in ("Let in anyway" at the
    door): who, when, where. Kept apart from the picks because the person may have no pick
    in that forum at all; undoing the check-in removes it with the door check-ins."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="door_overrides",
        verbose_name=_("registration"),
    )
    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="door_overrides", verbose_name=_("forum")
    )
    let_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("let in by"),
    )
    # The username as it was, should the account be deleted later.
    username = models.CharField(_("username"), max_length=150)
    let_in_at = models.DateTimeField(_("let in at"))

    class Meta:
        verbose_name = _("door override")
        verbose_name_plural = _("door overrides")
        ordering = ["-let_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "forum"], name="one_door_override_per_forum"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration.full_name} → {self.forum} ({self.username})"


class ChangeNotice(models.Model):
    """A batch of schedule changes an organizer told attendees about: one email to each person
    seated or waiting in a changed forum, listing the changes that concern them
    (registration.services.notices). A change is in at most one notice, so publishing the same
    changes twice sends nothing twice."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="+", verbose_name=_("conference")
    )
    changes = models.ManyToManyField(
        ScheduleChange, related_name="notices", verbose_name=_("schedule changes")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    recipients = models.PositiveIntegerField(_("emails queued"), default=0)

    class Meta:
        verbose_name = _("schedule change notice")
        verbose_name_plural = _("schedule change notices")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.conference} · {self.created_at:%Y-%m-%d %H:%M}"


class Star(models.Model):
    """A talk an attendee starred: kept on the server so that their stars follow them from
    phone to laptop (registration.stars). Everyone else's stars stay in their browser."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="stars", verbose_name=_("registration")
    )
    talk = models.ForeignKey(
        "agenda.Talk", on_delete=models.CASCADE, related_name="stars", verbose_name=_("talk")
    )
    created_at = models.DateTimeField(_("starred"), auto_now_add=True)

    class Meta:
        verbose_name = _("star")
        verbose_name_plural = _("stars")
        ordering = ["talk__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "talk"], name="one_star_per_talk")
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} ★ {self.talk_id}"


# ---------------------------------------------------------------------------------------------
# Registration questions: what organizers ask on top of the person fields (dietary needs,
# an interpretation headset, a T-shirt size...). Built into forms by registration.questions.


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Short text")
    TEXTAREA = "textarea", _("Long text")
    CHOICE = "choice", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    BOOLEAN = "boolean", _("Yes or no")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    COUNTRY = "country", _("Country or region")


# The kinds whose answers are picked from the question's choices.
CHOICE_KINDS = (QuestionKind.CHOICE, QuestionKind.MULTIPLE)


class Question(models.Model):
    """A question of a conference's registration form. Label, help text and choices are in
    both languages (registration/translation.py). With forums, it is asked only of people
    who pick one of them."""

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("conference"),
    )
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(
        _("answer type"), max_length=20, choices=QuestionKind, default=QuestionKind.TEXT
    )
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    forums = models.ManyToManyField(
        Forum,
        blank=True,
        related_name="questions",
        verbose_name=_("only for these forums"),
        help_text=_(
            "Asked only of people who pick one of these forums. Leave empty to ask everyone."
        ),
    )
    show_at_desk = models.BooleanField(
        _("show at the desk"),
        default=False,
        help_text=_("The answer is shown at check-in."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive questions are not asked.")
    )

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["conference", "position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS


class QuestionChoice(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    label = models.CharField(_("choice"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class Answer(models.Model):
    """One registration's answer to one question: ``value`` for text, number, ISO date,
    country code and "yes"/"no"; ``choices`` for one or several choices."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("registration"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    value = models.TextField(_("answer"), blank=True, default="")
    choices = models.ManyToManyField(
        QuestionChoice, blank=True, related_name="answers", verbose_name=_("choices")
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} · {self.question_id}"


# ---------------------------------------------------------------------------------------------
# Targeted email (registration.services.mailings) and forum hosts (registration.staff.scope).


class ForumHost(models.Model):
    """A staff account that runs one forum for a partner team: it sees, exports, emails and
    checks in the attendees of the forums it hosts, and nobody else (``staff.scope``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="hosted_forums",
        verbose_name=_("user"),
    )
    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="hosts", verbose_name=_("forum")
    )

    class Meta:
        verbose_name = _("forum host")
        verbose_name_plural = _("forum hosts")
        ordering = ["forum__starts_at", "user__username"]
        # The mark of a forum host's account (the "Forum hosts" group has it): it narrows
        # what the account sees to the forums of its ForumHost rows (staff.scope).
        permissions = [("host_forums", _("Sees only the attendees of the forums they host"))]
        constraints = [
            models.UniqueConstraint(fields=["user", "forum"], name="one_host_row_per_forum")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.forum}"


class MailingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")


class Mailing(models.Model):
    """An email organizers (or a forum's hosts) write to a chosen set of attendees: in
    English and Chinese, each attendee getting the one in their language. ``forum`` (none:
    every forum) and ``filters`` choose who; queuing writes one ``MailingRecipient`` per
    person, exactly once, and owes each of them the email through the outbox."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="+", verbose_name=_("conference")
    )
    forum = models.ForeignKey(
        Forum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forum"),
    )
    # The rest of the recipient filter (registration.services.mailings.RecipientFilter).
    filters = models.JSONField(_("recipient filter"), default=dict, blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_en = models.TextField(_("message (English)"))
    subject_zh = models.CharField(_("subject (Chinese)"), max_length=200)
    body_zh = models.TextField(_("message (Chinese)"))
    status = models.CharField(
        _("status"), max_length=10, choices=MailingStatus, default=MailingStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("queued by"),
    )
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("email to attendees")
        verbose_name_plural = _("emails to attendees")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject_en or self.subject_zh

    def subject_and_body(self, language: str) -> tuple[str, str]:
        if language == Language.CHINESE:
            return self.subject_zh, self.body_zh
        return self.subject_en, self.body_en


class MailingRecipient(models.Model):
    """One person a mailing was queued for: the log of who got what. The pair is unique, so
    a mailing reaches each person once, however often or concurrently it is queued.
    ``email`` is the copy in the mail queue, set when the outbox renders it; its status is
    the delivery's."""

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("email")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="+", verbose_name=_("registration")
    )
    # Place in the sending order: the email is due at queued_at + position / rate.
    position = models.PositiveIntegerField(_("position"))
    language = models.CharField(_("language"), max_length=10, choices=Language)
    email = models.ForeignKey(
        "post_office.Email",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("email in the mail queue"),
    )

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["mailing", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "registration"], name="one_mailing_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mailing_id} → {self.registration_id}"

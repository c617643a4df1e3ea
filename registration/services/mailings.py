"""Targeted email: organizers, or a forum's hosts, write to a chosen set of attendees.

- **Who** (``RecipientFilter``): a forum or all of them, seated / waiting / both, checked in or
  not, a language, an answer to a registration question (a choice, or yes / no). Only
  confirmed registrations, and only those the writer may see (``registration.staff.scope``:
  a forum host reaches the attendees of their forums and no one else).
- **What**: a subject and a body in English and in Chinese; each attendee gets the one in
  their language. ``{name}``, ``{manage_url}`` (their private link), ``{ticket_code}`` and
  ``{conference}`` are filled in per person. ``template_errors`` rejects any other
  placeholder and any stray brace: the admin form runs it, so a typo is an error at preview,
  never at send time.
- **Queue** (``queue``): one transaction locks the mailing, and only a draft is queued, so a
  second click, or a second organizer at the same moment, queues nothing more; the unique
  (mailing, registration) pair makes "once per person" a database rule as well. It writes one
  ``MailingRecipient`` (the log of who got what) and one outbox row per person, in bulk: a
  fixed number of queries per 2,000 people. The outbox (``registration.mailing``) renders
  each email in the attendee's language, due at ``queued_at + position / rate``
  (``MAILING_RATE_PER_MINUTE``), so the mail workers send at a steady pace.
- **Progress** comes from the mail queue's own statuses (queued, sent, failed). A person
  whose registration was cancelled before their email was rendered gets none.
- **A test** goes to the writer's own address, marked as a test and logged nowhere as sent to
  an attendee; like the preview, it carries no attendee's private link.
"""

import copy
import string
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from post_office.models import PRIORITY, STATUS, Email

from registration import mailing as outbox
from registration.enums import Language, PickStatus, RegistrationStatus
from registration.models import (
    Answer,
    ForumPick,
    Mailing,
    MailingRecipient,
    MailingStatus,
    PendingEmail,
    Registration,
)
from registration.tickets import MANAGE_LINK

KIND = "mailing"
PLACEHOLDERS = ("name", "manage_url", "ticket_code", "conference")
PREVIEW_SIZE = 20
BATCH = 2000
# Emails per minute a mailing is spread over when settings.MAILING_RATE_PER_MINUTE is unset.
DEFAULT_RATE_PER_MINUTE = 60

# The recipient filter's choices (stored in Mailing.filters).
PICKS = {
    "any": (PickStatus.SEATED, PickStatus.WAITING),
    "seated": (PickStatus.SEATED,),
    "waiting": (PickStatus.WAITING,),
}
CHECKED_IN = ("any", "yes", "no")
YES_NO = ("yes", "no")


@dataclass(frozen=True)
class RecipientFilter:
    """Who a mailing goes to, besides its forum (``Mailing.forum``, None: every forum)."""

    picks: str = "any"  # a key of PICKS
    checked_in: str = "any"  # one of CHECKED_IN (at the entrance)
    language: str = ""  # a Language value, or "" for both
    question: int | None = None  # a Question id of the mailing's conference
    choice: int | None = None  # for a choice question: one of its QuestionChoice ids
    answer: str = ""  # for a yes / no question: "yes" or "no"

    @classmethod
    def of(cls, mailing: Mailing) -> "RecipientFilter":
        """The filter stored on ``mailing`` (what the admin form wrote; unknown keys and
        values fall back to "anyone", which the form never stores)."""
        data = mailing.filters or {}
        return cls(
            picks=data.get("picks") if data.get("picks") in PICKS else "any",
            checked_in=data.get("checked_in") if data.get("checked_in") in CHECKED_IN else "any",
            language=data.get("language") if data.get("language") in Language.values else "",
            question=_int_or_none(data.get("question")),
            choice=_int_or_none(data.get("choice")),
            answer=data.get("answer") if data.get("answer") in YES_NO else "",
        )

    def as_json(self) -> dict:
        return {
            "picks": self.picks,
            "checked_in": self.checked_in,
            "language": self.language,
            "question": self.question,
            "choice": self.choice,
            "answer": self.answer,
        }


def _int_or_none(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def recipients(mailing: Mailing, scope) -> QuerySet[Registration]:
    """The confirmed registrations ``mailing`` goes to, of those ``scope`` allows, by id."""
    wanted = RecipientFilter.of(mailing)
    people = Registration.objects.filter(
        conference_id=mailing.conference_id, status=RegistrationStatus.CONFIRMED
    )
    if mailing.forum_id is not None or wanted.picks != "any" or scope.is_limited:
        picks = ForumPick.objects.filter(
            forum__conference_id=mailing.conference_id, status__in=PICKS[wanted.picks]
        )
        if mailing.forum_id is not None:
            picks = picks.filter(forum_id=mailing.forum_id)
        people = people.filter(pk__in=scope.picks(picks).values("registration_id"))
    if wanted.checked_in != "any":
        people = people.filter(checked_in_at__isnull=wanted.checked_in == "no")
    if wanted.language:
        people = people.filter(language=wanted.language)
    if wanted.question is not None:
        answers = Answer.objects.filter(
            question_id=wanted.question, question__conference_id=mailing.conference_id
        )
        if wanted.choice is not None:
            answers = answers.filter(choices=wanted.choice)
        elif wanted.answer:
            answers = answers.filter(value=wanted.answer)
        people = people.filter(pk__in=answers.values("registration_id"))
    return people.order_by("pk")


# --- placeholders ------------------------------------------------------------------------------


def template_errors(text: str) -> list[str]:
    """What is wrong with the placeholders of a subject or body (nothing: an empty list)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return [
            _(
                "A brace { or } has no partner. Placeholders are written {name}; "
                "to show a brace itself, type it twice: {{ or }}."
            )
        ]
    errors = []
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for _literal, name, format_spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or format_spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "")
            shown += (f":{format_spec}" if format_spec else "") + "}"
            message = _("Unknown placeholder %(placeholder)s. Use only %(known)s.")
            errors.append(message % {"placeholder": shown, "known": known})
    return errors


def mailing_errors(mailing: Mailing) -> list[str]:
    """The placeholder errors of all four texts of ``mailing``."""
    texts = (mailing.subject_en, mailing.body_en, mailing.subject_zh, mailing.body_zh)
    return [error for text in texts for error in template_errors(text)]


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders replaced (checked by ``template_errors`` first)."""
    return text.format_map(values)


def placeholder_values(registration: Registration) -> dict[str, str]:
    token = MANAGE_LINK.current_token(registration)
    with translation.override(registration.language):
        conference = str(registration.conference.name)
    return {
        "name": registration.full_name,
        "manage_url": outbox.absolute_url(reverse("registration:manage", kwargs={"token": token})),
        "ticket_code": registration.ticket_display,
        "conference": conference,
    }


def email_context(mailing: Mailing, registration: Registration) -> dict:
    """What the "mailing" email templates need beyond ``render_email``'s context: the subject
    and body in the attendee's language, placeholders filled."""
    subject, body = mailing.subject_and_body(registration.language)
    values = placeholder_values(registration)
    return {"mailing_subject": fill(subject, values), "mailing_body": fill(body, values)}


def render_for(mailing: Mailing, registration: Registration, language: str | None = None):
    """(subject, text, html) of ``mailing`` as ``registration`` gets it (in ``language``
    when given), exactly as the outbox renders it."""
    if language is not None and language != registration.language:
        registration = copy.copy(registration)
        registration.language = language
    return outbox.render_email(registration, KIND, **email_context(mailing, registration))


def without_links(text: str) -> str:
    """``text`` with private links replaced: for staff eyes (preview, test)."""
    return outbox.SECRET_PATH.sub(outbox.LINK_REMOVED, text)


# --- preview, test ---------------------------------------------------------------------------


@dataclass
class Rendered:
    language: str
    language_name: str
    subject: str
    text: str


@dataclass
class Preview:
    count: int
    by_language: list[tuple[str, int]]
    first: list[Registration]
    sample: Registration | None
    emails: list[Rendered] = field(default_factory=list)


def preview(mailing: Mailing, scope, *, render: bool = True) -> Preview:
    """The count, per language, the first PREVIEW_SIZE recipients, and (with ``render``) the
    first one's email in both languages (private links removed)."""
    people = recipients(mailing, scope)
    names = dict(Language.choices)
    counts = people.order_by().values("language").annotate(n=Count("pk")).order_by("-n")
    by_language = [(names.get(row["language"], row["language"]), row["n"]) for row in counts]
    first = list(people.select_related("conference")[:PREVIEW_SIZE])
    result = Preview(
        count=sum(n for _name, n in by_language),
        by_language=by_language,
        first=first,
        sample=first[0] if first else None,
    )
    if render and result.sample is not None:
        for language, name in Language.choices:
            subject, text, _html = render_for(mailing, result.sample, language)
            result.emails.append(Rendered(language, name, subject, without_links(text)))
    return result


class NoAddress(Exception):
    """The staff member asking for a test has no email address."""


def send_test(mailing: Mailing, sample: Registration, *, to: str) -> list[int]:
    """Send ``mailing`` as ``sample`` would get it, in both languages, to ``to`` (the staff
    member), marked as a test. Logged nowhere as sent to an attendee. Returns Email ids."""
    if not to:
        raise NoAddress
    ids = []
    for language, _name in Language.choices:
        subject, text, html = render_for(mailing, sample, language)
        with translation.override(language):
            marked = _("[Test] %(subject)s") % {"subject": subject}
        email = Email.objects.create(
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            subject=marked,
            message=without_links(text),
            html_message=without_links(html),
            status=STATUS.queued,
            priority=PRIORITY.high,
        )
        ids.append(email.pk)
    if settings.EMAIL_DELIVERY == "immediate":
        transaction.on_commit(lambda: outbox.deliver(ids))
    return ids


# --- queue -------------------------------------------------------------------------------------


def queue(mailing_id: int, scope, *, by) -> int | None:
    """Owe every recipient of a draft mailing its email, once. Returns how many were queued,
    or None when the mailing was no longer a draft (queued by an earlier click, or by someone
    else at the same moment): nothing is queued twice."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
        if mailing is None or mailing.status != MailingStatus.DRAFT:
            return None
        people = list(recipients(mailing, scope).values_list("pk", "language"))
        if not people:
            return 0
        mailing.status = MailingStatus.QUEUED
        mailing.queued_at = timezone.now()
        mailing.queued_by = by
        mailing.recipient_count = len(people)
        mailing.save(update_fields=["status", "queued_at", "queued_by", "recipient_count"])
        MailingRecipient.objects.bulk_create(
            [
                MailingRecipient(
                    mailing_id=mailing.pk, registration_id=pk, position=position, language=language
                )
                for position, (pk, language) in enumerate(people)
            ],
            batch_size=BATCH,
        )
        pending = PendingEmail.objects.bulk_create(
            [
                PendingEmail(registration_id=pk, kind=KIND, mailing_id=mailing.pk)
                for pk, _ in people
            ],
            batch_size=BATCH,
        )
        if settings.EMAIL_DELIVERY == "immediate":
            ids = [p.pk for p in pending]
            transaction.on_commit(lambda: outbox.flush(ids))
    return len(people)


def rate_per_minute() -> int:
    return max(int(getattr(settings, "MAILING_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE)), 1)


def wanted(item: PendingEmail) -> bool:
    """Is the outbox row of a mailing still to be sent? Not once the registration is
    cancelled (the log then shows no email for that person)."""
    return item.registration.status == RegistrationStatus.CONFIRMED


def rendered(item: PendingEmail, email: Email) -> None:
    """The outbox rendered ``item`` into ``email``: log it, and make it due at its turn."""
    recipient = MailingRecipient.objects.filter(
        mailing_id=item.mailing_id, registration_id=item.registration_id
    ).first()
    if recipient is None:
        return
    recipient.email = email
    recipient.save(update_fields=["email"])
    queued_at = item.mailing.queued_at or timezone.now()
    due = queued_at + timedelta(minutes=recipient.position / rate_per_minute())
    if due > timezone.now():
        Email.objects.filter(pk=email.pk).update(scheduled_time=due)


# --- progress --------------------------------------------------------------------------------


@dataclass
class Progress:
    total: int
    waiting: int  # owed, not in the mail queue yet
    queued: int  # in the mail queue, not sent yet (including retries)
    sent: int
    failed: int
    skipped: int  # cancelled before their email was written: none sent

    @property
    def done(self) -> bool:
        return not (self.waiting or self.queued)


def progress(mailing: Mailing) -> Progress:
    """Where the emails of ``mailing`` are (three queries); a mailing whose every email is
    sent or failed becomes "sent"."""
    counts = MailingRecipient.objects.filter(mailing=mailing).aggregate(
        total=Count("pk"),
        rendered=Count("email"),
        sent=Count("pk", filter=Q(email__status=STATUS.sent)),
        failed=Count("pk", filter=Q(email__status=STATUS.failed)),
    )
    waiting = PendingEmail.objects.filter(mailing=mailing).count()
    result = Progress(
        total=counts["total"],
        waiting=waiting,
        queued=counts["rendered"] - counts["sent"] - counts["failed"],
        sent=counts["sent"],
        failed=counts["failed"],
        skipped=counts["total"] - counts["rendered"] - waiting,
    )
    if result.done and result.total and mailing.status != MailingStatus.SENT:
        Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.QUEUED).update(
            status=MailingStatus.SENT
        )
        mailing.status = MailingStatus.SENT
    return result

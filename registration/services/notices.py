"""Telling attendees that their program moved: one email per person per batch of changes.

agenda.changes records each schedule change of a published program. An organizer picks the
changes to announce (the admin's "Notify attendees" action), sees who gets what, and
publishes: everyone seated or waiting in a changed forum gets ONE email, in their language,
listing the changes that concern them (and so does everyone who starred a changed talk),
through the outbox (registration.mailing). A change
goes into one notice only (the changes are locked and marked in the same transaction), so
publishing the same changes twice, or from two browser tabs at once, sends nothing twice.

Before publishing, the plan flags people a moved forum now makes seated in two forums at once.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agenda.models import Conference, Forum, ScheduleChange
from registration import mailing
from registration.enums import Language
from registration.models import ChangeNotice, ForumPick, PendingEmail, Registration, Star

PREVIEW_SIZE = 20
KIND = "schedule_change"


@dataclass
class Clash:
    registration: Registration
    moved: Forum
    other: Forum


@dataclass
class NoticePlan:
    """Who would get what if ``changes`` were published now."""

    changes: list[ScheduleChange]
    already_notified: list[ScheduleChange]
    # registration id -> the changes that concern them
    recipients: dict[int, list[ScheduleChange]] = field(default_factory=dict)
    languages: Counter = field(default_factory=Counter)
    preview: list[tuple[Registration, list[ScheduleChange]]] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.recipients)

    @property
    def by_language(self) -> list[tuple[str, int]]:
        """[(language name, people)], most first (a template cannot iterate a Counter)."""
        names = dict(Language.choices)
        return [(names.get(code, code), n) for code, n in self.languages.most_common()]


def _recipients(
    changes: list[ScheduleChange], only: int | None = None
) -> dict[int, list[ScheduleChange]]:
    """Everyone seated or waiting in a changed forum, everyone who starred a changed (or
    cancelled) talk or a talk of a changed forum: registration id -> their changes."""
    by_forum: dict[int, list[ScheduleChange]] = defaultdict(list)
    by_talk: dict[int, list[ScheduleChange]] = defaultdict(list)
    forum_wide: dict[int, list[ScheduleChange]] = defaultdict(list)
    recipients: dict[int, list[ScheduleChange]] = defaultdict(list)
    for change in changes:
        if change.forum_id:
            by_forum[change.forum_id].append(change)
            if change.talk_id is None:
                forum_wide[change.forum_id].append(change)
        if change.talk_id:
            by_talk[change.talk_id].append(change)
        for registration_id in change.subject.get("starred_by", []):
            if only is None or registration_id == only:
                recipients[registration_id].append(change)
    picks = (
        ForumPick.objects.live()
        .filter(forum_id__in=by_forum, registration__status="confirmed")
        .values_list("registration_id", "forum_id")
    )
    if only is not None:
        picks = picks.filter(registration_id=only)
    for registration_id, forum_id in picks.iterator(chunk_size=2000):
        recipients[registration_id].extend(by_forum[forum_id])
    starred = (
        Star.objects.filter(registration__status="confirmed")
        .filter(Q(talk_id__in=by_talk) | Q(talk__forum_id__in=forum_wide))
        .values_list("registration_id", "talk_id", "talk__forum_id")
    )
    if only is not None:
        starred = starred.filter(registration_id=only)
    for registration_id, talk_id, forum_id in starred.iterator(chunk_size=2000):
        recipients[registration_id].extend(by_talk.get(talk_id, []))
        recipients[registration_id].extend(forum_wide.get(forum_id, []))
    active = set(
        Registration.objects.filter(pk__in=list(recipients), status="confirmed").values_list(
            "pk", flat=True
        )
    )
    # Each change once per person, in the order recorded.
    return {
        pk: sorted(set(found), key=lambda change: (change.recorded_at, change.pk))
        for pk, found in recipients.items()
        if pk in active
    }


def _clashes(changes: list[ScheduleChange]) -> list[Clash]:
    """Seated people whose moved forum now overlaps another forum they are seated in."""
    moved = {c.forum for c in changes if c.forum_id and c.talk_id is None and c.kind == "time"}
    found = []
    for forum in sorted(moved, key=lambda f: f.pk):
        seated_here = ForumPick.objects.seated().filter(forum=forum).values("registration_id")
        others = (
            ForumPick.objects.seated()
            .filter(
                registration_id__in=seated_here,
                forum__starts_at__lt=forum.ends_at,
                forum__ends_at__gt=forum.starts_at,
            )
            .exclude(forum=forum)
            .select_related("registration", "forum")
            .order_by("registration__full_name", "pk")
        )
        found += [Clash(pick.registration, forum, pick.forum) for pick in others]
    return found


def plan(conference: Conference, change_ids) -> NoticePlan:
    changes = list(
        ScheduleChange.objects.filter(conference=conference, pk__in=list(change_ids))
        .select_related("forum", "talk")
        .order_by("recorded_at", "pk")
    )
    result = NoticePlan(
        changes=[c for c in changes if c.notified_at is None],
        already_notified=[c for c in changes if c.notified_at is not None],
    )
    result.recipients = _recipients(result.changes)
    ids = sorted(result.recipients)
    languages = Registration.objects.filter(pk__in=ids).values_list("language", flat=True)
    result.languages = Counter(languages.iterator(chunk_size=2000))
    first = Registration.objects.filter(pk__in=ids[:PREVIEW_SIZE]).order_by("pk")
    result.preview = [(r, result.recipients[r.pk]) for r in first]
    result.clashes = _clashes(result.changes)
    return result


def publish(conference: Conference, change_ids, *, by) -> ChangeNotice | None:
    """Queue the emails for the not-yet-announced changes among ``change_ids``: one per
    person concerned. Returns the notice, or None when there was nothing left to announce."""
    with transaction.atomic():
        changes = list(
            ScheduleChange.objects.select_for_update()
            .filter(conference=conference, pk__in=list(change_ids), notified_at__isnull=True)
            .order_by("pk")
        )
        if not changes:
            return None
        recipients = _recipients(changes)
        notice = ChangeNotice.objects.create(
            conference=conference, created_by=by, recipients=len(recipients)
        )
        notice.changes.set(changes)
        ScheduleChange.objects.filter(pk__in=[c.pk for c in changes]).update(
            notified_at=timezone.now()
        )
        pending = PendingEmail.objects.bulk_create(
            [PendingEmail(registration_id=pk, kind=KIND, notice=notice) for pk in recipients],
            batch_size=1000,
        )
        if settings.EMAIL_DELIVERY == "immediate":
            ids = [p.pk for p in pending]
            transaction.on_commit(lambda: mailing.flush(ids))
    return notice


def changes_for(registration: Registration, notice: ChangeNotice) -> list[ScheduleChange]:
    """The changes of ``notice`` that concern ``registration`` (rendering its email)."""
    changes = list(
        notice.changes.select_related("forum", "talk", "conference").order_by("recorded_at", "pk")
    )
    # Only this person's picks and stars are read: the worker renders one email at a time.
    return _recipients(changes, only=registration.pk).get(registration.pk, [])

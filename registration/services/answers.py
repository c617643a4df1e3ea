"""Answers to the registration questions: written with the registration (``register``), and
changed by the attendee on their private page while registration is open.

An answer exists only where there is something to keep: a question left blank, or one that
does not apply (it is asked only of people in forums the attendee did not pick), has no row.
Which questions apply, and whether an answer is valid, the forms decide
(``registration.questions``); this module writes what they hand over.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registration.models import Answer, Question, QuestionChoice, Registration
from registration.services.errors import NotActive
from registration.services.locking import lock_one
from registration.services.rules import check_window


@dataclass(frozen=True)
class Reply:
    """What an attendee answered to one question: ``value`` ("yes"/"no", a number, an ISO
    date, a country code, text) or ``choices``. Neither: no answer."""

    question: Question
    value: str = ""
    choices: tuple[QuestionChoice, ...] = ()

    @property
    def is_blank(self) -> bool:
        return not self.value and not self.choices


def save_answers(
    registration: Registration,
    replies: Iterable[Reply],
    *,
    questions: Iterable[Question] | None = None,
    replace: bool = True,
) -> None:
    """Make ``replies`` the registration's answers to ``questions`` (default: every question;
    an answer to one of them that is not replied to, or replied blank, goes). A registration
    known to have no answers yet (just created) passes ``replace=False``: nothing to delete.
    Runs in the caller's transaction, or one of its own."""
    replies = [reply for reply in replies if not reply.is_blank]
    with transaction.atomic(savepoint=False):
        if replace:
            stale = Answer.objects.filter(registration=registration)
            if questions is not None:
                stale = stale.filter(question__in=[question.pk for question in questions])
            stale.delete()
        answers = Answer.objects.bulk_create(
            Answer(registration=registration, question=reply.question, value=reply.value)
            for reply in replies
        )
        picked = Answer.choices.through
        picked.objects.bulk_create(
            picked(answer_id=answer.pk, questionchoice_id=choice.pk)
            for answer, reply in zip(answers, replies, strict=True)
            for choice in reply.choices
        )


def change_answers(
    *,
    registration: Registration,
    replies: Iterable[Reply],
    questions: Iterable[Question],
    now: datetime | None = None,
) -> None:
    """The attendee changes their answers on their private page: allowed while their
    registration is active and registration is open (the window of forum picks).

    Raises NotActive for a cancelled registration, RegistrationClosed outside the window."""
    now = now or timezone.now()
    if not registration.is_active:
        raise NotActive(_("This registration is cancelled."))
    check_window(registration.conference, now)
    with transaction.atomic():
        registration = lock_one(Registration.objects.all(), registration.pk)
        if not registration.is_active:
            raise NotActive(_("This registration is cancelled."))
        save_answers(registration, replies, questions=list(questions))

"""Answers to the registration questions read back for people to see: as text in the
reader's language (``answer_text``, ``shown_answers``: check-in, the attendee's private page,
``my-data.json``, the admin and the exports) and counted per choice (``answer_counts``: the
staff dashboard).

The questions are asked, and their answers checked, in ``registration.questions``; answers
are written by ``registration.services.answers``.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from agenda.models import Conference
from registration.enums import RegistrationStatus
from registration.models import (
    CHOICE_KINDS,
    Answer,
    Question,
    QuestionChoice,
    QuestionKind,
    Registration,
)
from registration.questions import NO, YES, conference_questions, country_name


def answer_text(question: Question, value: str, choice_labels: list[str]) -> str:
    """An answer as people read it, in the reader's language."""
    if question.kind in CHOICE_KINDS:
        return _("; ").join(choice_labels)
    if question.kind == QuestionKind.BOOLEAN:
        return {YES: _("Yes"), NO: _("No")}.get(value, value)
    if question.kind == QuestionKind.COUNTRY and value:
        return country_name(value)
    return value


@dataclass(frozen=True)
class ShownAnswer:
    question: Question
    text: str


def shown_answers(registration: Registration, *, desk: bool = False) -> list[ShownAnswer]:
    """The registration's answers in question order, in the reader's language (``desk``:
    only those of active questions shown at the desk). Two queries; none when there is no
    such question."""
    questions = conference_questions(registration.conference_id)
    if desk:
        questions = [q for q in questions if q.show_at_desk and q.is_active]
    if not questions:
        return []
    by_id = {question.pk: question for question in questions}
    labels = {choice.pk: choice for question in questions for choice in question.choices.all()}
    answers = Answer.objects.filter(registration=registration, question__in=list(by_id))
    picked = defaultdict(list)
    through = Answer.choices.through.objects.filter(answer__in=answers)
    for answer_id, choice_id in through.values_list("answer_id", "questionchoice_id"):
        picked[answer_id].append(labels[choice_id])
    found = {}
    rows = answers.order_by().values_list("pk", "question_id", "value")
    for answer_id, question_id, value in rows:
        choices = sorted(picked[answer_id], key=lambda choice: (choice.position, choice.pk))
        text = answer_text(by_id[question_id], value, [choice.label for choice in choices])
        if text:
            found[question_id] = ShownAnswer(by_id[question_id], text)
    return [found[question.pk] for question in questions if question.pk in found]


def answers_data(registration: Registration) -> list[dict]:
    """The answers for the attendee's own download (``my-data.json``)."""
    return [
        {"question": shown.question.label, "answer": shown.text}
        for shown in shown_answers(registration)
    ]


@dataclass
class QuestionCount:
    """How confirmed registrations answered a choice or yes/no question."""

    question: Question
    rows: list[tuple[str, int]]


def answer_counts(conference: Conference, *, people=None) -> list[QuestionCount]:
    """Per choice (and yes / no), how many confirmed registrations answered it: the
    dashboard's "Vegetarian: 37". ``people`` (a queryset of registrations) narrows the count
    to them (a forum host's attendees). Two queries whatever the number of attendees; none
    for a conference without such questions."""
    counted = (*CHOICE_KINDS, QuestionKind.BOOLEAN)
    questions = [q for q in conference_questions(conference.pk) if q.kind in counted]
    if not questions:
        return []
    questions.sort(key=lambda question: not question.is_active)  # the inactive ones last
    confirmed = Q(answers__registration__status=RegistrationStatus.CONFIRMED)
    if people is not None:
        confirmed &= Q(answers__registration__in=people.values("pk"))
    choices = (
        QuestionChoice.objects.filter(question__in=questions)
        .annotate(count=Count("answers", filter=confirmed))
        .order_by("position", "pk")
    )
    per_choice = defaultdict(list)
    for choice in choices:
        per_choice[choice.question_id].append((choice.label, choice.count))
    yes_no = Answer.objects.filter(
        question__in=[q for q in questions if q.kind == QuestionKind.BOOLEAN],
        registration__status=RegistrationStatus.CONFIRMED,
    )
    if people is not None:
        yes_no = yes_no.filter(registration__in=people.values("pk"))
    yes_no = yes_no.values_list("question_id", "value").annotate(count=Count("pk")).order_by()
    per_value = defaultdict(dict)
    for question_id, value, count in yes_no:
        per_value[question_id][value] = count
    counts = []
    for question in questions:
        if question.kind == QuestionKind.BOOLEAN:
            values = per_value[question.pk]
            rows = [(_("Yes"), values.get(YES, 0)), (_("No"), values.get(NO, 0))]
        else:
            rows = per_choice[question.pk]
        counts.append(QuestionCount(question, rows))
    return counts

"""Registration questions in forms and on pages.

Organizers write a conference's questions in the admin (``registration.admin.questions``);
here they become form fields (the public form, the desk's walk-in form and the attendee's
private page use the same ``QuestionFields``). Answers are written by
``registration.services.answers``, read back for display (check-in, the private page,
``my-data.json``) and counted (the staff dashboard) in ``registration.shown_answers``;
exports read them in ``registration.staff.exports``.

A question with forums is asked only of people who pick one of them. The server decides
from the submitted picks (a question that does not apply is neither required nor kept);
``static/gotc/questions.js`` only hides what does not apply as the attendee ticks forums.
"""

import re
import unicodedata
from collections import defaultdict
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django import forms
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import Countries

from agenda.models import Conference, Forum
from gotc import pagecache
from registration.models import (
    CHOICE_KINDS,
    Answer,
    Question,
    QuestionChoice,
    QuestionKind,
    Registration,
)
from registration.services.answers import Reply
from registration.staff.queries import name_sort_key

# The version (gotc.pagecache) of the questions remembered per process: any save of a
# question, a choice or a question's forums moves it.
QUESTIONS = "questions"
FIELD_PREFIX = "question_"
TEXT_LENGTH = {QuestionKind.TEXT: 300, QuestionKind.TEXTAREA: 3000}
# More choices than this are a drop-down list; fewer are radio buttons, all in view.
RADIO_LIMIT = 6
YES, NO = "yes", "no"
# Numbers as organizers ask them (a count, an age, a budget): up to 12 digits before the
# point and 4 after.
NUMBER_DIGITS, NUMBER_PLACES = 16, 4
# Typed text is refused with these, as the person fields are (registration.forms).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CountryList(Countries):
    """ISO 3166 countries and regions, named in the reader's language (django-countries'
    catalogues), with the names a conference held in China must use for Taiwan, Hong Kong
    and Macao."""

    override = {
        "TW": gettext_lazy("Taiwan, China"),
        "HK": gettext_lazy("Hong Kong SAR, China"),
        "MO": gettext_lazy("Macao SAR, China"),
    }


COUNTRIES = CountryList()


def country_choices() -> list[tuple[str, str]]:
    """(code, name) in the reader's language: China first, then by name (Chinese names in
    pinyin order, as a reader of Chinese looks them up). Sorted once per language."""
    return list(_country_choices(get_language() or settings.LANGUAGE_CODE))


@lru_cache(maxsize=len(settings.LANGUAGES) + 1)
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    with translation.override(language):
        named = [(code, str(name)) for code, name in COUNTRIES]
    named.sort(key=lambda country: name_sort_key(country[1]))
    return tuple(sorted(named, key=lambda country: country[0] != "CN"))


def country_name(code: str) -> str:
    return str(COUNTRIES.name(code)) or code


# --- the questions asked ----------------------------------------------------------------------


def conference_questions(conference_id: int) -> list[Question]:
    """Every question of a conference, active or not, in order, with its choices and the ids
    of its forums (``forum_ids``). Read once per version of the questions and process, so the
    register form, check-in and the dashboard read no question per request. The instances
    are shared: read them, never change them."""

    def read() -> list[Question]:
        questions = list(
            Question.objects.filter(conference_id=conference_id)
            .order_by("position", "pk")
            .prefetch_related("choices")
        )
        forums = defaultdict(set)
        links = Question.forums.through.objects.filter(question__in=questions)
        for question_id, forum_id in links.values_list("question_id", "forum_id"):
            forums[question_id].add(forum_id)
        for question in questions:
            question.forum_ids = frozenset(forums[question.pk])
        return questions

    return pagecache.remembered(f"questions:{conference_id}", QUESTIONS, read)


def asked_questions(conference: Conference) -> list[Question]:
    """The questions the conference's forms ask (the active ones)."""
    return [question for question in conference_questions(conference.pk) if question.is_active]


def questions_changed(**kwargs) -> None:
    """Remembered questions go stale once the current transaction commits."""
    pagecache.bump(QUESTIONS)


def connect_signals() -> None:
    """Called once by the app: saves in any process move the questions' version."""
    for model in (Question, QuestionChoice):
        post_save.connect(
            questions_changed, sender=model, dispatch_uid=f"questions-{model.__name__}"
        )
        post_delete.connect(
            questions_changed, sender=model, dispatch_uid=f"questions-{model.__name__}"
        )
    m2m_changed.connect(
        questions_changed, sender=Question.forums.through, dispatch_uid="questions-forums"
    )


def applies(question: Question, picked: set[int]) -> bool:
    """Whether ``question`` is asked of someone who picked the forums ``picked``."""
    return not question.forum_ids or bool(question.forum_ids & picked)


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.pk}"


class NumberField(forms.DecimalField):
    """A number typed in any digits (full-width ones from a Chinese input method too)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip()
        return super().to_python(value)


def question_field(question: Question, forum_titles: dict[int, str]) -> forms.Field:
    """The form field that asks ``question``. Required only when it applies to everyone: a
    question for some forums is required by ``QuestionFields.clean`` when it applies.
    ``forum_titles`` names the forums (by id) in the note saying for whom it is."""
    required = question.required and not question.forum_ids
    label = question.label
    if not question.required:
        label = _("%(question)s (optional)") % {"question": question.label}
    help_text = _help_text(question, forum_titles)
    options = {"label": label, "required": required, "help_text": help_text}
    kind = question.kind
    if kind in TEXT_LENGTH:
        widget = forms.Textarea(attrs={"rows": 3}) if kind == QuestionKind.TEXTAREA else None
        return forms.CharField(max_length=TEXT_LENGTH[kind], widget=widget, **options)
    if kind in CHOICE_KINDS:
        choices = [(str(choice.pk), choice.label) for choice in question.choices.all()]
        if kind == QuestionKind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **options
            )
        if len(choices) <= RADIO_LIMIT:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)
        return forms.ChoiceField(choices=[("", "—"), *choices], **options)
    if kind == QuestionKind.BOOLEAN:
        return forms.ChoiceField(
            choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **options
        )
    if kind == QuestionKind.NUMBER:
        return NumberField(
            max_digits=NUMBER_DIGITS,
            decimal_places=NUMBER_PLACES,
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            **options,
        )
    if kind == QuestionKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    if kind == QuestionKind.COUNTRY:
        return forms.ChoiceField(choices=[("", "—"), *country_choices()], **options)
    raise ValueError(f"unknown question kind {kind!r}")


def _help_text(question: Question, forum_titles: dict[int, str]) -> str:
    """The organizer's help text, and for whom a forum question is; escaped (crispy forms
    renders help texts as HTML)."""
    parts = [question.help_text] if question.help_text else []
    titles = [forum_titles[pk] for pk in sorted(question.forum_ids) if pk in forum_titles]
    if titles:
        named = _(", ").join(f"“{title}”" for title in titles)
        parts.append(_("Only if you pick %(forums)s.") % {"forums": named})
    return escape(" ".join(parts))


def initial_value(question: Question, answer: Answer):
    """An answer as its field's initial value."""
    if question.kind == QuestionKind.MULTIPLE:
        return [str(choice.pk) for choice in answer.choices.all()]
    if question.kind == QuestionKind.CHOICE:
        return next((str(choice.pk) for choice in answer.choices.all()), "")
    return answer.value


def is_blank(value) -> bool:
    return value is None or value == "" or value == []


def reply(question: Question, value) -> Reply:
    """A cleaned field value as the answer to keep."""
    if is_blank(value):
        return Reply(question)
    if question.kind in CHOICE_KINDS:
        by_id = {str(choice.pk): choice for choice in question.choices.all()}
        picked = value if isinstance(value, list) else [value]
        return Reply(question, choices=tuple(by_id[pk] for pk in picked if pk in by_id))
    if isinstance(value, Decimal):
        return Reply(question, value=format_number(value))
    if isinstance(value, date):
        return Reply(question, value=value.isoformat())
    return Reply(question, value=str(value).strip())


def format_number(value: Decimal) -> str:
    """12.50 as "12.5", 100 as "100" (never "1E+2")."""
    return format(value.normalize(), "f")


class QuestionFields:
    """A conference's questions as fields of ``form`` (``question_<id>``), after the form's
    own. ``answers`` (question id → Answer, choices prefetched) fills in what the attendee
    answered before. The form calls ``clean(picked forum ids)`` from its own ``clean``."""

    def __init__(
        self,
        form: forms.BaseForm,
        questions: list[Question],
        *,
        forum_titles: dict[int, str],
        answers: dict[int, Answer] | None = None,
    ):
        self.form = form
        self.questions = questions
        answers = answers or {}
        for question in questions:
            name = field_name(question)
            form.fields[name] = question_field(question, forum_titles)
            if question.pk in answers:
                form.initial.setdefault(name, initial_value(question, answers[question.pk]))

    def __bool__(self) -> bool:
        return bool(self.questions)

    def items(self) -> list[dict]:
        """For the template: each question's bound field and the forums it is asked for."""
        return [
            {
                "question": question,
                "field": self.form[field_name(question)],
                "forums": sorted(question.forum_ids),
            }
            for question in self.questions
        ]

    def clean(self, picked: set[int]) -> None:
        """Drop what does not apply to these picks (its value and any error: it was not
        asked); require a required question that applies to them."""
        cleaned, errors = self.form.cleaned_data, self.form.errors
        for question in self.questions:
            name = field_name(question)
            if not applies(question, picked):
                cleaned.pop(name, None)
                errors.pop(name, None)
                continue
            value = cleaned.get(name)
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                self.form.add_error(name, _("Please remove the invisible control characters."))
            elif question.required and name not in errors and is_blank(value):
                self.form.add_error(name, self.form.fields[name].error_messages["required"])

    def replies(self) -> list[Reply]:
        """The answers to keep, from the valid form (questions that apply only)."""
        cleaned = self.form.cleaned_data
        return [
            reply(question, cleaned[field_name(question)])
            for question in self.questions
            if field_name(question) in cleaned
        ]


def submitted_forum_ids(data) -> set[int]:
    """The forum ids a submission ticked, whatever else it holds (the forums field reports a
    bad id; here it only decides which questions apply)."""
    values = data.getlist("forums") if hasattr(data, "getlist") else data.get("forums") or []
    ids = set()
    for value in values:
        text = str(value).strip()
        if text.isascii() and text.isdigit() and len(text) < 19:
            ids.add(int(text))
    return ids


class AnswersForm(forms.Form):
    """The attendee's answers on their private page: the questions that apply to their
    current picks, filled in with what they answered."""

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        self.registration = registration
        # Every question asked: saving drops the answers to those that no longer apply.
        self.asked = asked_questions(registration.conference)
        self.picked, questions, titles, answers = set(), [], {}, {}
        if self.asked:  # nothing to read for a conference without questions
            self.picked = set(registration.picks.live().values_list("forum_id", flat=True))
            questions = [question for question in self.asked if applies(question, self.picked)]
            needed = {pk for question in questions for pk in question.forum_ids}
            if needed:
                titles = {forum.pk: forum.title for forum in Forum.objects.filter(pk__in=needed)}
            answers = answers_by_question(registration)
        self.question_fields = QuestionFields(self, questions, forum_titles=titles, answers=answers)

    def clean(self):
        cleaned = super().clean()
        self.question_fields.clean(self.picked)
        return cleaned

    def missing(self) -> list[Question]:
        """Required questions that apply and have no answer yet (say so after new picks)."""
        answered = set(self.initial)
        return [
            question
            for question in self.question_fields.questions
            if question.required and field_name(question) not in answered
        ]


def answers_by_question(registration: Registration) -> dict[int, Answer]:
    answers = registration.answers.prefetch_related("choices")
    return {answer.question_id: answer for answer in answers}

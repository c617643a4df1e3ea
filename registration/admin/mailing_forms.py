"""The form behind the admin's emails to attendees (``registration.admin.mailings``): who
(forum, seated or waiting, checked in, language, an answer to a question) and what (subject
and body in English and Chinese, with placeholders checked by
``registration.services.mailings``), with the answers a mailing can be limited to.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agenda.models import Conference, Forum
from registration.enums import Language
from registration.models import CHOICE_KINDS, Mailing, Question, QuestionChoice, QuestionKind
from registration.services import mailings
from registration.staff.scope import Scope

PLACEHOLDER_HELP = _(
    "Placeholders, filled in for each person: {name}, {manage_url} (their private link), "
    "{ticket_code}, {conference}. To show a brace itself, type it twice: {{ or }}."
)
TEXT_FIELDS = ("subject_en", "body_en", "subject_zh", "body_zh")


def answer_choices(conference_ids) -> list:
    """The answers a mailing can be limited to, grouped by question: "choice:<id>" for a
    choice, "yes:<question id>" / "no:<question id>" for a yes / no question."""
    groups = []
    questions = (
        Question.objects.filter(conference_id__in=conference_ids)
        .filter(kind__in=[*CHOICE_KINDS, QuestionKind.BOOLEAN])
        .select_related("conference")
        .prefetch_related("choices")
        .order_by("conference", "position", "pk")
    )
    for question in questions:
        label = f"{question.conference.slug} · {question.label}"
        if question.kind == QuestionKind.BOOLEAN:
            options = [
                (f"yes:{question.pk}", gettext("Yes")),
                (f"no:{question.pk}", gettext("No")),
            ]
        else:
            options = [(f"choice:{choice.pk}", choice.label) for choice in question.choices.all()]
        if options:
            groups.append((label, options))
    return groups


class MailingForm(forms.ModelForm):
    picks = forms.ChoiceField(
        label=_("Seated or waiting"),
        choices=[
            ("any", _("Seated or waiting")),
            ("seated", _("Seated only")),
            ("waiting", _("Waiting lists only")),
        ],
        initial="any",
        help_text=_("With every forum, seated or waiting: everyone registered."),
    )
    checked_in = forms.ChoiceField(
        label=_("Checked in"),
        choices=[("any", _("Either")), ("yes", _("Checked in")), ("no", _("Not checked in"))],
        initial="any",
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Both languages")), *Language.choices],
        required=False,
    )
    answer = forms.ChoiceField(
        label=_("Answer to a registration question"), required=False, choices=[]
    )

    # Set by MailingAdmin.get_form: whose attendees the writer may reach.
    scope: Scope

    class Meta:
        model = Mailing
        fields = ["conference", "forum", *TEXT_FIELDS]
        widgets = {
            "subject_en": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "subject_zh": forms.TextInput(attrs={"class": "vLargeTextField"}),
        }
        help_texts = {"body_en": PLACEHOLDER_HELP, "body_zh": PLACEHOLDER_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "forum" not in self.fields:
            return  # a queued email, shown read-only
        forums = self.scope.forums(Forum.objects.select_related("conference"))
        forums = forums.order_by("-conference__start_date", "starts_at", "pk")
        self.fields["forum"].queryset = forums
        self.fields["forum"].label_from_instance = lambda f: f"{f.conference.slug} · {f.title}"
        if self.scope.is_limited:
            self.fields["forum"].required = True
            conference_ids = forums.values("conference_id")
            self.fields["conference"].queryset = Conference.objects.filter(pk__in=conference_ids)
        else:
            self.fields["forum"].empty_label = gettext("Every forum")
            conference_ids = Conference.objects.values("pk")
        self.fields["answer"].choices = [
            ("", gettext("Any answer")),
            *answer_choices(conference_ids),
        ]
        if self.instance.pk:
            self._initial_filters(mailings.RecipientFilter.of(self.instance))

    def _initial_filters(self, wanted: mailings.RecipientFilter) -> None:
        self.initial.update(
            picks=wanted.picks, checked_in=wanted.checked_in, language=wanted.language
        )
        if wanted.choice is not None:
            self.initial["answer"] = f"choice:{wanted.choice}"
        elif wanted.question is not None and wanted.answer:
            self.initial["answer"] = f"{wanted.answer}:{wanted.question}"

    def _clean_text(self, name: str) -> str:
        value = self.cleaned_data[name]
        for error in mailings.template_errors(value):
            self.add_error(name, error)
        return value

    def clean_subject_en(self):
        return self._clean_text("subject_en")

    def clean_body_en(self):
        return self._clean_text("body_en")

    def clean_subject_zh(self):
        return self._clean_text("subject_zh")

    def clean_body_zh(self):
        return self._clean_text("body_zh")

    def clean(self):
        cleaned = super().clean()
        conference = cleaned.get("conference")
        forum = cleaned.get("forum")
        if conference and forum and forum.conference_id != conference.pk:
            self.add_error("forum", gettext("This forum belongs to another conference."))
        question, choice, answer = None, None, ""
        value = cleaned.get("answer") or ""
        if value:
            kind, _sep, number = value.partition(":")
            if kind == "choice":
                found = QuestionChoice.objects.filter(pk=int(number)).select_related("question")
                choice = found.first()
                question = choice.question if choice else None
            else:
                question = Question.objects.filter(pk=int(number)).first()
                answer = kind
            if question is None:
                self.add_error("answer", gettext("This answer no longer exists: choose again."))
            elif conference and question.conference_id != conference.pk:
                self.add_error("answer", gettext("This question belongs to another conference."))
        self.filters = mailings.RecipientFilter(
            picks=cleaned.get("picks") or "any",
            checked_in=cleaned.get("checked_in") or "any",
            language=cleaned.get("language") or "",
            question=question.pk if question else None,
            choice=choice.pk if choice else None,
            answer=answer,
        )
        return cleaned

"""Registration questions in the admin: organizers write each question, its help text and its
choices in English and Chinese, order them, and choose for whom (every attendee, or those who
pick some forums) and whether the desk sees the answer at check-in.

What would make answers meaningless is refused with a message on the form: a choice question
without choices, a choice that people picked being deleted, a question that people answered
changing its answer type or its conference, a forum of another conference.

A registration's page in the admin lists its answers (``AnswerInline``), read-only: the
attendee changes them on their private page.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from agenda.admin import BoundedSearchMixin, CurrentConferenceMixin
from registration.admin.lookups import DeclaredLookupsOnly
from registration.models import CHOICE_KINDS, Answer, Question, QuestionChoice
from registration.shown_answers import answer_text


class ChoiceFormSet(BaseInlineFormSet):
    """The choices of one question: at least one for a choice question, none for another,
    and none that people picked deleted."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept, deleted = [], []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue  # an empty extra row
            if self.can_delete and self._should_delete_form(form):
                deleted.append(form.instance)
            elif form.cleaned_data:
                kept.append(form.instance)
        kind = self.instance.kind
        if kind in CHOICE_KINDS and not kept:
            raise forms.ValidationError(
                _("Add at least one choice: people answer this question by picking one."),
                code="no_choices",
            )
        if kind not in CHOICE_KINDS and kept:
            raise forms.ValidationError(
                _(
                    "Only questions answered with one or several choices have choices: "
                    "remove them, or change the answer type."
                ),
                code="choices_not_used",
            )
        picked = (
            QuestionChoice.objects.filter(pk__in=[c.pk for c in deleted if c.pk])
            .annotate(people=Count("answers"))
            .filter(people__gt=0)
        )
        errors = [
            ngettext(
                "“%(choice)s” was picked by %(count)d person: it cannot be deleted. Rename it, "
                "or make the question inactive and ask a new one.",
                "“%(choice)s” was picked by %(count)d people: it cannot be deleted. Rename it, "
                "or make the question inactive and ask a new one.",
                choice.people,
            )
            % {"choice": choice.label, "count": choice.people}
            for choice in picked
        ]
        if errors:
            raise forms.ValidationError(errors, code="choice_picked")


class ChoiceInline(TranslationTabularInline):
    model = QuestionChoice
    formset = ChoiceFormSet
    extra = 1
    fields = ["label", "position"]
    ordering = ["position", "pk"]


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        # The admin's fieldsets decide (modeltranslation shows label_en, label_zh_hans...).
        fields = [
            "conference",
            "label",
            "help_text",
            "kind",
            "required",
            "position",
            "forums",
            "is_active",
            "show_at_desk",
        ]

    def clean(self):
        cleaned = super().clean()
        question = self.instance
        answered = question.pk is not None and question.answers.exists()
        if answered and cleaned.get("kind") and "kind" in self.changed_data:
            self.add_error(
                "kind",
                _(
                    "People have answered this question: its answer type cannot change. Make "
                    "it inactive and ask a new question instead."
                ),
            )
        if answered and cleaned.get("conference") and "conference" in self.changed_data:
            self.add_error(
                "conference",
                _("People of this conference have answered this question: it stays with it."),
            )
        conference = cleaned.get("conference")
        others = [
            f
            for f in cleaned.get("forums") or []
            if conference and f.conference_id != conference.pk
        ]
        if others:
            self.add_error(
                "forums",
                _("“%(forum)s” is a forum of another conference.") % {"forum": others[0].title},
            )
        return cleaned


@admin.register(Question)
class QuestionAdmin(
    DeclaredLookupsOnly, CurrentConferenceMixin, BoundedSearchMixin, TranslationAdmin
):
    form = QuestionForm
    inlines = [ChoiceInline]
    list_display = [
        "label",
        "kind",
        "required",
        "for_forums",
        "show_at_desk",
        "is_active",
        "answer_count",
        "position",
        "conference",
    ]
    list_display_links = ["label"]
    list_editable = ["position"]
    list_filter = ["conference", "kind", "is_active", "show_at_desk", "required"]
    search_fields = ["label_en", "label_zh_hans"]
    ordering = ["conference", "position", "pk"]
    filter_horizontal = ["forums"]
    fieldsets = [
        (None, {"fields": ["conference", "label", "help_text", "kind", "required", "position"]}),
        (_("Who is asked"), {"fields": ["forums", "is_active"]}),
        (_("At the desk"), {"fields": ["show_at_desk"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("conference")
            .prefetch_related("forums")
            .annotate(answer_total=Count("answers", distinct=True))
        )

    @admin.display(description=_("only for"))
    def for_forums(self, obj) -> str:
        return ", ".join(forum.title for forum in obj.forums.all()) or "—"

    @admin.display(description=_("answers"), ordering="answer_total")
    def answer_count(self, obj) -> int:
        return obj.answer_total

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "forums":
            forums = db_field.remote_field.model.objects.select_related("conference")
            kwargs["queryset"] = forums.order_by("-conference__start_date", "starts_at")
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "forums":
            # Every edition has its "eBPF Forum": name the conference too.
            field.label_from_instance = lambda forum: f"{forum.title} · {forum.conference.name}"
        return field


class AnswerInline(admin.TabularInline):
    """A registration's answers, on its admin page."""

    model = Answer
    extra = 0
    can_delete = False
    fields = ["question", "answer"]
    readonly_fields = fields
    verbose_name_plural = _(
        "answers to the registration questions (the attendee changes them on their page)"
    )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question").prefetch_related("choices")

    @admin.display(description=_("answer"))
    def answer(self, obj: Answer) -> str:
        labels = [choice.label for choice in obj.choices.all()]
        return answer_text(obj.question, obj.value, labels)

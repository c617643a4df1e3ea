"""Attendee forms. Rules are checked by registration.services; forms only report them early."""

import copy
import re
import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from agenda.caching import PROGRAM
from agenda.models import Conference, Forum
from gotc import pagecache
from registration import services
from registration.enums import Language
from registration.models import ATTENDEE_FIELDS, phone_validator
from registration.queries import with_seat_counts
from registration.questions import QuestionFields, asked_questions, submitted_forum_ids

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ForumPicksField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": _("One of the forums you picked is not on this conference's program."),
        "invalid_pk_value": _("One of the forums you picked is not on this conference's program."),
    }

    # The conference's forums by id, set by the form: picks are checked against it instead of
    # a query per submission.
    program: dict[int, Forum] | None = None

    def _check_values(self, value) -> list[Forum]:
        # Ids are 64-bit integers written in ASCII digits: anything else is not a forum (and
        # must not reach SQLite, which overflows on larger ones). str.isdigit() alone would
        # pass "²" (which int() refuses) and read Arabic-Indic or full-width digits as ids.
        ids = set()
        for pk in value:
            text = str(pk).strip()
            if not (text.isascii() and text.isdigit()) or int(text) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value"
                )
            ids.add(int(text))
        if self.program is None:
            return list(super()._check_values(value))
        if not ids <= self.program.keys():
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return [self.program[pk] for pk in sorted(ids)]


def program_forums(conference: Conference) -> dict[int, Forum]:
    """The conference's published forums by id (a draft cannot be picked), read once per
    program version and process (any save of the program makes it stale); a copy of each
    forum for every caller."""

    def read() -> dict[int, Forum]:
        forums = Forum.objects.filter(conference=conference).published()
        return {forum.pk: forum for forum in forums}

    forums = pagecache.remembered(f"program-forums:{conference.pk}", PROGRAM, read)
    return {pk: copy.copy(forum) for pk, forum in forums.items()}


def overlap_groups(forums: list[Forum], tz) -> list[list[Forum]]:
    """Forums (in start order) in groups that overlap: each group is a connected component of
    overlapping time spans on one day (at the venue, ``tz``). 13:30-15:00 and 13:30-17:30 are
    one group; so are 9:00-12:00, 11:00-14:00 and 13:00-15:00 (chained); a forum starting as
    another ends is not in its group. The form shows one heading per group, so that forums
    that cannot both be picked are never under different headings."""
    groups: list[list[Forum]] = []
    group_ends = None
    for forum in sorted(forums, key=lambda f: f.starts_at):
        same_day = groups and (
            forum.starts_at.astimezone(tz).date() == groups[-1][0].starts_at.astimezone(tz).date()
        )
        if same_day and forum.starts_at < group_ends:
            groups[-1].append(forum)
            group_ends = max(group_ends, forum.ends_at)
        else:
            groups.append([forum])
            group_ends = forum.ends_at
    return groups


class ForumPicksMixin:
    """Forum picks grouped by overlapping times, each with seats left; services refuse an
    overlapping pair (the form reports it before anything is written)."""

    conference: Conference
    # What static/gotc/picks.js says before submitting: the services' own words (rules.py).
    overlap_message = _(
        "“%(first)s” and “%(second)s” take place at the same time: pick one of them."
    )

    def _setup_picks(self, conference: Conference, current: dict[int, str] | None = None) -> None:
        self.conference = conference
        self.current_picks = current or {}
        # A submission is checked against the program this process remembers (no query).
        # Seat counts (a join over every pick of the program) are read only when the form is
        # shown: registration.services counts seats again under its locks anyway.
        # Published forums only: a draft is offered to nobody. A forum made a draft after the
        # attendee picked it stays on their form, so their other changes still go through.
        kept = list(self.current_picks)
        self.fields["forums"].queryset = Forum.objects.filter(conference=conference).filter(
            Q(is_published=True) | Q(pk__in=kept)
        )
        program = program_forums(conference)
        if missing := set(kept) - program.keys():
            program.update(Forum.objects.filter(conference=conference, pk__in=missing).in_bulk())
        self.fields["forums"].program = program
        self._forum_list = None

    def forum_slots(self) -> list[dict]:
        """[{"starts_at", "ends_at", "forums": [{forum, checked, status}]}] for the template."""
        if self._forum_list is None:
            forums = self.fields["forums"].queryset.select_related("room")
            self._forum_list = list(
                with_seat_counts(forums).order_by("starts_at", "ends_at", "position", "pk")
            )
        if self.is_bound:
            chosen = {str(value) for value in self.data.getlist("forums")}
        else:
            chosen = {str(pk) for pk in self.initial.get("forums", [])}
        tz = self.conference.tzinfo
        return [
            {
                "starts_at": min(forum.starts_at for forum in group).astimezone(tz),
                "ends_at": max(forum.ends_at for forum in group).astimezone(tz),
                "forums": [
                    {
                        "forum": forum,
                        "checked": str(forum.pk) in chosen,
                        "mine": self.current_picks.get(forum.pk),
                    }
                    for forum in group
                ],
            }
            for group in overlap_groups(self._forum_list, tz)
        ]

    def clean_forums(self):
        forums = list(self.cleaned_data["forums"])
        try:
            services.check_picks(self.conference, forums)
        except services.InvalidPick as exc:
            raise forms.ValidationError(exc.message) from exc
        return forums


class RegistrationForm(ForumPicksMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As it should appear on your badge, in any script (e.g. 张伟 or Jane Doe)."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send your ticket and your private link here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organization = forms.CharField(
        label=_("Organization"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    job_title = forms.CharField(
        label=_("Job title"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    language = forms.ChoiceField(label=_("Preferred language for emails"), choices=Language.choices)
    forums = ForumPicksField(
        queryset=Forum.objects.none(),
        label=_("Forums"),
        error_messages={"required": _("Pick at least one forum you will attend.")},
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Please accept the privacy notice to register.")},
    )
    newsletter = forms.BooleanField(
        label=_("Send me news about future GOTC conferences (optional)"), required=False
    )
    # Honeypot: hidden from people by CSS and from screen readers; bots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, conference: Conference, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_picks(conference)
        # The conference's registration questions, after the person fields (_questions.html).
        titles = {pk: forum.title for pk, forum in self.fields["forums"].program.items()}
        self.question_fields = QuestionFields(
            self, asked_questions(conference), forum_titles=titles
        )
        self.fields["consent"].label = format_html(
            '{} <a href="{}" target="_blank">{}</a>',
            _("I have read and accept the"),
            reverse("registration:privacy"),
            _("privacy notice"),
        )

    # The legend above name, email, organization...: the desk's walk-in form names the
    # attendee instead of "you".
    details_legend = _("About you")

    # Layouts for the template only: a submission that succeeds is never rendered, so they
    # are built on first use.
    @cached_property
    def details_helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Fieldset(
                self.details_legend,
                "full_name",
                "email",
                Row(
                    Column("organization", css_class="col-md-6"),
                    Column("job_title", css_class="col-md-6"),
                ),
                Row(
                    Column("phone", css_class="col-md-6"), Column("language", css_class="col-md-6")
                ),
            )
        )
        return helper

    @cached_property
    def consent_helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(Fieldset(_("Privacy"), "consent", "newsletter"))
        return helper

    def clean(self):
        cleaned = super().clean()
        for name in ("full_name", "organization", "job_title", "phone"):
            value = cleaned.get(name)
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                self.add_error(name, _("Please remove the invisible control characters."))
        self.question_fields.clean(submitted_forum_ids(self.data))
        return cleaned

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean_phone(self) -> str:
        # Phone numbers typed with full-width digits (Chinese input methods) count too.
        phone = unicodedata.normalize("NFKC", self.cleaned_data["phone"]).strip()
        if phone:
            phone_validator(phone)
        return phone

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def attendee_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ATTENDEE_FIELDS}


class ChangePicksForm(ForumPicksMixin, forms.Form):
    forums = ForumPicksField(
        queryset=Forum.objects.none(),
        label=_("Forums"),
        required=False,
    )

    def __init__(self, *args, registration, **kwargs):
        self.registration = registration
        live = {pick.forum_id: pick.status for pick in registration.picks.live()}
        kwargs.setdefault("initial", {"forums": list(live)})
        super().__init__(*args, **kwargs)
        self._setup_picks(registration.conference, current=live)


class NewLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Email you registered with"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.add_input(Submit("send", _("Send me a new link")))

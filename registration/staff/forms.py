"""Forms of the staff pages (exports, check-in)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from agenda.models import Conference, Forum
from registration.staff.exports import COLUMNS, DEFAULT_COLUMNS, ExportRequest
from registration.staff.queries import conference_forums

# The longest search the desk accepts: a long name with its organization, and then some.
MAX_QUERY = 100


class ExportForm(forms.Form):
    forum = forms.ModelChoiceField(
        queryset=Forum.objects.none(),
        required=False,
        empty_label=_("All registrations"),
        label=_("Who"),
    )
    statuses = forms.ChoiceField(
        label=_("Seated or waiting"),
        choices=[
            ("both", _("Seated and waiting")),
            ("seated", _("Seated only")),
            ("waiting", _("Waiting lists only")),
        ],
        initial="both",
        widget=forms.RadioSelect,
    )
    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        choices=list(COLUMNS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one column.")},
    )
    forum_columns = forms.BooleanField(
        label=_("Add one column per forum (x = seated, W3 = third on the waiting list)"),
        required=False,
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("csv", _("CSV (UTF-8, opens in Excel)")), ("xlsx", _("Excel (.xlsx)"))],
        initial="csv",
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args, conference: Conference, saved_columns: list[str] | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.fields["forum"].queryset = conference_forums(conference)
        self.fields["columns"].initial = [
            c for c in (saved_columns or DEFAULT_COLUMNS) if c in COLUMNS
        ]
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.add_input(Submit("export", _("Download")))

    def status_set(self) -> frozenset[str]:
        value = self.cleaned_data["statuses"]
        return frozenset({"seated", "waiting"}) if value == "both" else frozenset({value})

    def export_request(self) -> ExportRequest:
        """The export the valid form asks for."""
        return ExportRequest(
            conference=self.conference,
            forum=self.cleaned_data["forum"],
            statuses=self.status_set(),
            columns=self.cleaned_data["columns"],
            forum_columns=self.cleaned_data["forum_columns"],
        )


class CheckInForm(forms.Form):
    """The desk's one input (a scanned or typed ticket code, or a search) and its door.

    A result's button posts ``registration`` (its id) instead of a code, and ``action``: check
    in, let in without a seat ("let_in"), or seat from the waiting list ("seat")."""

    CHECK_IN, LET_IN, SEAT = "check_in", "let_in", "seat"

    code = forms.CharField(
        label=_("Ticket code or name"),
        help_text=_(
            "Scan or type a ticket code, or search part of a name, email, phone or organization."
        ),
        max_length=MAX_QUERY,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "spellcheck": "false",
                "class": "form-control-lg",
                "placeholder": "ABCD-EFGH · 王小明 · jose@example.org",
                "enterkeyhint": "search",
            }
        ),
        error_messages={
            "max_length": _(
                "Type at most %(limit_value)d characters (this has %(show_value)d): a ticket "
                "code, or part of a name."
            )
        },
    )
    forum = forms.ModelChoiceField(
        queryset=Forum.objects.none(),
        required=False,
        empty_label=_("Entrance"),
        label=_("Door"),
        help_text=_("Choose a forum to check people in at that forum's door."),
    )
    registration = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("This person is not on the list any more: search again."),
            "min_value": _("This person is not on the list any more: search again."),
            "max_value": _("This person is not on the list any more: search again."),
        },
    )
    action = forms.ChoiceField(
        required=False,
        choices=[(CHECK_IN, CHECK_IN), (LET_IN, LET_IN), (SEAT, SEAT)],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Unknown action: reload the page and try again.")},
    )

    def __init__(self, *args, conference: Conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = conference_forums(conference)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("code") and not cleaned.get("registration"):
            self.add_error(
                "code", _("Type or scan a ticket code, or type part of a name to search.")
            )
        cleaned["action"] = cleaned.get("action") or self.CHECK_IN
        return cleaned

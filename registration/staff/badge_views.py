"""Name badges at /staff/badges/: the page to choose a layout and who is printed, the PDF of
one file of that print, and one person's badge (the check-in page's "Print badge" button).

A print of more than ``badges.BADGES_PER_FILE`` people is offered as numbered files, each one
request well inside gunicorn's timeout. Whatever is asked (an unknown layout, a forum or a
person of another edition, an id that is not a number), the answer is the page with the
reason, or a 404: never a 500. Without WeasyPrint or a Chinese font the page says what to
install and no PDF is made.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from agenda.models import Conference, Forum
from registration import services
from registration.models import Registration
from registration.staff import badges
from registration.staff.queries import conference_forums
from registration.staff.scope import Scope, scope_for
from registration.staff.views import _conference, staff_required

SCOPES = [
    ("all", gettext_lazy("Everyone registered")),
    ("forum", gettext_lazy("The seated attendees of one forum")),
    ("person", gettext_lazy("One person (ticket code)")),
]


class BadgeForm(forms.Form):
    layout = forms.ChoiceField(
        label=gettext_lazy("Badge size"),
        choices=[(key, layout.label) for key, layout in badges.LAYOUTS.items()],
        initial=badges.DEFAULT_LAYOUT,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": gettext_lazy("Unknown badge size: choose one of the sizes listed.")
        },
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Who"),
        choices=SCOPES,
        initial="all",
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": gettext_lazy("Choose everyone, one forum or one person.")
        },
    )
    forum = forms.ModelChoiceField(
        label=gettext_lazy("Forum"),
        queryset=Forum.objects.none(),
        required=False,
        empty_label=gettext_lazy("Choose a forum"),
        error_messages={
            "invalid_choice": gettext_lazy("Unknown forum: choose one of this edition’s forums.")
        },
    )
    code = forms.CharField(
        label=gettext_lazy("Ticket code"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    part = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100_000,
        widget=forms.HiddenInput,
        error_messages={
            key: gettext_lazy("The file number must be a whole number, 1 or more.")
            for key in ("invalid", "min_value", "max_value")
        },
    )

    def __init__(self, *args, conference: Conference, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        # A forum host prints the badges of their forums' attendees only (staff.scope).
        self.scope = scope
        self.fields["forum"].queryset = scope.forums(conference_forums(conference))
        self.registration: Registration | None = None
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = reverse("staff:badges")
        self.helper.add_input(Submit("show", gettext_lazy("Prepare badges")))

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        if scope == "forum" and not cleaned.get("forum") and "forum" not in self.errors:
            self.add_error("forum", _("Choose the forum whose seated attendees get badges."))
        if scope == "person" and "code" not in self.errors:
            code = cleaned.get("code", "")
            if not code.strip():
                self.add_error("code", _("Type the ticket code of the person."))
            else:
                try:
                    found = services.find_ticket(conference=self.conference, code=code)
                    if not self.scope.allows(found):
                        raise services.UnknownTicket(
                            _("No ticket with the code “%(code)s”.") % {"code": code.strip()[:32]}
                        )
                except services.RegistrationError as exc:
                    self.add_error("code", exc.message)
                else:
                    self.registration = badges.person(self.conference, found.pk)
                    if self.registration is None:
                        self.add_error(
                            "code",
                            _("%(name)s’s registration is cancelled: no badge.")
                            % {"name": found.full_name},
                        )
        return cleaned

    def selection(self) -> "Selection":
        """What the valid form asks to print."""
        data = self.cleaned_data
        layout = badges.LAYOUTS[data["layout"]]
        if data["scope"] == "person":
            queryset = badges.with_seats(Registration.objects.filter(pk=self.registration.pk))
            return Selection(layout, "person", None, self.registration, queryset)
        forum = data["forum"] if data["scope"] == "forum" else None
        people = self.scope.registrations(badges.people(self.conference, forum))
        return Selection(layout, data["scope"], forum, None, people)


@dataclass
class Selection:
    layout: badges.Layout
    scope: str
    forum: Forum | None
    registration: Registration | None
    queryset: QuerySet

    def __post_init__(self):
        self.count = self.queryset.count()
        self.parts = badges.parts(self.count)

    def scope_name(self) -> str:
        """For the file name: all, forum-<slug> or the ticket code."""
        if self.scope == "forum":
            return f"forum-{self.forum.slug}"
        if self.scope == "person":
            return self.registration.ticket_code
        return "all"


def _query(request: HttpRequest, form: BadgeForm, part: badges.Part) -> str:
    data = form.cleaned_data
    params = {"layout": data["layout"], "scope": data["scope"]}
    if data["scope"] == "forum":
        params["forum"] = data["forum"].pk
    if data["scope"] == "person":
        params["code"] = form.registration.ticket_code
    if request.GET.get("conference"):
        params["conference"] = form.conference.slug
    params["part"] = part.number
    return urlencode(params)


def _page(
    request: HttpRequest,
    conference: Conference,
    form: BadgeForm,
    *,
    selection: Selection | None = None,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    problems = badges.missing()
    files = []
    if selection is not None and not problems:
        pdf_url = reverse("staff:badges-pdf")
        files = [
            {
                "part": part,
                "url": f"{pdf_url}?{_query(request, form, part)}",
                "pages": selection.layout.pages_for(part.count),
            }
            for part in selection.parts
        ]
    context = {
        "conference": conference,
        "form": form,
        "selection": selection,
        "files": files,
        "per_file": badges.BADGES_PER_FILE,
        "problems": problems,
        "slow": badges.slow_subsetting(),
        "error": error,
        "staff_nav": "badges",
    }
    if problems and status == 200:
        status = 503 if selection is not None else 200
    return render(request, "registration/staff/badges.html", context, status=status)


@require_safe
@staff_required("registration.export_registrations")
def badge_page(request: HttpRequest) -> HttpResponse:
    """The form; once sent, how many badges and the files to download."""
    conference = _conference(request)
    scope = scope_for(request.user)
    if not request.GET.get("scope") and not request.GET.get("layout"):
        return _page(request, conference, BadgeForm(conference=conference, scope=scope))
    form = BadgeForm(request.GET, conference=conference, scope=scope)
    if not form.is_valid():
        return _page(request, conference, form, status=400)
    return _page(request, conference, form, selection=form.selection())


def _pdf_response(pdf: bytes, name: str, pages: int, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["X-Badge-Pages"] = str(pages)
    return response


@require_safe
@staff_required("registration.export_registrations")
def badge_pdf(request: HttpRequest) -> HttpResponse:
    """One file of a print (``part``, 1 by default): at most BADGES_PER_FILE badges."""
    conference = _conference(request)
    form = BadgeForm(request.GET, conference=conference, scope=scope_for(request.user))
    if not form.is_valid():
        return _page(request, conference, form, status=400)
    selection = form.selection()
    if badges.missing():
        return _page(request, conference, form, selection=selection, status=503)
    if not selection.parts:
        return _page(
            request,
            conference,
            form,
            selection=selection,
            error=_("Nobody to print: no active registration in this choice."),
            status=404,
        )
    number = form.cleaned_data["part"] or 1
    if number > len(selection.parts):
        return _page(
            request,
            conference,
            form,
            selection=selection,
            error=_("There is no file %(number)d: this print has %(count)d.")
            % {"number": number, "count": len(selection.parts)},
            status=404,
        )
    part = selection.parts[number - 1]
    registrations = badges.part_of(selection.queryset, part)
    try:
        pdf, pages = badges.render(registrations, selection.layout, conference=conference)
    except badges.BadgesUnavailable:
        return _page(request, conference, form, selection=selection, status=503)
    name = badges.filename(conference, selection.layout, selection.scope_name(), part)
    return _pdf_response(pdf, name, pages)


@require_safe
@staff_required("registration.check_in")
def person_badge(request: HttpRequest, registration_id: int) -> HttpResponse:
    """One person's badge (``?layout=``, A6 by default): the check-in page's button. Served
    inline, so the browser opens it in its PDF viewer, ready to print."""
    conference = _conference(request)
    layout = badges.LAYOUTS.get(request.GET.get("layout") or badges.DEFAULT_LAYOUT)
    if layout is None:
        raise Http404("Unknown badge layout")
    registration = badges.person(conference, registration_id)
    if not scope_for(request.user).allows(registration):
        raise Http404("No active registration with this id in this conference")
    try:
        pdf, pages = badges.render([registration], layout, conference=conference)
    except badges.BadgesUnavailable:
        form = BadgeForm(conference=conference, scope=scope_for(request.user))
        return _page(request, conference, form, status=503)
    name = badges.filename(conference, layout, registration.ticket_code)
    return _pdf_response(pdf, name, pages, inline=True)

"""Staff pages at /staff/: dashboard, exports, printable door lists, check-in, "still coming?".

Each view reads through ``registration.staff.queries`` or writes through one service, and turns
the service's refusal into what the page shows."""

import re
from functools import partial
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agenda.models import Conference
from agenda.views import get_conference
from registration import services
from registration.decorators import private_page, rate_limited
from registration.models import Registration
from registration.services import door as door_service
from registration.services.errors import NotSeatedHere, OtherEditionTicket, UnknownTicket
from registration.staff import exports, queries, search
from registration.staff.charts import chart
from registration.staff.downloads import download
from registration.staff.forms import MAX_QUERY, CheckInForm, ExportForm
from registration.staff.scope import OTHER_FORUM_COLUMNS, every_forum_required, scope_for

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


def staff_required(permission: str):
    """Active staff with ``permission``, on a private page (``private_page``).

    The admin's own rule (``staff_member_required``: ``is_active`` and ``is_staff``) comes
    first, so removing a volunteer's staff status ends these pages with the admin: anyone
    else goes to the admin login, as the admin sends them (a logged-in user without staff
    status reads there that this account may not enter). Staff without ``permission`` get a
    403, as in the admin.
    """

    def decorator(view):
        return staff_member_required(
            permission_required(permission, raise_exception=True)(private_page(view))
        )

    return decorator


def _conference(request: HttpRequest) -> Conference:
    slug = request.GET.get("conference") or request.POST.get("conference")
    if slug and not SLUG.fullmatch(slug):
        raise Http404("Unknown conference")
    return get_conference(request, slug) if slug else get_conference(request)


@staff_required("registration.view_registration")
def dashboard(request: HttpRequest) -> HttpResponse:
    conference = _conference(request)
    board = queries.dashboard(conference, scope_for(request.user))
    context = {
        "conference": conference,
        "totals": board.totals,
        "forums": board.forums,
        "chart": chart(board.days),
        "days": board.days,
        "staff_nav": "dashboard",
    }
    return render(request, "registration/staff/dashboard.html", context)


@staff_required("registration.export_registrations")
def export(request: HttpRequest) -> HttpResponse:
    conference = _conference(request)
    saved = queries.saved_export_columns(request.user)
    if request.method != "POST":
        form = _export_form(request, conference=conference, saved_columns=saved)
    else:
        form = _export_form(request, request.POST, conference=conference, saved_columns=saved)
        if form.is_valid():
            started = exports.attendee_export(
                form.export_request(),
                user=request.user,
                file_format=form.cleaned_data["file_format"],
                source="staff",
                remember_columns=True,
            )
            return download(started)
    forums = scope_for(request.user).forums(queries.conference_forums(conference))
    context = {"conference": conference, "form": form, "forums": forums, "staff_nav": "export"}
    return render(request, "registration/staff/export.html", context)


def _export_form(request: HttpRequest, *args, **kwargs) -> ExportForm:
    """The export form, of the forums the user may see (``staff.scope``). A forum host
    exports one of their forums at a time, without the columns that name other forums."""
    form = ExportForm(*args, **kwargs)
    scope = scope_for(request.user)
    form.fields["forum"].queryset = scope.forums(form.fields["forum"].queryset)
    if scope.is_limited:
        form.fields["forum"].required = True
        form.fields["forum"].empty_label = None
        columns = form.fields["columns"]
        columns.choices = [(k, v) for k, v in columns.choices if k not in OTHER_FORUM_COLUMNS]
        columns.initial = [c for c in columns.initial if c not in OTHER_FORUM_COLUMNS]
        # Off, and not offered: a column per forum names every forum.
        form.fields["forum_columns"].disabled = True
        form.fields["forum_columns"].widget = forms.HiddenInput()
    return form


@staff_required("registration.export_registrations")
def forum_print(request: HttpRequest, forum_id: int) -> HttpResponse:
    forum = queries.printable_forum(forum_id)
    if forum is None or not scope_for(request.user).allows_forum(forum):
        raise Http404("Unknown forum")
    door_list = exports.print_door_list(forum=forum, user=request.user)
    timezone.activate(forum.conference.tzinfo)
    context = {
        "conference": forum.conference,
        "forum": forum,
        "seated": door_list.seated,
        "waiting": door_list.waiting,
    }
    return render(request, "registration/staff/forum_print.html", context)


@staff_required("registration.check_in")
@rate_limited("checkin", method="POST", key="user_or_ip")
def checkin(request: HttpRequest) -> HttpResponse:
    """The desk: a scanned or typed ticket code checks in at once; anything else searches,
    and each person found has a button that checks them in. At a forum's door, someone
    without a seat there is refused until the volunteer lets them in anyway or seats them."""
    conference = _conference(request)
    if request.method != "POST":
        door = _door_from_query(request, conference, request.GET.get("forum"))
        query = request.GET.get("q", "").strip()[:MAX_QUERY]
        form = _checkin_form(request, conference=conference, initial={"forum": door, "code": query})
        if not query:
            return _checkin_page(request, conference, form, door=door)
        # A link from elsewhere (the walk-in page's "already registered") searches; only a
        # POST checks anyone in.
        found = _search(request, conference, query)
        if found.people:
            return _checkin_page(request, conference, form, door=door, found=found)
        message = _("Nobody matches “%(query)s”.") % {"query": query[:40]}
        return _checkin_page(request, conference, form, door=door, error=message)
    form = _checkin_form(request, request.POST, conference=conference)
    if not form.is_valid():
        door = None if form.has_error("forum") else form.cleaned_data.get("forum")
        return _checkin_page(request, conference, form, door=door)
    data = form.cleaned_data
    door = data["forum"]
    # Keep the chosen door, clear the box for the next person.
    next_form = _checkin_form(request, conference=conference, initial={"forum": door})
    page = partial(_checkin_page, request, conference, next_form, door=door)
    if data["registration"]:
        registration = search.person(conference, data["registration"])
        if not scope_for(request.user).allows(registration):
            message = _("This person is not registered for %(conference)s: search again.")
            return page(error=message % {"conference": conference.name}, status=404)
    else:
        query = data["code"]
        try:
            registration = _find_ticket(request, conference, query)
        except OtherEditionTicket as exc:
            return page(error=exc.message, status=404)
        except UnknownTicket as exc:
            found = _search(request, conference, query)
            if found.people:
                # The query stays in the box: the volunteer refines it, or presses Enter.
                initial = {"forum": door, "code": query}
                form = _checkin_form(request, conference=conference, initial=initial)
                return _checkin_page(request, conference, form, door=door, found=found)
            if search.looks_like_ticket_code(query):
                return page(error=exc.message, status=404)
            message = _(
                "Nobody matches “%(query)s”. Try part of the name, the email, the phone "
                "number or the organization."
            )
            return page(error=message % {"query": query[:40]}, status=404)
    return _admit(request, page, registration, door, data["action"])


def _admit(request, page, registration, door, action: str) -> HttpResponse:
    """Check ``registration`` in at ``door`` as ``action`` asks; the page says what happened."""
    try:
        if action == CheckInForm.SEAT and door is not None:
            result = door_service.seat_at_door(
                registration=registration, forum=door, by=request.user
            )
        else:
            let_in = action == CheckInForm.LET_IN
            result = door_service.check_in(
                registration=registration, by=request.user, forum=door, let_in=let_in
            )
    except services.AlreadyCheckedIn as exc:
        return page(result=services.CheckIn(registration=exc.registration), warning=exc.message)
    except NotSeatedHere as exc:
        return page(refusal=exc, status=409)
    except services.RegistrationError as exc:
        return page(error=exc.message, status=409)
    return page(result=result)


def _checkin_form(request: HttpRequest, *args, **kwargs) -> CheckInForm:
    """The check-in form, its doors those of the forums the user may see. A forum host
    stands at the door of one of their forums: the entrance is not offered."""
    form = CheckInForm(*args, **kwargs)
    scope = scope_for(request.user)
    form.fields["forum"].queryset = scope.forums(form.fields["forum"].queryset)
    if scope.is_limited:
        form.fields["forum"].required = True
        form.fields["forum"].empty_label = None
    return form


def _search(request: HttpRequest, conference: Conference, query: str) -> search.SearchResult:
    """The desk search, of the people the user may see."""
    scope = scope_for(request.user)
    found = search.search(conference, query, narrow=scope.registrations)
    found.people = scope.visible(found.people)
    return found


def _find_ticket(request: HttpRequest, conference: Conference, code: str) -> Registration:
    """The registration of a typed or scanned code; one the user may not see is unknown."""
    registration = door_service.find_ticket(conference=conference, code=code)
    if not scope_for(request.user).allows(registration):
        raise UnknownTicket(_("No ticket with the code “%(code)s”.") % {"code": code.strip()[:32]})
    return registration


def _door_from_query(request: HttpRequest, conference: Conference, value: str | None):
    """The door a link names (``?forum=``, kept after an undo), if it is this conference's
    and the user's. A forum host without one stands at their first forum's door."""
    forums = scope_for(request.user).forums(queries.conference_forums(conference))
    if value and value.isdigit() and len(value) <= 10:
        door = forums.filter(pk=int(value)).first()
        if door is not None:
            return door
    return forums.first() if scope_for(request.user).is_limited else None


def _checkin_page(
    request: HttpRequest,
    conference: Conference,
    form: CheckInForm,
    *,
    door=None,
    result: services.CheckIn | None = None,
    found: search.SearchResult | None = None,
    refusal: NotSeatedHere | None = None,
    error: str | None = None,
    warning: str | None = None,
    status: int = 200,
) -> HttpResponse:
    numbers = search.door_numbers(conference, door)
    scope = scope_for(request.user)
    context = {
        "conference": conference,
        "form": form,
        "door": door,
        "numbers": numbers,
        "result": result,
        "seated": [
            pick
            for pick in (queries.seated_picks(result.registration) if result else [])
            if scope.allows_forum(pick.forum)
        ],
        "found": found,
        "refusal": refusal,
        # Seating from the waiting list is offered only while the door has a free seat.
        "can_seat": bool(refusal and refusal.waiting and numbers.free),
        "error": error,
        "warning": warning,
        # The buttons' actions (a dict: the template language would call the form class).
        "actions": {
            "CHECK_IN": CheckInForm.CHECK_IN,
            "LET_IN": CheckInForm.LET_IN,
            "SEAT": CheckInForm.SEAT,
        },
        "staff_nav": "checkin",
    }
    return render(request, "registration/staff/checkin.html", context, status=status)


@require_POST
@staff_required("registration.check_in")
def undo_checkin(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = get_object_or_404(Registration, pk=registration_id)
    if not scope_for(request.user).allows(registration):
        raise Http404("No registration with this id")
    services.undo_check_in(registration=registration)
    messages.success(request, _("Check-in of %(name)s undone.") % {"name": registration.full_name})
    # Back to the same door (and edition): the volunteer is still standing at it.
    params = {}
    forum = request.POST.get("forum", "")
    if forum.isdigit() and len(forum) <= 10:
        params["forum"] = forum
    slug = request.POST.get("conference", "")
    if SLUG.fullmatch(slug):
        params["conference"] = slug
    url = reverse("staff:checkin")
    return redirect(f"{url}?{urlencode(params)}" if params else url)


@require_POST
@staff_required("registration.change_registration")
@every_forum_required
def reconfirm(request: HttpRequest) -> HttpResponse:
    conference = _conference(request)
    count = services.send_reconfirmation(conference=conference)
    messages.success(
        request,
        _("“Still coming?” emails queued for %(count)d seated attendees.") % {"count": count},
    )
    return redirect("staff:dashboard")

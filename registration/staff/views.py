"""Staff pages at /staff/: dashboard, exports, printable door lists, check-in, "still coming?".

Each view reads through ``registration.staff.queries`` or writes through one service, and turns
the service's refusal into what the page shows."""

import re
from functools import partial

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agenda.models import Conference
from agenda.views import get_conference
from registration import services
from registration.decorators import private_page, rate_limited
from registration.models import Registration
from registration.staff import exports, queries
from registration.staff.charts import chart
from registration.staff.downloads import download
from registration.staff.forms import CheckInForm, ExportForm

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
    board = queries.dashboard(conference)
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
        form = ExportForm(conference=conference, saved_columns=saved)
    else:
        form = ExportForm(request.POST, conference=conference, saved_columns=saved)
        if form.is_valid():
            started = exports.attendee_export(
                form.export_request(),
                user=request.user,
                file_format=form.cleaned_data["file_format"],
                source="staff",
                remember_columns=True,
            )
            return download(started)
    forums = queries.conference_forums(conference)
    context = {"conference": conference, "form": form, "forums": forums, "staff_nav": "export"}
    return render(request, "registration/staff/export.html", context)


@staff_required("registration.export_registrations")
def forum_print(request: HttpRequest, forum_id: int) -> HttpResponse:
    forum = queries.printable_forum(forum_id)
    if forum is None:
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
    conference = _conference(request)
    if request.method != "POST":
        form = CheckInForm(conference=conference, initial={"forum": request.GET.get("forum")})
        return _checkin_page(request, conference, form)
    form = CheckInForm(request.POST, conference=conference)
    if not form.is_valid():
        return _checkin_page(request, conference, form)
    forum = form.cleaned_data["forum"]
    # Keep the chosen door, clear the code for the next person.
    next_form = CheckInForm(conference=conference, initial={"forum": forum})
    page = partial(_checkin_page, request, conference, next_form)
    try:
        registration = services.find_ticket(conference=conference, code=form.cleaned_data["code"])
        result = services.check_in(registration=registration, by=request.user, forum=forum)
    except services.AlreadyCheckedIn as exc:
        return page(result=services.CheckIn(registration=exc.registration), warning=exc.message)
    except services.UnknownTicket as exc:
        return page(error=exc.message, status=404)
    except services.RegistrationError as exc:
        return page(error=exc.message, status=409)
    return page(result=result)


def _checkin_page(
    request: HttpRequest,
    conference: Conference,
    form: CheckInForm,
    *,
    result: services.CheckIn | None = None,
    error: str | None = None,
    warning: str | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "conference": conference,
        "form": form,
        "result": result,
        "seated": queries.seated_picks(result.registration) if result else [],
        "error": error,
        "warning": warning,
        "staff_nav": "checkin",
    }
    return render(request, "registration/staff/checkin.html", context, status=status)


@require_POST
@staff_required("registration.check_in")
def undo_checkin(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = get_object_or_404(Registration, pk=registration_id)
    services.undo_check_in(registration=registration)
    messages.success(request, _("Check-in of %(name)s undone.") % {"name": registration.full_name})
    return redirect("staff:checkin")


@require_POST
@staff_required("registration.change_registration")
def reconfirm(request: HttpRequest) -> HttpResponse:
    conference = _conference(request)
    count = services.send_reconfirmation(conference=conference)
    messages.success(
        request,
        _("“Still coming?” emails queued for %(count)d seated attendees.") % {"count": count},
    )
    return redirect("staff:dashboard")

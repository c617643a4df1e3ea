"""Staff pages at /staff/: dashboard, exports, check-in, printable door lists."""

import re
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from agenda.models import Conference, Forum
from agenda.views import get_conference
from registration import exports, services
from registration.enums import PickStatus, RegistrationStatus
from registration.models import ExportPreference, Registration
from registration.queries import with_seat_counts
from registration.staff_forms import CheckInForm, ExportForm

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


def staff_required(permission: str):
    """Logged-in staff with ``permission``: anonymous users go to the login page, others
    without the permission get a 403."""

    def decorator(view):
        @login_required
        @permission_required(permission, raise_exception=True)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["Cache-Control"] = "private, no-store"
            return response

        return wrapped

    return decorator


def _conference(request: HttpRequest) -> Conference:
    slug = request.GET.get("conference") or request.POST.get("conference")
    if slug and not SLUG.fullmatch(slug):
        raise Http404("Unknown conference")
    return get_conference(request, slug) if slug else get_conference(request)


def registrations_per_day(conference: Conference) -> list[dict]:
    rows = (
        Registration.objects.filter(conference=conference)
        .annotate(day=TruncDate("created_at", tzinfo=conference.tzinfo))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return [{"day": row["day"], "count": row["n"]} for row in rows]


def chart(days: list[dict], width: int = 640, height: int = 200) -> dict:
    """Bars of a server-side SVG chart (no JavaScript, no CDN)."""
    if not days:
        return {"bars": [], "width": width, "height": height, "max": 0}
    top = max(day["count"] for day in days) or 1
    gap = 2
    bar_width = max((width - 40) / len(days) - gap, 1)
    bars = []
    for index, day in enumerate(days):
        bar_height = (height - 30) * day["count"] / top
        bars.append(
            {
                "x": round(40 + index * (bar_width + gap), 1),
                "y": round(height - 20 - bar_height, 1),
                "width": round(bar_width, 1),
                "height": round(bar_height, 1),
                "day": day["day"],
                "count": day["count"],
            }
        )
    return {"bars": bars, "width": width, "height": height, "max": top}


@staff_required("registration.view_registration")
def dashboard(request: HttpRequest) -> HttpResponse:
    conference = _conference(request)
    totals = Registration.objects.filter(conference=conference).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    forums = (
        with_seat_counts(Forum.objects.filter(conference=conference))
        .annotate(
            came=Count(
                "picks",
                filter=Q(picks__status=PickStatus.SEATED, picks__checked_in_at__isnull=False),
                distinct=True,
            )
        )
        .select_related("room")
        .order_by("starts_at", "position")
    )
    days = registrations_per_day(conference)
    return render(
        request,
        "registration/staff/dashboard.html",
        {
            "conference": conference,
            "totals": totals,
            "forums": forums,
            "chart": chart(days),
            "days": days,
            "staff_nav": "dashboard",
        },
    )


@staff_required("registration.export_registrations")
def export(request: HttpRequest) -> HttpResponse:
    conference = _conference(request)
    preference = ExportPreference.objects.filter(user=request.user).first()
    saved = preference.columns if preference else None
    if request.method == "POST":
        form = ExportForm(request.POST, conference=conference, saved_columns=saved)
        if form.is_valid():
            ExportPreference.objects.update_or_create(
                user=request.user, defaults={"columns": form.cleaned_data["columns"]}
            )
            export_request = exports.ExportRequest(
                conference=conference,
                forum=form.cleaned_data["forum"],
                statuses=form.status_set(),
                columns=form.cleaned_data["columns"],
                forum_columns=form.cleaned_data["forum_columns"],
            )
            return export_response(
                export_request, user=request.user, file_format=form.cleaned_data["file_format"]
            )
    else:
        form = ExportForm(conference=conference, saved_columns=saved)
    return render(
        request,
        "registration/staff/export.html",
        {
            "conference": conference,
            "form": form,
            "forums": Forum.objects.filter(conference=conference).order_by("starts_at", "position"),
            "staff_nav": "export",
        },
    )


def export_response(
    export_request: exports.ExportRequest, *, user, file_format: str, source: str = "staff"
) -> HttpResponse:
    """The download for an export request (also used by the admin action), logged."""
    attendees = exports.AttendeeList(export_request)
    log = exports.start_log(
        user=user, request=export_request, file_format=file_format, source=source
    )
    if file_format == "xlsx":
        title = export_request.forum.title if export_request.forum else _("Attendees")
        return FileResponse(
            exports.xlsx_file(attendees, log, title),
            as_attachment=True,
            filename=exports.filename(export_request, "xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(
        exports.csv_chunks(attendees, log), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(export_request, "csv")}"'
    )
    return response


@staff_required("registration.export_registrations")
def forum_print(request: HttpRequest, forum_id: int) -> HttpResponse:
    forum = get_object_or_404(Forum.objects.select_related("conference", "room"), pk=forum_id)
    conference = forum.conference
    timezone.activate(conference.tzinfo)
    picks = list(
        forum.picks.live()
        .filter(registration__status=RegistrationStatus.CONFIRMED)
        .select_related("registration")
        .order_by("status", "picked_at")
    )
    seated = sorted(
        (p for p in picks if p.status == PickStatus.SEATED),
        key=lambda p: p.registration.full_name.casefold(),
    )
    waiting = [p for p in picks if p.status == PickStatus.WAITING]
    log = exports.start_log(
        user=request.user,
        request=exports.ExportRequest(
            conference=conference, forum=forum, columns=["full_name", "organization", "ticket_code"]
        ),
        file_format="print",
        source="staff",
    )
    log.row_count = len(picks)
    log.save(update_fields=["row_count"])
    return render(
        request,
        "registration/staff/forum_print.html",
        {"conference": conference, "forum": forum, "seated": seated, "waiting": waiting},
    )


@staff_required("registration.check_in")
@ratelimit(
    group="gotc.checkin",
    key="user_or_ip",
    rate=lambda group, request: settings.RATE_LIMITS["checkin"],
    method="POST",
    block=True,
)
def checkin(request: HttpRequest) -> HttpResponse:
    conference = _conference(request)
    result = error = warning = None
    status = 200
    if request.method == "POST":
        form = CheckInForm(request.POST, conference=conference)
        if form.is_valid():
            forum = form.cleaned_data["forum"]
            try:
                registration = services.find_ticket(
                    conference=conference, code=form.cleaned_data["code"]
                )
                result = services.check_in(registration=registration, by=request.user, forum=forum)
            except services.AlreadyCheckedIn as exc:
                warning = exc.message
                result = services.CheckIn(registration=exc.registration)
            except services.UnknownTicket as exc:
                error, status = exc.message, 404
            except services.RegistrationError as exc:
                error, status = exc.message, 409
            # Keep the chosen door, clear the code for the next person.
            form = CheckInForm(conference=conference, initial={"forum": forum})
    else:
        form = CheckInForm(conference=conference, initial={"forum": request.GET.get("forum")})
    seated = []
    if result is not None:
        seated = list(
            result.registration.picks.seated()
            .select_related("forum", "forum__room")
            .order_by("forum__starts_at")
        )
    return render(
        request,
        "registration/staff/checkin.html",
        {
            "conference": conference,
            "form": form,
            "result": result,
            "seated": seated,
            "error": error,
            "warning": warning,
            "staff_nav": "checkin",
        },
        status=status,
    )


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

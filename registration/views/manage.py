"""The attendee's private page behind the emailed link: ticket, picks, cancel, calendar,
"still coming?", their data, delete. Every page is private (never cached or indexed)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from agenda.calendars import finish, forum_event, new_calendar
from agenda.models import Forum
from agenda.templatetags.program import program_reverse
from registration import queries, services
from registration.decorators import private_page, rate_limited
from registration.forms import ChangePicksForm
from registration.models import Registration
from registration.tickets import qr_svg
from registration.views.register import DONE_SESSION_KEY


def _manageable(token: str) -> Registration:
    registration = queries.registration_for_token(token)
    if registration is None:
        raise Http404("Unknown link")
    timezone.activate(registration.conference.tzinfo)
    registration.conference.is_current = False
    return registration


def _page(request: HttpRequest, template: str, registration: Registration, **context):
    context = {"conference": registration.conference, "registration": registration, **context}
    return render(request, f"registration/{template}", context)


@sensitive_post_parameters()
@private_page
@rate_limited("manage")
def manage(request: HttpRequest, token: str) -> HttpResponse:
    registration = _manageable(token)
    form = None
    if registration.is_active:
        data = request.POST if request.method == "POST" else None
        form = ChangePicksForm(data, registration=registration)
        if request.method == "POST" and form.is_valid() and _change_picks(request, form):
            return redirect("registration:manage", token=token)
    conference = registration.conference
    title = _("Ticket %(code)s") % {"code": registration.ticket_display}
    return _page(
        request,
        "manage.html",
        registration,
        picks=queries.picks_for_display(registration),
        form=form,
        can_change=registration.is_active and conference.registration_is_open(),
        qr=qr_svg(registration.ticket_code, title=title),
        home_url=program_reverse(conference, "home"),
    )


def _change_picks(request: HttpRequest, form: ChangePicksForm) -> bool:
    """Apply the attendee's new picks; False (with the error on the form) when a rule says no."""
    try:
        changes = services.change_picks(
            registration=form.registration, forums=form.cleaned_data["forums"]
        )
    except services.RegistrationError as exc:
        if exc.field is None:
            # Closed window or cancelled meanwhile: the page then shows no form, so say it
            # above everything.
            messages.error(request, exc.message)
        form.add_error(exc.field, exc.message)
        return False
    if changes.changed:
        messages.success(request, _("Your forums are updated. We have sent you an email."))
    else:
        messages.info(request, _("Nothing changed."))
    return True


@require_POST
@private_page
@rate_limited("manage")
def leave_waiting_list(request: HttpRequest, token: str, forum_id: int) -> HttpResponse:
    registration = _manageable(token)
    forum = get_object_or_404(Forum, pk=forum_id, conference=registration.conference)
    if services.leave_waiting_list(registration=registration, forum=forum):
        messages.success(
            request, _("You have left the waiting list of “%(forum)s”.") % {"forum": forum.title}
        )
    else:
        messages.info(
            request, _("You were not on the waiting list of “%(forum)s”.") % {"forum": forum.title}
        )
    return redirect("registration:manage", token=token)


@private_page
@rate_limited("manage")
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = _manageable(token)
    if request.method == "POST":
        services.cancel_registration(registration=registration)
        messages.success(request, _("Your registration is cancelled. We have sent you an email."))
        return redirect("registration:manage", token=token)
    picks = queries.picks_for_display(registration)
    return _page(request, "cancel.html", registration, picks=picks)


@private_page
@rate_limited("manage")
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The attendee's seated forums as an .ics file."""
    registration = _manageable(token)
    conference = registration.conference
    cal = new_calendar(conference, f"{conference.name}: {registration.full_name}")
    events = [
        forum_event(
            conference,
            forum,
            request.build_absolute_uri(program_reverse(conference, "forum", forum.slug)),
        )
        for forum in queries.seated_forums(registration)
    ]
    response = HttpResponse(finish(cal, events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{conference.slug}-my-forums.ics"'
    return response


@private_page
@rate_limited("manage")
def reconfirm(request: HttpRequest, token: str) -> HttpResponse:
    """'Still coming?' GET only asks (mail scanners follow links); the answer is a POST."""
    registration = _manageable(token)
    if request.method == "POST" and registration.is_active:
        answer = request.POST.get("coming")
        if answer in {"yes", "no"}:
            services.answer_reconfirmation(registration=registration, coming=answer == "yes")
            if answer == "yes":
                messages.success(request, _("Thank you! Your seats are kept. See you there."))
            else:
                messages.success(
                    request, _("Thank you for telling us. Your registration is cancelled.")
                )
            return redirect("registration:manage", token=token)
        messages.error(request, _("Please choose one of the two answers."))
    picks = queries.picks_for_display(registration)
    return _page(request, "reconfirm.html", registration, picks=picks)


@private_page
@rate_limited("manage")
def my_data(request: HttpRequest, token: str) -> HttpResponse:
    """The attendee's own data as JSON (right of access)."""
    registration = _manageable(token)
    response = JsonResponse(
        queries.registration_data(registration),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    slug = registration.conference.slug
    response["Content-Disposition"] = f'attachment; filename="{slug}-my-data.json"'
    return response


@private_page
@rate_limited("manage")
def delete(request: HttpRequest, token: str) -> HttpResponse:
    """Delete my registration: confirm (GET), then erase (POST)."""
    registration = _manageable(token)
    if request.method != "POST":
        return _page(request, "delete.html", registration)
    services.erase_registration(registration=registration)
    request.session.pop(DONE_SESSION_KEY, None)  # the done page's copy of name and email
    return render(request, "registration/deleted.html", {"conference": registration.conference})

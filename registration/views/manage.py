"""The attendee's private page behind the emailed link: ticket, picks, cancel, "still
coming?", their data, delete, "this link leaked". Every page is private (never cached or
indexed). The calendar has a link of its own (views/calendar.py); the old calendar address
under the private link only redirects there."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from agenda.models import Forum
from agenda.templatetags.program import program_reverse
from registration import queries, services
from registration.decorators import private_page, rate_limited
from registration.forms import ChangePicksForm
from registration.models import CALENDAR_LINK, Registration
from registration.questions import AnswersForm
from registration.services import stars as services_stars
from registration.shown_answers import shown_answers
from registration.tickets import qr_svg


def _manageable(token: str) -> Registration:
    registration = queries.registration_for_token(token)
    if registration is None:
        raise Http404("Unknown link")
    timezone.activate(registration.conference.tzinfo)
    registration.conference.is_current = False
    return registration


def _page(request: HttpRequest, template: str, registration: Registration, token: str, **context):
    # Links on the page use the token this browser came with (a link from before derived
    # tokens has no derivable token; for every other the two are the same).
    context = {
        "conference": registration.conference,
        "registration": registration,
        "token": token,
        **context,
    }
    return render(request, f"registration/{template}", context)


def _back_to_page(registration: Registration, token: str) -> HttpResponse:
    """Back to the private page after a change. A link from before derived tokens is replaced
    by the first email that carries one (the change's own email, say): then this browser, which
    held the old link, continues under the new one."""
    if not registration.manage_nonce:
        token = queries.current_manage_token(registration.pk) or token
    return redirect("registration:manage", token=token)


@sensitive_post_parameters()
@private_page
@rate_limited("manage")
def manage(request: HttpRequest, token: str) -> HttpResponse:
    registration = _manageable(token)
    form = answers_form = None
    if registration.is_active:
        data = request.POST if request.method == "POST" else None
        if data is not None and data.get("form") == "answers":
            # The answers' own form (registration questions); the picks form stays as it is.
            answers_form = AnswersForm(data, registration=registration)
            if answers_form.is_valid() and _change_answers(request, answers_form):
                return _back_to_page(registration, token)
            data = None
        form = ChangePicksForm(data, registration=registration)
        if data is not None and form.is_valid() and _change_picks(request, form):
            return _back_to_page(registration, token)
        answers_form = answers_form or AnswersForm(registration=registration)
    conference = registration.conference
    title = _("Ticket %(code)s") % {"code": registration.ticket_display}
    return _page(
        request,
        "manage.html",
        registration,
        token,
        calendar_url=request.build_absolute_uri(
            reverse("registration:calendar", args=[CALENDAR_LINK.current_token(registration)])
        ),
        picks=queries.picks_for_display(registration),
        form=form,
        answers_form=answers_form,
        answers=shown_answers(registration),
        can_change=registration.is_active and conference.registration_is_open(),
        qr=qr_svg(registration.ticket_code, title=title),
        home_url=program_reverse(conference, "home"),
        star_key=services_stars.star_key(registration) if registration.is_active else "",
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
        if AnswersForm(registration=form.registration).missing():
            messages.warning(request, _("Your new forums come with questions: please answer them."))
    else:
        messages.info(request, _("Nothing changed."))
    return True


def _change_answers(request: HttpRequest, form: AnswersForm) -> bool:
    """Keep the attendee's new answers; False (with the message) when a rule says no."""
    try:
        services.change_answers(
            registration=form.registration,
            replies=form.question_fields.replies(),
            questions=form.asked,
        )
    except services.RegistrationError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, _("Your answers are saved."))
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
    return _back_to_page(registration, token)


@private_page
@rate_limited("manage")
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = _manageable(token)
    if request.method == "POST":
        services.cancel_registration(registration=registration)
        messages.success(request, _("Your registration is cancelled. We have sent you an email."))
        return _back_to_page(registration, token)
    picks = queries.picks_for_display(registration)
    return _page(request, "cancel.html", registration, token, picks=picks)


@private_page
@rate_limited("manage")
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar's old address, under the private link: a redirect to the calendar's own
    link, so that subscriptions made before keep working while no page or email shows the
    private link as a calendar address any more."""
    registration = _manageable(token)
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return redirect("registration:calendar", token=CALENDAR_LINK.current_token(registration))


@require_safe
@private_page
@rate_limited("manage")
def my_agenda(request: HttpRequest, token: str) -> HttpResponse:
    """Seated forums and starred talks on one timeline, with what clashes and where a
    starred talk has no seat behind it."""
    registration = _manageable(token)
    return _page(
        request,
        "my_agenda.html",
        registration,
        token,
        items=queries.my_agenda(registration),
        star_key=services_stars.star_key(registration) if registration.is_active else "",
    )


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
            return _back_to_page(registration, token)
        messages.error(request, _("Please choose one of the two answers."))
    picks = queries.picks_for_display(registration)
    return _page(request, "reconfirm.html", registration, token, picks=picks)


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
        return _page(request, "delete.html", registration, token)
    services.erase_registration(registration=registration)
    response = render(request, "registration/deleted.html", {"conference": registration.conference})
    services.forget_done_page(response)  # the server keeps no copy; this browser's goes too
    return response


@require_POST
@private_page
@rate_limited("manage")
def replace_link(request: HttpRequest, token: str) -> HttpResponse:
    """ "This link leaked: send me a new one": the link dies now and a new one goes to the
    attendee's email only (never to this browser: whoever holds a leaked link could be the
    one pressing the button). The calendar link stays."""
    registration = _manageable(token)
    services.revoke_manage_link(registration=registration)
    return render(
        request, "registration/link_replaced.html", {"conference": registration.conference}
    )

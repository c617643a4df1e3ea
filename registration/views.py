"""Attendee pages: register, done, the private manage page (ticket, picks, cancel)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from agenda.calendars import finish, forum_event, new_calendar
from agenda.models import Forum
from agenda.templatetags.program import program_reverse
from agenda.views import get_conference
from registration import services
from registration.enums import Language
from registration.forms import ChangePicksForm, NewLinkForm, RegistrationForm
from registration.models import Registration
from registration.queries import picks_for_display, with_seat_counts
from registration.tickets import qr_svg

DONE_SESSION_KEY = "registration_done"


def limit(name: str, method=ratelimit.ALL):
    """Rate-limit a view by client address (settings.RATE_LIMITS[name], read per request)."""
    return ratelimit(
        group=f"gotc.{name}",
        key="ip",
        rate=lambda group, request: settings.RATE_LIMITS[name],
        method=method,
        block=True,
    )


def _private(response: HttpResponse) -> HttpResponse:
    """Pages behind a secret link: never cached, never indexed, never leaked as a referrer to
    another site. ("no-referrer" would make browsers post the page's forms with "Origin: null",
    which Django's CSRF check rejects; "same-origin" keeps the link on this site.)"""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _default_language() -> str:
    language = (get_language() or "en").lower()
    return Language.CHINESE if language.startswith("zh") else Language.ENGLISH


@sensitive_post_parameters()
@limit("register", method="POST")
def register(request: HttpRequest) -> HttpResponse:
    conference = get_conference(request)
    if not conference.registration_is_open():
        return _closed(request, conference)
    if request.method == "POST":
        form = RegistrationForm(request.POST, conference=conference)
        if form.is_valid():
            if form.is_bot:
                # Silently drop: the bot sees the same page a person would.
                request.session[DONE_SESSION_KEY] = _done_summary(form, None)
                _short_lived(request)
                return redirect("registration:done")
            try:
                outcome = services.register(
                    conference=conference,
                    data=form.attendee_data(),
                    forums=form.cleaned_data["forums"],
                )
            except services.RegistrationClosed:
                return _closed(request, conference)
            except services.RegistrationError as exc:
                form.add_error(exc.field, exc.message)
            else:
                request.session[DONE_SESSION_KEY] = _done_summary(form, outcome)
                _short_lived(request)
                return redirect("registration:done")
    else:
        form = RegistrationForm(conference=conference, initial={"language": _default_language()})
    return render(
        request,
        "registration/register.html",
        {"conference": conference, "form": form, "nav": "register"},
    )


def _short_lived(request: HttpRequest) -> None:
    """The done page's name and email stay in the session for an hour, not for weeks."""
    if not request.user.is_authenticated:
        request.session.set_expiry(60 * 60)


def _closed(request: HttpRequest, conference) -> HttpResponse:
    opens = conference.registration_opens
    return render(
        request,
        "registration/closed.html",
        {"conference": conference, "opens_later": bool(opens and timezone.now() < opens)},
    )


def _done_summary(form: RegistrationForm, outcome: services.RegistrationOutcome | None) -> dict:
    """What the done page shows. It reads the same whether the email was new or already
    registered (no enumeration): picks as placed, or as they would be placed right now."""
    forums = form.cleaned_data["forums"]
    if outcome is not None and outcome.created:
        seated = {forum.pk for forum in outcome.seated}
    else:
        counted = with_seat_counts(Forum.objects.filter(pk__in=[forum.pk for forum in forums]))
        seated = {forum.pk for forum in counted if not forum.is_full}
    return {
        "email": form.cleaned_data["email"],
        "name": form.cleaned_data["full_name"],
        "picks": [
            {"forum": forum.pk, "seated": forum.pk in seated}
            for forum in sorted(forums, key=lambda f: f.starts_at)
        ],
    }


def done(request: HttpRequest) -> HttpResponse:
    summary = request.session.get(DONE_SESSION_KEY)
    if not summary:
        return redirect("registration:register")
    conference = get_conference(request)
    forums = (
        Forum.objects.filter(conference=conference)
        .select_related("room")
        .in_bulk([pick["forum"] for pick in summary["picks"]])
    )
    picks = [
        {"forum": forums[pick["forum"]], "seated": pick["seated"]}
        for pick in summary["picks"]
        if pick["forum"] in forums
    ]
    return _private(
        render(
            request,
            "registration/done.html",
            {"conference": conference, "summary": summary, "picks": picks, "nav": "register"},
        )
    )


def privacy(request: HttpRequest) -> HttpResponse:
    conference = get_conference(request)
    return render(request, "registration/privacy.html", {"conference": conference})


def _manageable(token: str) -> Registration:
    registration = services.find_manageable(token)
    if registration is None:
        raise Http404("Unknown link")
    timezone.activate(registration.conference.tzinfo)
    registration.conference.is_current = False
    return registration


@sensitive_post_parameters()
@limit("manage")
def manage(request: HttpRequest, token: str) -> HttpResponse:
    registration = _manageable(token)
    conference = registration.conference
    form = None
    if registration.is_active:
        if request.method == "POST":
            form = ChangePicksForm(request.POST, registration=registration)
            if form.is_valid():
                try:
                    changes = services.change_picks(
                        registration=registration, forums=form.cleaned_data["forums"]
                    )
                except services.RegistrationError as exc:
                    if exc.field is None:
                        # Closed window or cancelled meanwhile: the page shows no form then,
                        # so say it above everything.
                        messages.error(request, exc.message)
                    form.add_error(exc.field, exc.message)
                else:
                    if changes.changed:
                        messages.success(
                            request, _("Your forums are updated. We have sent you an email.")
                        )
                    else:
                        messages.info(request, _("Nothing changed."))
                    return redirect("registration:manage", token=token)
        else:
            form = ChangePicksForm(registration=registration)
    context = {
        "conference": conference,
        "registration": registration,
        "picks": picks_for_display(registration),
        "form": form,
        "can_change": registration.is_active and conference.registration_is_open(),
        "qr": qr_svg(
            registration.ticket_code,
            title=_("Ticket %(code)s") % {"code": registration.ticket_display},
        ),
        "home_url": program_reverse(conference, "home"),
    }
    return _private(render(request, "registration/manage.html", context))


@require_POST
@limit("manage")
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


@limit("manage")
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = _manageable(token)
    if request.method == "POST":
        services.cancel_registration(registration=registration)
        messages.success(request, _("Your registration is cancelled. We have sent you an email."))
        return redirect("registration:manage", token=token)
    return _private(
        render(
            request,
            "registration/cancel.html",
            {
                "conference": registration.conference,
                "registration": registration,
                "picks": picks_for_display(registration),
            },
        )
    )


@limit("manage")
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    registration = _manageable(token)
    conference = registration.conference
    forums = (
        Forum.objects.filter(picks__registration=registration, picks__status="seated")
        .for_program()
        .order_by("starts_at")
    )
    cal = new_calendar(conference, f"{conference.name}: {registration.full_name}")
    events = [
        forum_event(
            conference,
            forum,
            request.build_absolute_uri(program_reverse(conference, "forum", forum.slug)),
        )
        for forum in forums
    ]
    response = HttpResponse(finish(cal, events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{conference.slug}-my-forums.ics"'
    return _private(response)


@limit("manage")
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
    return _private(
        render(
            request,
            "registration/reconfirm.html",
            {
                "conference": registration.conference,
                "registration": registration,
                "picks": picks_for_display(registration),
            },
        )
    )


@limit("manage")
def my_data(request: HttpRequest, token: str) -> HttpResponse:
    """The attendee's own data as JSON (right of access)."""
    registration = _manageable(token)
    response = JsonResponse(
        services.registration_data(registration),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{registration.conference.slug}-my-data.json"'
    )
    return _private(response)


@limit("manage")
def delete(request: HttpRequest, token: str) -> HttpResponse:
    """Delete my registration: confirm (GET), then erase (POST)."""
    registration = _manageable(token)
    if request.method == "POST":
        services.erase_registration(registration=registration)
        request.session.pop(DONE_SESSION_KEY, None)  # the done page's copy of name and email
        return _private(
            render(request, "registration/deleted.html", {"conference": registration.conference})
        )
    return _private(
        render(
            request,
            "registration/delete.html",
            {"conference": registration.conference, "registration": registration},
        )
    )


@sensitive_post_parameters()
@limit("new_link", method="POST")
def new_link(request: HttpRequest) -> HttpResponse:
    """ "Send me a new link": the reply is the same whether or not the email is registered."""
    conference = get_conference(request)
    sent = False
    if request.method == "POST":
        form = NewLinkForm(request.POST)
        if form.is_valid():
            services.send_new_link(conference=conference, email=form.cleaned_data["email"])
            sent = True
    else:
        form = NewLinkForm()
    return render(
        request,
        "registration/new_link.html",
        {"conference": conference, "form": form, "sent": sent},
    )

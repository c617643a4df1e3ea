"""Registering: the form, the done page, the privacy notice, "lost your link?"."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.debug import sensitive_post_parameters

from agenda.views import get_conference
from registration import queries, services
from registration.decorators import private_page, rate_limited
from registration.enums import Language
from registration.forms import NewLinkForm, RegistrationForm

DONE_SESSION_KEY = "registration_done"


@sensitive_post_parameters()
@rate_limited("register", method="POST")
def register(request: HttpRequest) -> HttpResponse:
    conference = get_conference(request)
    if not conference.registration_is_open():
        return _closed(request, conference)
    if request.method != "POST":
        form = RegistrationForm(conference=conference, initial={"language": _default_language()})
        return _form_page(request, conference, form)
    form = RegistrationForm(request.POST, conference=conference)
    if not form.is_valid():
        return _form_page(request, conference, form)
    outcome = None
    if not form.is_bot:  # a bot is silently dropped: it sees the page a person would
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
            return _form_page(request, conference, form)
    _remember_done(request, form, outcome)
    return redirect("registration:done")


def _default_language() -> str:
    language = (get_language() or "en").lower()
    return Language.CHINESE if language.startswith("zh") else Language.ENGLISH


def _form_page(request: HttpRequest, conference, form: RegistrationForm) -> HttpResponse:
    return render(
        request,
        "registration/register.html",
        {"conference": conference, "form": form, "nav": "register"},
    )


def _closed(request: HttpRequest, conference) -> HttpResponse:
    opens = conference.registration_opens
    return render(
        request,
        "registration/closed.html",
        {"conference": conference, "opens_later": bool(opens and timezone.now() < opens)},
    )


def _remember_done(
    request: HttpRequest, form: RegistrationForm, outcome: services.RegistrationOutcome | None
) -> None:
    """What the done page shows, kept for an hour (services.keep_done_page: out of the
    session, where erasing the registration reaches it). It reads the same whether the email
    was new or already registered (no enumeration): picks as placed, or as they would be
    placed right now."""
    forums = sorted(form.cleaned_data["forums"], key=lambda f: f.starts_at)
    if outcome is not None and outcome.created:
        seated = {forum.pk for forum in outcome.seated}
    else:
        seated = queries.forums_with_seats_left(forum.pk for forum in forums)
    summary = {
        "email": form.cleaned_data["email"],
        "name": form.cleaned_data["full_name"],
        "picks": [{"forum": forum.pk, "seated": forum.pk in seated} for forum in forums],
    }
    request.session[DONE_SESSION_KEY] = services.keep_done_page(
        email=summary["email"], summary=summary
    )
    if not request.user.is_authenticated:
        request.session.set_expiry(60 * 60)


@private_page
def done(request: HttpRequest) -> HttpResponse:
    summary = services.done_page(request.session.get(DONE_SESSION_KEY))
    if not summary:
        return redirect("registration:register")
    conference = get_conference(request)
    forums = queries.forums_by_id(conference, [pick["forum"] for pick in summary["picks"]])
    picks = [
        {"forum": forums[pick["forum"]], "seated": pick["seated"]}
        for pick in summary["picks"]
        if pick["forum"] in forums
    ]
    context = {"conference": conference, "summary": summary, "picks": picks, "nav": "register"}
    return render(request, "registration/done.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    conference = get_conference(request)
    return render(request, "registration/privacy.html", {"conference": conference})


@sensitive_post_parameters()
@rate_limited("new_link", method="POST")
def new_link(request: HttpRequest) -> HttpResponse:
    """ "Lost your link?": the same link is emailed again; the reply (and the work behind it)
    is the same whether or not the email is registered."""
    conference = get_conference(request)
    sent = False
    if request.method == "POST":
        form = NewLinkForm(request.POST)
        if form.is_valid():
            services.send_link_again(conference=conference, email=form.cleaned_data["email"])
            sent = True
    else:
        form = NewLinkForm()
    return render(
        request,
        "registration/new_link.html",
        {"conference": conference, "form": form, "sent": sent},
    )

"""Registering: the form, the done page, the privacy notice, "lost your link?"."""

import contextlib
import logging

from django.db import connection, transaction
from django.db.utils import InterfaceError, OperationalError
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

logger = logging.getLogger(__name__)
# What a dropped or restarting database raises (psycopg wraps both as these Django errors).
DATABASE_DOWN = (OperationalError, InterfaceError)


@sensitive_post_parameters()
@rate_limited("register", method="POST")
def register(request: HttpRequest) -> HttpResponse:
    conference = get_conference(request)
    if not conference.registration_is_open():
        return _closed(request, conference)
    if request.method != "POST":
        form = RegistrationForm(conference=conference, initial=_initial(request, conference))
        return _form_page(request, conference, form)
    form = RegistrationForm(request.POST, conference=conference)
    if not form.is_valid():
        return _form_page(request, conference, form)
    if not form.is_bot:  # a bot is silently dropped: it sees the page a person would
        try:
            _register_retrying_once(conference, form)
        except services.RegistrationClosed:
            return _closed(request, conference)
        except services.RegistrationError as exc:
            form.add_error(exc.field, exc.message)
            return _form_page(request, conference, form)
    response = redirect("registration:done")
    services.keep_done_page(response, summary=_done_summary(form))
    return response


def _register_retrying_once(
    conference, form: RegistrationForm
) -> services.RegistrationOutcome | None:
    """services.register, tried a second time on a fresh connection when the database
    connection dropped before the registration was committed.

    The service is one transaction, run here inside an outer one so that this view knows
    whether it committed: the first on-commit callback says so. Not committed (the error
    came inside the transaction, or at COMMIT itself, where the outcome is unknown): retry
    once. That cannot register twice: an email already registered creates nothing (the unique
    index and the service's own check), its owner is emailed their link. Committed (a later
    on-commit callback failed): never retried, the registration stands."""
    committed = False
    outcome = None

    def mark_committed():
        nonlocal committed
        committed = True

    def attempt():
        nonlocal outcome
        refusal = None
        with transaction.atomic():
            transaction.on_commit(mark_committed)  # first: runs before any that could fail
            try:
                outcome = services.register(
                    conference=conference,
                    data=form.attendee_data(),
                    forums=form.cleaned_data["forums"],
                    answers=form.question_fields.replies(),
                )
            except services.RegistrationError as error:
                # Raised after the service's own transaction when the conference is full,
                # with the owner's email queued in it: commit that, then refuse.
                refusal = error
        if refusal is not None:
            raise refusal

    try:
        attempt()
    except DATABASE_DOWN:
        if committed:
            logger.warning("Registration committed; an on-commit step failed", exc_info=True)
            return outcome
        if connection.in_atomic_block:
            raise  # inside a caller's transaction, which the error has spoilt: not ours to retry
        logger.warning("Database error while registering; retrying once", exc_info=True)
        _drop_connection()
        try:
            attempt()
        except DATABASE_DOWN:
            if committed:
                logger.warning("Registration committed; an on-commit step failed", exc_info=True)
                return outcome
            raise  # gotc.database: the honest 503 page ("not saved, safe to send again")
    return outcome


def _drop_connection() -> None:
    """Close the broken connection: the next query opens a new one."""
    with contextlib.suppress(*DATABASE_DOWN):  # already dead: Django has forgotten it
        connection.close()


def _initial(request: HttpRequest, conference) -> dict:
    """The form as first shown: the page's language, and the forum whose "Register" button
    led here ticked (``?forum=<slug>``; an unknown slug ticks nothing)."""
    initial = {"language": _default_language()}
    slug = request.GET.get("forum", "")[:80]
    if slug:
        initial["forums"] = list(conference.forums.filter(slug=slug).values_list("pk", flat=True))
    return initial


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


def _done_summary(form: RegistrationForm) -> dict:
    """What the done page shows (services.keep_done_page: a signed cookie, no server copy):
    the forums asked for, without seat status. It reads the same whether the email was new or
    already registered (no enumeration; for a registered email nothing was booked), so the
    email, which differs, tells each visitor what they hold."""
    forums = sorted(form.cleaned_data["forums"], key=lambda f: (f.starts_at, f.pk))
    return {
        "email": form.cleaned_data["email"],
        "name": form.cleaned_data["full_name"],
        "forums": [forum.pk for forum in forums],
    }


@private_page
def done(request: HttpRequest) -> HttpResponse:
    summary = services.done_page(request)
    if not summary:
        return redirect("registration:register")
    conference = get_conference(request)
    found = queries.forums_by_id(conference, summary["forums"])
    forums = [found[pk] for pk in summary["forums"] if pk in found]
    context = {"conference": conference, "summary": summary, "forums": forums, "nav": "register"}
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

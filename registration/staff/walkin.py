"""Walk-in registration at the desk: a volunteer registers someone who shows up.

The form is the public one (``RegistrationForm``: the same fields, the same checks, the same
forum picks with their waiting lists), worded for the volunteer; the write is the same
``services.register`` as online, so every rule (window, capacity, overlapping picks, one
registration per email) holds as it does there, and the confirmation email goes out the same
way. What differs is only what a staff member may be told: that an email is already
registered (with a link to find its owner at check-in), which the public form never says.

Permission: ``registration.check_in``, the desk's own (registration.roles): the volunteers
who check people in are the ones who register walk-ins, and the desk role has no
``add_registration``.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from agenda.models import Conference
from registration import queries, services
from registration.enums import Language
from registration.forms import RegistrationForm
from registration.models import Registration
from registration.staff.views import _conference, staff_required
from registration.tickets import qr_svg

PERMISSION = "registration.check_in"
# Database ids are signed 64-bit integers; a larger one in a URL is simply unknown (SQLite
# would overflow on it).
MAX_ID = 2**63 - 1


class WalkInForm(RegistrationForm):
    """The public registration form as the desk fills it in: the volunteer confirms that the
    attendee accepted the privacy notice; no honeypot (staff are signed in)."""

    def __init__(self, *args, conference: Conference, **kwargs):
        super().__init__(*args, conference=conference, **kwargs)
        del self.fields["website"]
        self.fields["full_name"].help_text = gettext_lazy(
            "As it should appear on the badge, in any script (e.g. 张伟 or Jane Doe)."
        )
        self.fields["full_name"].widget.attrs["autofocus"] = True
        self.fields["email"].help_text = gettext_lazy(
            "The ticket and the attendee's private link are sent here."
        )
        self.fields["language"].label = gettext_lazy("Language of the attendee's emails")
        consent = self.fields["consent"]
        consent.label = format_html(
            '{} <a href="{}" target="_blank">{}</a>',
            _("The attendee has read and accepted the privacy notice."),
            reverse("registration:privacy"),
            _("Show the privacy notice"),
        )
        consent.error_messages["required"] = _(
            "Confirm that the attendee accepted the privacy notice."
        )
        self.fields["newsletter"].label = gettext_lazy(
            "The attendee wants news about future GOTC conferences (optional)"
        )

    details_legend = gettext_lazy("Attendee")

    @property
    def is_bot(self) -> bool:
        return False


def _default_language() -> str:
    return Language.CHINESE if (get_language() or "").startswith("zh") else Language.ENGLISH


def _seats_left(conference: Conference) -> int | None:
    """Registrations the conference still takes (None: no overall limit). The service counts
    again under its lock; this only decides whether the page offers the form."""
    if conference.capacity is None:
        return None
    taken = Registration.objects.filter(conference=conference).active().count()
    return max(conference.capacity - taken, 0)


def _already_registered_message(email: str) -> str:
    url = f"{reverse('staff:checkin')}?{urlencode({'q': email})}"
    return format_html(
        '{} <a href="{}">{}</a>',
        _("%(email)s is already registered for this conference.") % {"email": email},
        url,
        _("Find them at check-in"),
    )


@sensitive_post_parameters()
@staff_required(PERMISSION)
def walkin(request: HttpRequest) -> HttpResponse:
    conference = _conference(request)
    slug = request.GET.get("conference") or request.POST.get("conference") or ""
    page = {"conference": conference, "conference_slug": slug, "staff_nav": "walkin"}
    if not conference.registration_is_open():
        return _stopped(request, page, _closed_message(conference))
    seats_left = _seats_left(conference)
    if seats_left == 0:
        return _stopped(request, page, _full_message(conference))
    if request.method != "POST":
        form = WalkInForm(conference=conference, initial={"language": _default_language()})
        return _form_page(request, page, form, seats_left)
    form = WalkInForm(request.POST, conference=conference)
    if not form.is_valid():
        return _form_page(request, page, form, seats_left)
    email = form.cleaned_data["email"]
    if Registration.objects.for_email(conference, email).active().exists():
        form.add_error("email", _already_registered_message(email))
        return _form_page(request, page, form, seats_left)
    try:
        outcome = services.register(
            conference=conference,
            data=form.attendee_data(),
            forums=form.cleaned_data["forums"],
            answers=form.question_fields.replies(),
        )
    except services.RegistrationClosed:
        return _stopped(request, page, _closed_message(conference))
    except services.ConferenceFull:
        return _stopped(request, page, _full_message(conference), status=409)
    except services.RegistrationError as exc:
        form.add_error(exc.field, exc.message)
        return _form_page(request, page, form, seats_left)
    if outcome.registration is None:  # the same email registered a moment ago, elsewhere
        form.add_error("email", _already_registered_message(email))
        return _form_page(request, page, form, seats_left)
    ticket = reverse("staff:walkin-ticket", args=[outcome.registration.pk])
    return redirect(f"{ticket}?registered=1")


def _closed_message(conference: Conference) -> str:
    return _("Registration for %(conference)s is closed: no walk-in registrations.") % {
        "conference": conference.name
    }


def _full_message(conference: Conference) -> str:
    return _("%(conference)s is fully booked: no more registrations, walk-ins included.") % {
        "conference": conference.name
    }


def _form_page(
    request: HttpRequest, page: dict, form: WalkInForm, seats_left: int | None
) -> HttpResponse:
    context = {**page, "form": form, "seats_left": seats_left}
    return render(request, "registration/staff/walkin.html", context)


def _stopped(request: HttpRequest, page: dict, message: str, *, status: int = 200) -> HttpResponse:
    context = {**page, "form": None, "stopped": message}
    return render(request, "registration/staff/walkin.html", context, status=status)


@staff_required(PERMISSION)
def walkin_ticket(request: HttpRequest, registration_id: int) -> HttpResponse:
    """The ticket of a registration, as the desk shows or prints it right after a walk-in:
    code, QR, forums; and "check in now"."""
    if registration_id > MAX_ID:
        raise Http404("Unknown registration")
    registration = get_object_or_404(
        Registration.objects.select_related("conference"), pk=registration_id
    )
    conference = registration.conference
    timezone.activate(conference.tzinfo)
    title = _("Ticket %(code)s") % {"code": registration.ticket_display}
    context = {
        "conference": conference,
        "registration": registration,
        "picks": queries.picks_for_display(registration) if registration.is_active else [],
        "qr": qr_svg(registration.ticket_code, title=title),
        "just_registered": request.GET.get("registered") == "1",
        "staff_nav": "walkin",
    }
    return render(request, "registration/staff/walkin_ticket.html", context)

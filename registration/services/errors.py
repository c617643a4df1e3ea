"""Every way a registration rule can say no. Views, forms and admin actions catch these and
show ``message`` (next to ``field`` when it names a form field)."""

from django.utils.translation import gettext as _


class RegistrationError(Exception):
    """A rule said no. ``field`` names the form field the message belongs to, if any."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class RegistrationClosed(RegistrationError):
    """Outside the registration window, or the conference is unpublished or gone."""


class ConferenceFull(RegistrationError):
    """The conference's overall capacity is reached."""


class InvalidPick(RegistrationError):
    """A picked forum is not (or no longer) part of this conference's program."""

    field = "forums"


class OverlappingPicks(InvalidPick):
    """Two picked forums take place at the same time."""


class NotActive(RegistrationError):
    """The registration is cancelled."""

    @classmethod
    def for_registration(cls, registration) -> "NotActive":
        return cls(_("%(name)s's registration is cancelled.") % {"name": registration.full_name})


class UnknownTicket(RegistrationError):
    """No registration of this conference has the typed or scanned ticket code."""

    field = "code"


class AlreadyCheckedIn(RegistrationError):
    """A second entrance check-in; ``registration`` says when and by whom the first was."""

    def __init__(self, message: str, *, registration):
        super().__init__(message)
        self.registration = registration


class NotSeatedHere(RegistrationError):
    """At a forum's door, someone without a seat in that forum: refused until a volunteer
    lets them in anyway (or seats them from the waiting list). ``seated`` lists the forums
    they do hold a seat in; ``waiting`` says whether they are on this forum's waiting list."""

    def __init__(self, message: str, *, registration, forum, seated, waiting: bool):
        super().__init__(message)
        self.registration = registration
        self.forum = forum
        self.seated = seated
        self.waiting = waiting


class OtherEditionTicket(UnknownTicket):
    """A ticket code of another edition of the conference (codes are unique across them)."""

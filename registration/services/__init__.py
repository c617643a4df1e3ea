"""Every write that enforces a registration rule (DESIGN.md, "Rules that must hold"), one
module per job:

- ``seats``: register, change picks, leave a waiting list, cancel;
- ``answers``: the answers to the registration questions, kept and changed;
- ``waitinglist``: seat waiting attendees when seats free;
- ``door``: find a ticket, check in, undo;
- ``reconfirmation``: "still coming?";
- ``contact``: resend the ticket, send the private link again, replace it;
- ``privacy``: erase a registration, anonymize a conference;
- ``done_pages``: the done page's copy of what a visitor typed, in a signed cookie;
- ``rules``: the checks that need no lock; ``locking``: the one way rows are locked;
- ``errors``: every way a rule says no.

Callers use the package: ``from registration import services; services.register(...)``.
Reads live in ``registration.queries``.
"""

from registration.services.answers import Reply, change_answers, save_answers
from registration.services.contact import resend_confirmation, revoke_manage_link, send_link_again
from registration.services.done_pages import done_page, forget_done_page, keep_done_page
from registration.services.door import CheckIn, check_in, find_ticket, undo_check_in
from registration.services.errors import (
    AlreadyCheckedIn,
    ConferenceFull,
    InvalidPick,
    NotActive,
    OverlappingPicks,
    RegistrationClosed,
    RegistrationError,
    UnknownTicket,
)
from registration.services.privacy import ERASED_NAME, anonymize_conference, erase_registration
from registration.services.reconfirmation import answer_reconfirmation, send_reconfirmation
from registration.services.rules import check_picks, check_window
from registration.services.seats import (
    PickChanges,
    RegistrationOutcome,
    cancel_registration,
    change_picks,
    leave_waiting_list,
    register,
)
from registration.services.waitinglist import promote_waiting

__all__ = [
    "ERASED_NAME",
    "AlreadyCheckedIn",
    "CheckIn",
    "ConferenceFull",
    "InvalidPick",
    "NotActive",
    "OverlappingPicks",
    "PickChanges",
    "RegistrationClosed",
    "RegistrationError",
    "RegistrationOutcome",
    "Reply",
    "UnknownTicket",
    "anonymize_conference",
    "answer_reconfirmation",
    "cancel_registration",
    "change_answers",
    "change_picks",
    "check_in",
    "check_picks",
    "check_window",
    "done_page",
    "erase_registration",
    "find_ticket",
    "forget_done_page",
    "keep_done_page",
    "leave_waiting_list",
    "promote_waiting",
    "register",
    "resend_confirmation",
    "revoke_manage_link",
    "save_answers",
    "send_link_again",
    "send_reconfirmation",
    "undo_check_in",
]

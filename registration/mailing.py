"""Attendee emails, in the attendee's language, never lost and never holding a lock.

1. ``queue()`` writes a PendingEmail row in the caller's transaction (a transactional outbox:
   it commits with the registration or not at all) - one cheap insert under the locks.
2. With EMAIL_DELIVERY=immediate (the default for `make run`), ``flush()`` renders it into
   django-post-office's mail queue right after commit and sends it. With "worker" (production)
   the mail worker renders and sends; it also picks up whatever a crashed process left.
3. Failed sends stay queued; `manage.py mail_worker` retries them (POST_OFFICE MAX_RETRIES).
   Sending, by the worker or right after commit, sends each email exactly once however many
   processes send (``registration.delivery``).
4. Once sent, the copy kept in the mail queue loses its secret links (``forget_sent_links``):
   the attendee's inbox is the only place a working link lives (Registration, "Secret
   links"). The copy keeps the ticket code, by which erasure finds it, and loses its
   attachments (files in the default storage, derived from the registration).

An email to an active registration arrives whole, with nothing to fetch: its ticket's QR code
as an inline image (a ``cid:`` part; mail clients block ``data:`` images and remote ones) and
the attendee's calendar (``.ics`` of their seated forums and starred talks) as attachments,
the venue with a map link, and links to the forum pages, all under SITE_URL.
"""

import base64
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from post_office.models import PRIORITY, STATUS, Attachment, Email
from post_office.utils import create_attachments

from agenda.templatetags.program import program_reverse
from registration import delivery
from registration.calendars import attendee_calendar
from registration.models import PendingEmail
from registration.tickets import CALENDAR_LINK, MANAGE_LINK, qr_png

logger = logging.getLogger(__name__)

# A secret link in a rendered email: /r/<token>/... and /calendar/<token>.ics.
SECRET_PATH = re.compile(r"(/r/|/calendar/)[A-Za-z0-9_-]{16,64}")
LINK_REMOVED = r"\1[link-removed]"
# Outbox rows the mail worker renders per pass (it sends what is due in between).
WORKER_BATCH = 500
# Marks a mail-queue row whose body still holds secret links (post_office reads ``context``
# only for template emails, which these are not).
HOLDS_LINKS = {"gotc_links": True}

KINDS = {
    "confirmation",
    "change",
    "cancellation",
    "promotion",
    "already_registered",
    "reconfirmation",
    "schedule_change",
    "mailing",
}


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def qr_content_id(registration) -> str:
    """The Content-ID of the ticket's QR part, which the HTML shows as ``cid:<this>``."""
    return f"ticket-{registration.ticket_code}@{settings.ICAL_UID_DOMAIN}"


def render_email(registration, kind: str, **extra) -> tuple[str, str, str]:
    """(subject, text, html) for one email, in the attendee's language. The links are the
    registration's current ones (``SecretLink.current_token``: the same link again, or a
    new one once for a link that predates derived tokens); program links go to the edition's
    pages, which stay valid when a later conference becomes the current one."""
    from registration.queries import picks_for_display

    conference = registration.conference
    conference.is_current = False
    token = MANAGE_LINK.current_token(registration)
    with translation.override(registration.language), timezone.override(conference.tzinfo):
        picks = picks_for_display(registration)
        for pick in picks:
            pick.forum_url = absolute_url(program_reverse(conference, "forum", pick.forum.slug))
        context = {
            "registration": registration,
            "conference": conference,
            "picks": picks,
            "home_url": absolute_url(program_reverse(conference, "home")),
            "agenda_url": absolute_url(program_reverse(conference, "agenda")),
            "contact_url": absolute_url(reverse("contact")),
            "privacy_url": absolute_url(reverse("registration:privacy")),
            "manage_url": absolute_url(reverse("registration:manage", kwargs={"token": token})),
            "calendar_url": absolute_url(
                reverse(
                    "registration:calendar",
                    kwargs={"token": CALENDAR_LINK.current_token(registration)},
                )
            ),
            "register_url": absolute_url(reverse("registration:register")),
            "reconfirm_url": absolute_url(
                reverse("registration:reconfirm", kwargs={"token": token})
            ),
            "qr_content_id": qr_content_id(registration),
            **extra,
        }
        subject = render_to_string(f"registration/emails/{kind}_subject.txt", context)
        text = render_to_string(f"registration/emails/{kind}.txt", context)
        html = render_to_string(f"registration/emails/{kind}.html", context)
    return " ".join(subject.split()), text, html


def attachments_for(registration) -> dict:
    """What an email to ``registration`` carries, as post_office's ``create_attachments``
    takes it: for an active registration, its ticket's QR code (inline, the ``cid:`` the HTML
    shows) and, when it has a seat or a starred talk, its calendar (``.ics``, the same document
    as its calendar link). Nothing for a cancelled one."""
    if not registration.is_active:
        return {}
    code = registration.ticket_code
    files = {
        # post_office copies a part that has headers byte for byte, without a transfer
        # encoding: the file holds the PNG in base64, and the part says so.
        f"ticket-{code}.png": {
            "file": ContentFile(base64.encodebytes(qr_png(code))),
            "mimetype": "image/png",
            "headers": {
                "Content-ID": f"<{qr_content_id(registration)}>",
                "Content-Transfer-Encoding": "base64",
                "Content-Disposition": f'inline; filename="ticket-{code}.png"',
            },
        }
    }
    with translation.override(registration.language):
        calendar = attendee_calendar(registration, absolute_url)
    if b"BEGIN:VEVENT" in calendar:
        files[f"{registration.conference.slug}-my-forums.ics"] = {
            "file": ContentFile(calendar),
            "mimetype": "text/calendar",
        }
    return files


def drop_attachments(email_ids) -> int:
    """Delete the attachments (rows and files) of the emails ``email_ids``. Returns how many."""
    attachments = list(Attachment.objects.filter(emails__pk__in=list(email_ids)).distinct())
    for attachment in attachments:
        attachment.file.delete(save=False)
    Attachment.objects.filter(pk__in=[attachment.pk for attachment in attachments]).delete()
    return len(attachments)


def queue(registration, kind: str, forum=None) -> PendingEmail:
    """Owe ``registration`` an email of ``kind``; it is rendered and sent after commit.

    ``registration=None`` writes a stand-in row that the outbox drops unsent: for callers that
    must do the same work whether or not an address is registered (no enumeration)."""
    if kind not in KINDS:
        raise ValueError(f"unknown email kind {kind!r}")
    if registration is not None:
        # A link from before derived tokens gets its nonce now, in the caller's transaction
        # (not later at rendering): the attendee's page that caused this email can move to
        # the new link at once.
        MANAGE_LINK.current_token(registration)
    pending = PendingEmail.objects.create(registration=registration, kind=kind, forum=forum)
    if settings.EMAIL_DELIVERY == "immediate":
        # Render and send right after commit. Otherwise the worker does both, and no request
        # spends its time on templates.
        transaction.on_commit(lambda: flush([pending.pk]))
    return pending


def flush(
    pending_ids: list[int] | None = None, *, older_than: timedelta | None = None
) -> list[int]:
    """Render pending emails into the mail queue (and send them when EMAIL_DELIVERY is
    immediate). Never raises: what fails stays pending for the worker. Returns Email ids."""
    from registration.services import mailings  # emails to attendees; services import this

    try:
        with transaction.atomic():
            pending = PendingEmail.objects.select_for_update(
                skip_locked=True, of=("self",)
            ).select_related("registration__conference", "forum", "notice", "mailing")
            if pending_ids is not None:
                pending = pending.filter(pk__in=pending_ids)
            if older_than is not None:
                pending = pending.filter(created_at__lte=timezone.now() - older_than)
            if pending_ids is None:
                # The worker's pass: a bounded batch, so that a long email to attendees
                # (services.mailings) is sent while the rest is written; and each attendee's
                # own emails (a confirmation...) first, never waiting behind it.
                first = F("mailing_id").asc(nulls_first=True)
                pending = pending.order_by(first, "created_at", "pk")[:WORKER_BATCH]
            email_ids = []
            done = []
            for item in pending:
                done.append(item.pk)
                if item.registration is None:
                    continue  # a stand-in: nothing to send
                if item.mailing_id and not mailings.wanted(item):
                    continue  # an email to attendees, and this one has cancelled since
                subject, text, html = render_email(item.registration, item.kind, **_extra(item))
                email = Email.objects.create(
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[item.registration.email],
                    subject=subject,
                    message=text,
                    html_message=html,
                    status=STATUS.queued,
                    priority=PRIORITY.medium,
                    context=HOLDS_LINKS,
                )
                files = attachments_for(item.registration)
                if files:
                    email.attachments.add(*create_attachments(files))
                email_ids.append(email.pk)
                if item.mailing_id:
                    mailings.rendered(item, email)  # logged, and due at its turn
            PendingEmail.objects.filter(pk__in=done).delete()
        if pending_ids is None:
            # The worker's pass: what it sent since the last one keeps no link.
            forget_sent_links()
    except Exception:
        logger.warning(
            "Pending emails could not be rendered now; the worker will retry.", exc_info=True
        )
        return []
    if email_ids and settings.EMAIL_DELIVERY == "immediate":
        deliver(email_ids)
    return email_ids


def _extra(item: PendingEmail) -> dict:
    """What an email's template needs beyond the registration: the forum a promotion is
    about, the schedule changes a notice tells of (described in the attendee's language),
    what organizers wrote to attendees (services.mailings)."""
    if item.mailing_id:
        from registration.services import mailings

        return mailings.email_context(item.mailing, item.registration)
    if item.notice_id:
        from agenda.changelog import describe, link
        from registration.services.notices import changes_for

        changes = changes_for(item.registration, item.notice)
        with (
            translation.override(item.registration.language),
            timezone.override(item.registration.conference.tzinfo),
        ):
            for change in changes:
                change.text = describe(change)
                change.title_shown = change.title()
                change.forum_shown = change.forum_title()
                change.url = absolute_url(link(change))
        return {"changes": changes}
    return {"forum": item.forum} if item.forum else {}


def deliver(email_ids: list[int]) -> int:
    """Try to send queued emails now, each exactly once (``registration.delivery``: a worker
    running at the same time skips the one being sent). A failure leaves an email requeued for
    the worker's retry and never raises: the attendee's data is already saved. Returns how many
    were sent."""
    try:
        sent = delivery.send_due(only_ids=email_ids).sent
    except Exception:
        logger.warning("Emails could not be sent now; the worker will retry.", exc_info=True)
        return 0
    try:
        forget_sent_links(email_ids)
    except Exception:
        logger.warning("Sent emails keep their links until the worker's next pass.", exc_info=True)
    return sent


def forget_sent_links(email_ids: list[int] | None = None) -> int:
    """Remove the secret links and the attachments from the kept copies of sent attendee
    emails (of ``email_ids``, or every one still holding links). A queued or failed email
    keeps them: it has yet to reach the attendee. Returns how many copies were changed."""
    sent = Email.objects.filter(status=STATUS.sent, context__gotc_links=True)
    if email_ids is not None:
        sent = sent.filter(pk__in=email_ids)
    emails = list(sent.only("pk", "message", "html_message"))
    for email in emails:
        email.message = SECRET_PATH.sub(LINK_REMOVED, email.message or "")
        email.html_message = SECRET_PATH.sub(LINK_REMOVED, email.html_message or "")
        email.context = None
    Email.objects.bulk_update(emails, ["message", "html_message", "context"], batch_size=500)
    drop_attachments(email.pk for email in emails)
    return len(emails)

"""The admin in Chinese (/zh-hans/admin/): what every action says reads in Chinese, as the
catalogue translates it."""

import datetime as dt
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import timezone

from agenda.models import Forum
from registration.enums import PickStatus
from registration.models import Registration
from tests.factories import ConferenceFactory, ForumFactory, ForumPickFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

CATALOG = polib.pofile(
    str(Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
)
REGISTRATIONS = "/zh-hans/admin/registration/registration/"
FORUMS = "/zh-hans/admin/agenda/forum/"


def chinese(msgid: str, count: int | None = None) -> str:
    """The catalogue's Chinese for ``msgid``, filled in with ``count`` for a plural message
    (Chinese has one plural form)."""
    entry = CATALOG.find(msgid)
    assert entry is not None and entry.translated(), f"{msgid!r} is not translated"
    if count is None:
        return entry.msgstr
    return entry.msgstr_plural[0] % {"count": count}


def run_in_chinese(client, url: str, action: str, selected) -> list[str]:
    """The messages of the Chinese changelist after running ``action`` on ``selected``."""
    data = {"action": action, "_selected_action": [obj.pk for obj in selected]}

    response = client.post(url, data, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert '<html lang="zh-hans"' in response.content.decode()
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def seated(conference) -> Registration:
    """The one seated attendee of a one-seat forum; a second attendee waits for the seat."""
    forum = ForumFactory(conference=conference, capacity=1)
    first = ForumPickFactory(registration=RegistrationFactory(conference=conference), forum=forum)
    ForumPickFactory(
        registration=RegistrationFactory(conference=conference),
        forum=forum,
        status=PickStatus.WAITING,
        picked_at=first.picked_at + dt.timedelta(minutes=1),
    )
    return first.registration


@pytest.mark.parametrize(
    ("action", "checked_in", "said"),
    [
        (
            "cancel_selected",
            False,
            ["%(count)d registration cancelled.", "%(count)d waiting attendee got a seat."],
        ),
        ("resend_confirmation", False, ["%(count)d email queued."]),
        ("check_in_selected", False, ["%(count)d attendee checked in."]),
        ("undo_check_in", True, ["%(count)d check-in undone."]),
        ("send_reconfirmation", False, ["%(count)d email queued."]),
        ("revoke_links", False, ["%(count)d link replaced."]),
    ],
    ids=["cancel", "resend", "check-in", "undo-check-in", "reconfirm", "revoke-links"],
)
def test_registration_action_speaks_chinese(admin_client, seated, action, checked_in, said):
    if checked_in:
        Registration.objects.filter(pk=seated.pk).update(checked_in_at=timezone.now())

    shown = run_in_chinese(admin_client, REGISTRATIONS, action, [seated])

    assert shown == [chinese(msgid, count=1) for msgid in said]
    assert shown != [msgid % {"count": 1} for msgid in said]


def test_promote_action_speaks_chinese(admin_client, seated):
    forum = Forum.objects.get()
    Forum.objects.filter(pk=forum.pk).update(capacity=2)

    shown = run_in_chinese(admin_client, FORUMS, "promote", [forum])

    assert shown == [chinese("%(count)d attendee got a seat.", count=1)]


def test_export_action_refusal_speaks_chinese(admin_client, seated):
    elsewhere = RegistrationFactory(conference=ConferenceFactory())

    shown = run_in_chinese(admin_client, REGISTRATIONS, "export_csv", [seated, elsewhere])

    assert shown == [chinese("Select registrations of one conference to export.")]

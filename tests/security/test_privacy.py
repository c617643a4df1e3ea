"""Privacy: the notice says what is kept and how long; attendees download their data and
delete their registration (seat freed, waiting list promoted, personal fields erased, counts
kept); `manage.py anonymize` erases a past conference's attendees and nothing else."""

import datetime as dt
import io
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core import mail, serializers
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from post_office.models import STATUS, Email

from agenda.models import Forum
from registration import services
from registration.enums import PickStatus, RegistrationStatus
from registration.models import ForumPick, Registration
from registration.queries import with_seat_counts
from tests.factories import ConferenceFactory, ForumFactory, RoomFactory
from tests.pages import main_text
from tests.security.conftest import attendee_data

pytestmark = pytest.mark.django_db

PERSONAL_FIELDS = ["full_name", "email", "organization", "job_title", "phone"]


def personal_values(registration: Registration) -> list[str]:
    return [getattr(registration, name) for name in PERSONAL_FIELDS if getattr(registration, name)]


def dump(*querysets) -> str:
    """Every row of the querysets as JSON text, lower case, non-ASCII kept as is."""
    return "\n".join(
        serializers.serialize("json", queryset, ensure_ascii=False) for queryset in querysets
    ).lower()


def leftovers(values: list[str], *querysets) -> list[str]:
    text = dump(*querysets)
    return [value for value in values if value.lower() in text]


def seat_counts(conference) -> dict[str, tuple[int, int]]:
    return {
        forum.slug: (forum.seated_count, forum.waiting_count)
        for forum in with_seat_counts(Forum.objects.filter(conference=conference))
    }


def picks_state(conference) -> list[tuple]:
    return list(
        ForumPick.objects.filter(forum__conference=conference)
        .order_by("pk")
        .values_list("registration_id", "forum_id", "status", "seated_at", "checked_in_at")
    )


# --- the notice -----------------------------------------------------------------------------


def test_privacy_page_says_what_is_stored_and_for_how_long(client, conference):
    response = client.get("/privacy/")

    body = main_text(response)
    assert response.status_code == 200
    assert (
        "Your full name, email, organization and job title: for your badge, your ticket and "
        "the attendee list at the door." in body
    )
    assert "Your phone number, if you give it: only to reach you about the event." in body
    assert (
        "How long we keep it Until the event is over and the follow-up is done: at the latest "
        "90 days after the conference, your personal data is erased (anonymized)" in body
    )


def test_privacy_page_in_chinese(client, conference):
    response = client.get("/zh-hans/privacy/")

    assert response.status_code == 200
    assert "90" in main_text(response)
    assert response.context["LANGUAGE_CODE"] == "zh-hans"


# --- my data ----------------------------------------------------------------------------------


def test_my_data_is_the_attendees_own_data_as_json(client, people, morning, afternoon):
    response = client.get(f"/r/{people.zhang.manage_token}/my-data.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{people.zhang.conference.slug}-my-data.json"'
    )
    assert "张伟".encode() in response.content  # readable, not \\u escapes
    data = json.loads(response.content)
    assert {key: data[key] for key in PERSONAL_FIELDS} == {
        "full_name": "张伟",
        "email": "zhang.wei@example.org",
        "organization": "开放原子开源基金会",
        "job_title": "工程师",
        "phone": "+86 139 0000 0002",
    }
    assert (data["status"], data["ticket_code"], data["newsletter"]) == (
        "confirmed",
        people.zhang.ticket_display,
        True,
    )
    assert [(pick["forum"], pick["status"]) for pick in data["forum_picks"]] == [
        (morning.title, "waiting"),
        (afternoon.title, "seated"),
    ]


def test_my_data_holds_nobody_elses_data(client, people):
    response = client.get(f"/r/{people.zoe.manage_token}/my-data.json")

    body = response.content.decode()
    assert response.status_code == 200
    assert [value for value in ["Li Wei", "li.wei@", "张伟", "zhang.wei@"] if value in body] == []


# --- delete my registration -------------------------------------------------------------------


def test_delete_page_get_only_asks(client, people, morning):
    before = seat_counts(people.li.conference)

    response = client.get(f"/r/{people.li.manage_token}/delete/")

    people.li.refresh_from_db()
    assert response.status_code == 200
    assert main_text(response).startswith("Delete your registration and your data?")
    assert people.li.status == RegistrationStatus.CONFIRMED
    assert people.li.full_name == "Li Wei"
    assert seat_counts(people.li.conference) == before


@pytest.fixture
def li_has_mail(people, django_capture_on_commit_callbacks):
    """Li Wei was sent her confirmation (an Email row with her name and link)."""
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_confirmation(registration=people.li)
    assert Email.objects.filter(to__contains="li.wei@example.org").count() == 1


def test_delete_frees_the_seat_promotes_and_erases(
    client, people, morning, afternoon, li_has_mail, django_capture_on_commit_callbacks
):
    conference = people.li.conference
    original = personal_values(people.li)
    old_link = f"/r/{people.li.manage_token}/"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{old_link}delete/")

    assert response.status_code == 200
    assert main_text(response).startswith("Your registration and your data are deleted")
    li = Registration.objects.get(pk=people.li.pk)
    assert li.status == RegistrationStatus.CANCELLED
    assert (li.full_name, li.organization, li.job_title, li.phone, li.newsletter) == (
        "—",
        "",
        "",
        "",
        False,
    )
    assert li.email == f"erased-{li.pk}@invalid"
    assert leftovers(original, Registration.objects.all(), Email.objects.all()) == []
    # The seat went to the first waiting attendee, who was told.
    assert ForumPick.objects.get(registration=people.zhang, forum=morning).status == "seated"
    assert [m.to for m in mail.outbox] == [["zhang.wei@example.org"]]
    # The link is dead.
    assert client.get(old_link).status_code == 404
    assert client.post(f"{old_link}delete/").status_code == 404
    # Counts: seats of the others unchanged, the row kept as a cancellation.
    assert seat_counts(conference) == {"cloud-native": (1, 0), "governance": (2, 0)}
    assert ForumPick.objects.filter(registration=li).count() == 2
    assert set(ForumPick.objects.filter(registration=li).values_list("status", flat=True)) == {
        PickStatus.RELEASED
    }
    assert list(
        Registration.objects.filter(conference=conference)
        .order_by("status")
        .values_list("status", flat=True)
    ) == ["cancelled", "confirmed", "confirmed"]


def test_delete_keeps_the_dashboard_totals_right(client, client_for, people, conference):
    client.post(f"/r/{people.li.manage_token}/delete/")

    response = client_for("desk").get("/staff/", {"conference": conference.slug})

    assert response.context["totals"] == {"confirmed": 2, "cancelled": 1, "checked_in": 0}


def test_delete_of_a_cancelled_registration_erases_too(client, people):
    services.cancel_registration(registration=people.zoe)
    token = Registration.objects.get(pk=people.zoe.pk).manage_token

    response = client.post(f"/r/{token}/delete/")

    zoe = Registration.objects.get(pk=people.zoe.pk)
    assert response.status_code == 200
    assert (zoe.full_name, zoe.organization) == ("—", "")


def test_deleted_attendee_can_register_again(client, people, afternoon):
    client.post(f"/r/{people.zoe.manage_token}/delete/")

    outcome = services.register(
        conference=people.zoe.conference,
        data=attendee_data(full_name="Zoë O'Brien", email="zoe@example.org"),
        forums=[afternoon],
        notify=False,
    )

    assert outcome.created
    assert outcome.seated == [afternoon]


def queued_mail_to(address: str) -> Email:
    """A mail waiting in post_office's queue for the worker (EMAIL_DELIVERY=worker)."""
    return Email.objects.create(
        from_email="GOTC <noreply@gotc.example.org>",
        to=[address],
        subject="Your ticket",
        message="See you there.",
        status=STATUS.queued,
    )


def test_delete_leaves_other_attendees_mail_alone(client, conference, afternoon, enroll):
    li = enroll(conference, [afternoon], full_name="Li", email="li@example.org")
    enroll(conference, [afternoon], full_name="Wang Li", email="wang.li@example.org")
    waiting = queued_mail_to("wang.li@example.org")

    client.post(f"/r/{li.manage_token}/delete/")

    assert Email.objects.filter(pk=waiting.pk).exists()


def test_delete_leaves_no_personal_data_in_sessions(client, conference, afternoon):
    client.post(
        "/register/",
        {
            "full_name": "Hannah Session",
            "email": "hannah.session@example.org",
            "organization": "Org",
            "job_title": "Dev",
            "language": "en",
            "forums": [afternoon.pk],
            "consent": "on",
        },
    )
    client.get("/register/done/")
    registration = Registration.objects.get(email="hannah.session@example.org")

    client.post(f"/r/{registration.manage_token}/delete/")

    sessions = [json.dumps(s.get_decoded(), ensure_ascii=False) for s in Session.objects.all()]
    assert [s for s in sessions if "hannah" in s.lower()] == []


# --- the done page's copy of name and email ------------------------------------------------


def register_in_a_browser(afternoon, name: str, email: str) -> Client:
    """A browser that registered ``name`` and still shows the done page."""
    browser = Client()
    browser.post(
        "/register/",
        {
            "full_name": name,
            "email": email,
            "organization": "Org",
            "job_title": "Dev",
            "language": "en",
            "forums": [afternoon.pk],
            "consent": "on",
        },
    )
    assert main_text(browser.get("/register/done/")).startswith(
        f"Check your inbox Thank you, {name}."
    )
    return browser


def server_copies_naming(text: str) -> list[str]:
    """Every cache entry and session on the server that mentions ``text``."""
    from django.core.cache import cache

    entries = [str(value) for value in cache._cache.values()]  # LocMemCache: pickled values
    entries += [json.dumps(s.get_decoded(), ensure_ascii=False) for s in Session.objects.all()]
    return [entry for entry in entries if text.lower() in entry.lower()]


def test_the_server_keeps_no_copy_of_the_done_page(conference, afternoon):
    """The done page's copy of name and email lives only in the registrant's browser (a
    signed cookie, an hour): erasing the registration leaves nothing on the server."""
    register_in_a_browser(afternoon, "Hannah Session", "hannah.session@example.org")

    assert server_copies_naming("hannah") == []


def test_delete_drops_the_done_page_cookie_of_the_browser_that_deletes(
    client, conference, afternoon
):
    browser = register_in_a_browser(afternoon, "Hannah Session", "hannah.session@example.org")
    registration = Registration.objects.get(email="hannah.session@example.org")

    browser.post(f"/r/{registration.manage_token}/delete/")

    response = browser.get("/register/done/")
    assert (response.status_code, response["Location"]) == (302, "/register/")


# --- manage.py anonymize ----------------------------------------------------------------------


@pytest.fixture
def past(db):
    """Last year's edition: Alice seated in Kernel (one seat), Bob waiting for it and seated
    in Cloud, Carol cancelled, Dave checked in at the door; each was sent mail."""
    conference = ConferenceFactory(
        name="GOTC 2023",
        slug="2023",
        start_date=dt.date.today() - dt.timedelta(days=365),
        end_date=dt.date.today() - dt.timedelta(days=364),
        # Registration would have closed at its end: kept open to register its attendees now.
        registration_closes=timezone.now() + dt.timedelta(days=1),
    )
    kernel = ForumFactory(
        conference=conference,
        slug="kernel",
        room=RoomFactory(conference=conference),
        capacity=1,
    )
    cloud = ForumFactory(
        conference=conference,
        slug="cloud",
        start=dt.time(13, 30),
        room=RoomFactory(conference=conference),
        capacity=10,
    )
    return conference, kernel, cloud


@pytest.fixture
def past_attendees(past, django_capture_on_commit_callbacks, django_user_model):
    conference, kernel, cloud = past
    people = {}
    with django_capture_on_commit_callbacks(execute=True):
        for key, name, email, phone, forums in [
            ("alice", "Alice Anders", "alice@example.org", "+49 30 1234567", [kernel]),
            ("bob", "鲍勃 Bob", "bob@example.org", "+86 138 1111 2222", [kernel, cloud]),
            ("carol", "Carol Cancelled", "carol@example.org", "", [cloud]),
            ("dave", "Dave Door", "dave@example.org", "(030) 555-0199", [cloud]),
        ]:
            people[key] = services.register(
                conference=conference,
                data=attendee_data(
                    full_name=name,
                    email=email,
                    phone=phone,
                    organization=f"{name} Org",
                    job_title=f"{name} Title",
                ),
                forums=forums,
            ).registration
        services.cancel_registration(registration=people["carol"])
    # Checked in at the door (written directly: the check-in service is not under test here).
    Registration.objects.filter(pk=people["dave"].pk).update(
        checked_in_at=timezone.now(), checked_in_by=django_user_model.objects.create_user("door")
    )
    for registration in people.values():
        registration.refresh_from_db()
    assert Email.objects.count() == 5  # four confirmations, one cancellation
    return people


def anonymize(*args: str) -> str:
    out = io.StringIO()
    call_command("anonymize", *args, stdout=out)
    return out.getvalue()


def test_anonymize_erases_every_personal_field_of_a_past_conference(past, past_attendees):
    conference, _, _ = past
    original = [value for r in past_attendees.values() for value in personal_values(r)]
    statuses = dict(Registration.objects.values_list("pk", "status"))
    checked_in = dict(Registration.objects.values_list("pk", "checked_in_at"))
    picks, counts = picks_state(conference), seat_counts(conference)

    output = anonymize("--conference", "2023")

    assert output == "GOTC 2023: personal data of 4 registrations erased.\n"
    assert leftovers(original, Registration.objects.all(), Email.objects.all()) == []
    for registration in Registration.objects.filter(conference=conference):
        assert (registration.full_name, registration.organization) == ("—", "")
        assert (registration.job_title, registration.phone) == ("", "")
        assert registration.email == f"erased-{registration.pk}@invalid"
        assert registration.newsletter is False
    assert dict(Registration.objects.values_list("pk", "status")) == statuses
    assert dict(Registration.objects.values_list("pk", "checked_in_at")) == checked_in
    assert picks_state(conference) == picks
    assert seat_counts(conference) == counts == {"kernel": (1, 1), "cloud": (2, 0)}


def test_anonymize_kills_the_private_links(client, past, past_attendees):
    links = [f"/r/{r.manage_token}/" for r in past_attendees.values()]

    anonymize("--conference", "2023")

    assert [client.get(link).status_code for link in links] == [404, 404, 404, 404]


def test_anonymize_is_idempotent(past, past_attendees):
    anonymize("--conference", "2023")
    after_first = dump(Registration.objects.all(), ForumPick.objects.all())

    output = anonymize("--conference", "2023")

    assert output == "GOTC 2023: personal data of 0 registrations erased.\n"
    assert dump(Registration.objects.all(), ForumPick.objects.all()) == after_first


def test_anonymize_leaves_other_conferences_alone(past, past_attendees, people):
    current = dump(Registration.objects.filter(conference=people.li.conference))

    anonymize("--conference", "2023")

    assert dump(Registration.objects.filter(conference=people.li.conference)) == current


def test_anonymize_refuses_a_conference_that_has_not_ended(people, conference):
    before = dump(Registration.objects.all())

    with pytest.raises(CommandError) as refused:
        anonymize("--conference", conference.slug)

    assert str(refused.value) == (
        f"{conference.name} has not ended yet (last day {conference.end_date}); "
        "use --force to anonymize anyway."
    )
    assert dump(Registration.objects.all()) == before


def test_anonymize_with_force_erases_a_running_conference(people, conference):
    output = anonymize("--conference", conference.slug, "--force")

    assert output == f"{conference.name}: personal data of 3 registrations erased.\n"
    assert set(Registration.objects.values_list("full_name", flat=True)) == {"—"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--conference", "nope"], "No conference with the slug 'nope'."),
        ([], "Error: the following arguments are required: --conference"),
    ],
    ids=["unknown-slug", "no-slug"],
)
def test_anonymize_refuses_without_a_known_conference(past, args, message):
    with pytest.raises(CommandError) as refused:
        anonymize(*args)

    assert str(refused.value) == message


def test_anonymize_keeps_mail_of_the_same_person_for_another_conference(
    past, past_attendees, conference, afternoon, enroll
):
    enroll(conference, [afternoon], full_name="Alice Anders", email="alice@example.org")
    waiting = queued_mail_to("alice@example.org")  # her confirmation for this year

    anonymize("--conference", "2023")

    assert Email.objects.filter(pk=waiting.pk).exists()


def test_anonymize_leaves_no_name_in_the_admin_log(client_for, past, past_attendees):
    organizer = client_for("organizer")
    organizer.post(
        "/admin/registration/registration/",
        {"action": "resend_confirmation", "_selected_action": [past_attendees["alice"].pk]},
    )
    assert LogEntry.objects.count() == 1

    anonymize("--conference", "2023")

    assert leftovers(["Alice Anders", "alice@example.org"], LogEntry.objects.all()) == []

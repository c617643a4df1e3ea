"""Registrations through the API: the site's services, rules and emails."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from api.scopes import Scope
from registration import services
from registration.enums import PickStatus, RegistrationStatus
from registration.models import Registration
from tests.api.conftest import base, error_of
from tests.factories import ForumFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(api_for, conference):
    return api_for(conference, [Scope.REGISTRATIONS_READ, Scope.REGISTRATIONS_WRITE])


def register(conference, forums, email, **fields):
    return services.register(
        conference=conference,
        data={
            "full_name": fields.pop("full_name", email.split("@")[0]),
            "email": email,
            "organization": "Org",
            "job_title": "Dev",
        },
        forums=forums,
        notify=False,
    ).registration


def test_register_seats_and_emails_like_the_form(
    writer, conference, program, attendee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post(
            f"{base(conference)}registrations/", attendee([program["main"], program["cloud"]])
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed"
    assert [(pick["forum"]["slug"], pick["status"]) for pick in body["picks"]] == [
        ("main", "seated"),
        ("cloud", "seated"),
    ]
    assert [message.to for message in mail.outbox] == [["li.wei@example.org"]]
    assert Registration.objects.get(pk=body["id"]).consent_at is not None


def test_a_full_forum_puts_the_attendee_on_its_waiting_list(writer, conference, program, attendee):
    register(conference, [program["rust"]], "first@example.org")

    response = writer.post(f"{base(conference)}registrations/", attendee([program["rust"]]))

    assert response.json()["picks"][0]["status"] == "waiting"


def test_the_same_email_twice_is_a_409_and_its_owner_is_emailed(
    writer, conference, program, attendee, django_capture_on_commit_callbacks
):
    url = f"{base(conference)}registrations/"
    writer.post(url, attendee([program["main"]]))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post(url, attendee([program["cloud"]], email="LI.WEI@example.org"))

    assert response.status_code == 409
    assert error_of(response)["code"] == "already_registered"
    assert len(mail.outbox) == 1
    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"consent": False}, "consent"),
        ({"forums": []}, "forums"),
        ({"forums": ["no-such-forum"]}, "forums"),
        ({"forums": "main"}, "forums"),
        ({"language": "fr"}, "language"),
        ({"phone": "call me"}, "phone"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    writer, conference, program, attendee, overrides, field
):
    body = {**attendee(["main"]), **overrides}

    response = writer.post(f"{base(conference)}registrations/", body)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert not Registration.objects.exists()


@pytest.mark.parametrize("body", [None, [], "text", 42])
def test_a_body_that_is_not_an_object_is_a_400(writer, conference, body):
    response = writer.client.post(
        f"{base(conference)}registrations/",
        "{not json" if body is None else __import__("json").dumps(body),
        content_type="application/json",
        **writer.headers,
    )

    assert response.status_code == 400
    error_of(response)


def test_rule_errors_keep_their_code_and_message(writer, conference, program, attendee):
    url = f"{base(conference)}registrations/"
    overlapping = ForumFactory(conference=conference, slug="overlap", day=1)

    clash = writer.post(url, attendee([program["main"], overlapping]))
    draft = writer.post(url, attendee([program["draft"]]))
    conference.registration_closes = timezone.now() - dt.timedelta(minutes=1)
    conference.save()
    closed = writer.post(url, attendee([program["cloud"]]))

    assert clash.status_code == 400
    assert error_of(clash)["code"] == "overlapping_picks"
    assert "Main forum" in error_of(clash)["message"]
    assert error_of(clash)["fields"] == {"forums": [error_of(clash)["message"]]}
    assert error_of(draft)["code"] == "invalid_pick"
    assert closed.status_code == 409
    assert error_of(closed)["code"] == "registration_closed"


def test_a_full_conference_is_a_409(writer, conference, program, attendee):
    conference.capacity = 1
    conference.save()
    register(conference, [program["cloud"]], "first@example.org")

    response = writer.post(f"{base(conference)}registrations/", attendee([program["cloud"]]))

    assert response.status_code == 409
    assert error_of(response)["code"] == "conference_full"


def test_change_picks_frees_a_seat_for_the_waiting_list(writer, conference, program):
    seated = register(conference, [program["rust"]], "seated@example.org")
    waiting = register(conference, [program["rust"]], "waiting@example.org")

    response = writer.post(
        f"{base(conference)}registrations/{seated.pk}/picks/", {"forums": ["cloud"]}
    )

    assert response.status_code == 200
    assert [pick["forum"]["slug"] for pick in response.json()["picks"]] == ["cloud"]
    assert waiting.picks.get().status == PickStatus.SEATED


def test_cancel_is_idempotent_and_promotes(writer, conference, program):
    seated = register(conference, [program["rust"]], "seated@example.org")
    waiting = register(conference, [program["rust"]], "waiting@example.org")
    url = f"{base(conference)}registrations/{seated.pk}/cancel/"

    first = writer.post(url)
    second = writer.post(url)

    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == RegistrationStatus.CANCELLED
    assert first.json()["picks"] == []
    assert waiting.picks.get().status == PickStatus.SEATED
    changed = writer.post(
        f"{base(conference)}registrations/{seated.pk}/picks/", {"forums": ["cloud"]}
    )
    assert error_of(changed)["code"] == "registration_cancelled"


def test_list_filters(writer, conference, program):
    main = register(conference, [program["main"]], "main@example.org")
    cloud = register(conference, [program["cloud"]], "cloud@example.org")
    gone = register(conference, [program["cloud"]], "gone@example.org")
    services.cancel_registration(registration=gone)
    Registration.objects.filter(pk=cloud.pk).update(checked_in_at=timezone.now())
    url = f"{base(conference)}registrations/"

    def ids(**params):
        response = writer.get(url, params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["results"]]

    assert ids() == [main.pk, cloud.pk, gone.pk]
    assert ids(forum="main") == [main.pk]
    assert ids(forum="cloud") == [cloud.pk]
    assert ids(status="cancelled") == [gone.pk]
    assert ids(checked_in="true") == [cloud.pk]
    assert ids(checked_in="false") == [main.pk, gone.pk]
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert ids(updated_since=future) == []


def test_updated_since_sees_pick_changes(writer, conference, program):
    registration = register(conference, [program["main"]], "main@example.org")
    yesterday = timezone.now() - dt.timedelta(days=1)
    Registration.objects.filter(pk=registration.pk).update(updated_at=yesterday)
    registration.picks.update(updated_at=yesterday)
    since = timezone.now() - dt.timedelta(hours=1)

    before = writer.get(f"{base(conference)}registrations/", {"updated_since": since.isoformat()})
    services.change_picks(registration=registration, forums=[program["cloud"]])
    after = writer.get(f"{base(conference)}registrations/", {"updated_since": since.isoformat()})

    assert before.json()["results"] == []
    assert [item["id"] for item in after.json()["results"]] == [registration.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"forum": "nope"},
        {"status": "maybe"},
        {"checked_in": "perhaps"},
        {"updated_since": "yesterday"},
        {"cursor": "garbage"},
    ],
)
def test_bad_list_filters_are_a_400_or_404(writer, conference, params):
    response = writer.get(f"{base(conference)}registrations/", params)

    assert response.status_code in {400, 404}
    error_of(response)


def test_cursor_pagination_walks_every_registration_once(writer, conference):
    people = RegistrationFactory.create_batch(7, conference=conference)
    url = f"{base(conference)}registrations/?page_size=3"
    seen = []

    while url:
        page = writer.get(url).json()
        seen += [item["id"] for item in page["results"]]
        url = page["next"]

    assert seen == [person.pk for person in people]


def test_detail_of_an_unknown_registration_is_a_404(writer, conference):
    response = writer.get(f"{base(conference)}registrations/999999/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"

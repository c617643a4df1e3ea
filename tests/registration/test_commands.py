"""manage.py load_demo_attendees: fills the demo's Flash Talks forum through the services."""

import io

import pytest
from django.core.management import CommandError, call_command
from post_office.models import Email

from registration import queries
from registration.enums import PickStatus
from registration.models import ForumPick, Registration
from tests.factories import ConferenceFactory, ForumFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_forum():
    conference = ConferenceFactory(slug="2023")
    return ForumFactory(conference=conference, slug="flash-talks", title="Flash Talks", capacity=4)


def run(*args) -> str:
    output = io.StringIO()
    call_command("load_demo_attendees", *args, stdout=output)
    return output.getvalue()


def test_load_demo_attendees_fills_the_forum_without_emails(demo_forum):
    output = run()

    assert (
        output
        == "Demo attendees: 4 created; “Flash Talks” is full (register to see its waiting list).\n"
    )
    assert sorted(Registration.objects.values_list("email", flat=True)) == [
        f"demo-attendee-{n}@example.org" for n in range(1, 5)
    ]
    assert ForumPick.objects.filter(forum=demo_forum, status=PickStatus.SEATED).count() == 4
    assert Email.objects.count() == 0


def test_load_demo_attendees_twice_creates_nothing_more(demo_forum):
    run()

    output = run()

    assert output.startswith("Demo attendees: 0 created;")
    assert Registration.objects.count() == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--conference", "1999"], "No conference '1999': run load_demo first."),
        ([], "The demo forum 'flash-talks' is missing: run load_demo first."),
    ],
    ids=["unknown-conference", "missing-forum"],
)
def test_load_demo_attendees_without_demo_program_fails(db, args, message):
    ConferenceFactory(slug="2023")

    with pytest.raises(CommandError) as excinfo:
        run(*args)

    assert str(excinfo.value) == message


# --- generate_demo_load: links work (bench/screenshots open /r/<token>/) ----------------------


def test_generate_demo_load_registrations_have_working_links():
    call_command("generate_demo_load", registrations=3, forums=2, talks=2, speakers=1)

    registrations = list(Registration.objects.filter(conference__slug="load"))
    assert len(registrations) == 3
    for registration in registrations:
        assert queries.registration_for_token(registration.manage_token) == registration
        assert queries.registration_for_calendar_token(registration.calendar_token) == (
            registration
        )


@pytest.mark.parametrize("forums", [6, 30])
def test_generate_demo_load_picks_never_overlap(forums):
    # Beyond 12 forums the load program holds short forums inside the long ones' hours: each
    # registration still gets two forums a visitor could pick together (registration.forms).
    call_command("generate_demo_load", registrations=20, forums=forums, talks=forums, speakers=2)

    for registration in Registration.objects.filter(conference__slug="load"):
        picked = sorted(
            (pick.forum.starts_at, pick.forum.ends_at)
            for pick in registration.picks.select_related("forum")
        )
        assert len(picked) == 2
        assert picked[0][1] <= picked[1][0], picked


def test_two_free_slots_when_nothing_follows_the_first_slot():
    import datetime as dt
    from types import SimpleNamespace

    from registration.loadprogram import two_free_slots

    nine = dt.datetime(2026, 5, 27, 9, tzinfo=dt.UTC)
    forum = SimpleNamespace(starts_at=nine, ends_at=nine + dt.timedelta(hours=3))
    inside = SimpleNamespace(
        starts_at=nine + dt.timedelta(minutes=20), ends_at=nine + dt.timedelta(minutes=30)
    )

    assert two_free_slots([forum, inside]) == [[forum]]

"""registration.services.rules: rule 2 (no overlapping picks) and rule 4 (the window)."""

import datetime as dt

import pytest
from django.utils import timezone

from agenda.models import Conference
from registration import queries, services
from registration.enums import PickStatus
from registration.models import Registration
from tests.factories import ForumFactory
from tests.registration.picks import statuses

pytestmark = pytest.mark.django_db


# --- rule 2: overlap ------------------------------------------------------------------------


def test_register_overlapping_forums_raises_naming_both(conference, morning, parallel, register):
    with pytest.raises(services.OverlappingPicks) as excinfo:
        register(conference, [parallel, morning])

    assert excinfo.value.message == (
        "“Open Source Infrastructure” and “eBPF and the Kernel” take place at the same time: "
        "pick one of them."
    )
    assert excinfo.value.field == "forums"
    assert Registration.objects.count() == 0


def test_register_back_to_back_forums_do_not_overlap(conference, morning, register):
    noon = ForumFactory(conference=conference, title="Lunch Talks", day=1, start=dt.time(12, 0))

    outcome = register(conference, [morning, noon])

    assert outcome.seated == [morning, noon]


def test_change_picks_to_overlapping_forums_raises(morning, parallel, afternoon, register):
    registration = register(morning.conference, [afternoon]).registration

    with pytest.raises(services.OverlappingPicks):
        services.change_picks(registration=registration, forums=[morning, parallel])

    assert statuses(afternoon) == {"li.wei@example.org": PickStatus.SEATED}
    assert statuses(morning) == {}


# --- rule 4: window -------------------------------------------------------------------------

# Before every conference the fixtures build (a month from today): registration closes at a
# conference's end unless its organizers set another time.
NOW = dt.datetime(2020, 5, 1, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("opens", "closes", "published"),
    [
        (NOW + HOUR, None, True),
        (NOW - 48 * HOUR, NOW - HOUR, True),
        (NOW - 48 * HOUR, NOW, True),
        (NOW - HOUR, None, False),
    ],
    ids=["opens-in-future", "closed-in-past", "closes-right-now", "unpublished"],
)
def test_register_outside_window_raises_closed(
    conference, morning, attendee_data, opens, closes, published
):
    conference.registration_opens = opens
    conference.registration_closes = closes
    conference.is_published = published
    conference.save()

    with pytest.raises(services.RegistrationClosed) as excinfo:
        services.register(conference=conference, data=attendee_data(), forums=[morning], now=NOW)

    assert excinfo.value.message == f"Registration for {conference.name} is closed."
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(None, None), (NOW, None), (NOW - HOUR, NOW + HOUR)],
    ids=["no-window", "opens-right-now", "inside-window"],
)
def test_register_inside_window_succeeds(conference, morning, attendee_data, opens, closes):
    conference.registration_opens = opens
    conference.registration_closes = closes
    conference.save()

    outcome = services.register(
        conference=conference, data=attendee_data(), forums=[morning], now=NOW
    )

    assert outcome.seated == [morning]


def test_change_picks_after_window_closed_raises(conference, morning, afternoon, register):
    registration = register(conference, [morning]).registration
    conference.registration_closes = timezone.now() - HOUR
    conference.save()
    registration = queries.registration_for_token(registration.manage_token)

    with pytest.raises(services.RegistrationClosed):
        services.change_picks(registration=registration, forums=[afternoon])

    assert statuses(morning) == {"li.wei@example.org": PickStatus.SEATED}


def test_register_with_a_copy_read_before_the_window_closed_is_refused(
    conference, morning, attendee_data
):
    read_by_the_view = Conference.objects.get(pk=conference.pk)
    Conference.objects.filter(pk=conference.pk).update(registration_closes=NOW - HOUR)

    with pytest.raises(services.RegistrationClosed):
        services.register(
            conference=read_by_the_view, data=attendee_data(), forums=[morning], now=NOW
        )

    assert Registration.objects.count() == 0

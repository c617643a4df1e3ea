"""Starred talks kept on the server behind the attendee's star key, "My agenda", the calendar."""

import json

import pytest
from django.urls import reverse
from icalendar import Calendar

from registration import services
from registration.models import Star
from registration.services import stars
from registration.tickets import CALENDAR_LINK, MANAGE_LINK
from tests.factories import TalkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendee(conference, morning, register):
    return register(conference, [morning]).registration


@pytest.fixture
def talk(morning):
    return TalkFactory(forum=morning, title="eBPF in production")


@pytest.fixture
def elsewhere(afternoon):
    """A talk in a forum the attendee holds no seat in."""
    return TalkFactory(forum=afternoon, title="Governance at scale")


def stars_url(registration) -> str:
    return reverse("registration:stars", args=[stars.star_key(registration)])


def post(client, url, body, **kwargs):
    return client.post(url, json.dumps(body), content_type="application/json", **kwargs)


def test_a_star_is_kept_and_taken_back(client, attendee, talk):
    url = stars_url(attendee)
    assert client.get(url).json()["talks"] == []

    starred = post(client, url, {"talk": talk.pk, "starred": True})
    again = post(client, url, {"talk": talk.pk, "starred": True})  # idempotent
    assert starred.json()["talks"] == again.json()["talks"] == [talk.pk]
    assert Star.objects.filter(registration=attendee).count() == 1

    unstarred = post(client, url, {"talk": talk.pk, "starred": False})
    assert unstarred.json()["talks"] == []


def test_the_answers_are_never_cached(client, attendee):
    assert client.get(stars_url(attendee))["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "body",
    [
        {"talk": "x", "starred": True},
        {"talk": 1},
        {"talk": 1, "starred": "yes"},
        {"talk": -5, "starred": True},
        {"talk": 10**30, "starred": True},
        ["talk", 1],
        "not an object",
    ],
    ids=["word", "no-starred", "starred-word", "negative", "huge", "list", "string"],
)
def test_bad_requests_get_a_clear_json_error(client, attendee, body):
    response = post(client, stars_url(attendee), body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_broken_json_gets_a_clear_error(client, attendee):
    response = client.post(stars_url(attendee), "{nope", content_type="application/json")

    assert (response.status_code, response.json()["error"]["code"]) == (400, "bad_request")


def test_a_talk_of_another_edition_or_a_deleted_talk_cannot_be_starred(
    client, attendee, foreign_forum, talk
):
    foreign = TalkFactory(forum=foreign_forum)
    deleted_pk = talk.pk
    talk.delete()

    for talk_id in (foreign.pk, deleted_pk):
        response = post(client, stars_url(attendee), {"talk": talk_id, "starred": True})
        assert (response.status_code, response.json()["error"]["code"]) == (400, "unknown_talk")
    assert not Star.objects.exists()


@pytest.mark.parametrize("key", ["nonsense", "1-abc", "99999999-" + "0" * 32, "x" * 500])
def test_an_unknown_key_is_not_found(client, attendee, key):
    response = client.get(reverse("registration:stars", args=[key]))

    assert (response.status_code, response.json()["error"]["code"]) == (404, "invalid_key")


def test_a_replaced_private_link_revokes_the_star_key(client, attendee):
    url = stars_url(attendee)

    services.revoke_manage_link(registration=attendee)

    assert client.get(url).status_code == 404


def test_a_cancelled_registration_has_no_stars_any_more(client, attendee):
    url = stars_url(attendee)

    services.cancel_registration(registration=attendee)

    assert client.get(url).status_code == 404


def test_the_star_key_and_the_calendar_link_open_no_private_page(client, attendee):
    manage = MANAGE_LINK.current_token(attendee)
    for token in (stars.star_key(attendee), CALENDAR_LINK.current_token(attendee)):
        assert client.get(reverse("registration:manage", args=[token])).status_code == 404
        response = client.post(reverse("registration:cancel", args=[token]))
        assert response.status_code == 404
    attendee.refresh_from_db()
    assert attendee.is_active
    assert client.get(reverse("registration:manage", args=[manage])).status_code == 200


def test_thousands_of_toggles_from_one_client_are_rate_limited_not_errors(
    client, attendee, talk, settings
):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "stars": "50/h"}
    url = stars_url(attendee)

    statuses = [
        post(client, url, {"talk": talk.pk, "starred": n % 2 == 0}).status_code for n in range(300)
    ]

    assert set(statuses) == {200, 429}
    # django-ratelimit counts in fixed windows: a run that spans the turn of the hour gets a
    # second allowance.
    assert statuses.count(200) in (50, 100)
    assert statuses[:50] == [200] * 50 and statuses[50] == 429


def test_my_agenda_shows_forums_and_starred_talks_with_what_clashes(
    client, attendee, talk, elsewhere, afternoon, parallel
):
    Star.objects.create(registration=attendee, talk=talk)
    Star.objects.create(registration=attendee, talk=elsewhere)
    clashing = TalkFactory(forum=parallel, title="At the same time", starts_at=talk.starts_at)
    clashing.ends_at = talk.ends_at
    clashing.save()
    Star.objects.create(registration=attendee, talk=clashing)
    token = MANAGE_LINK.current_token(attendee)

    page = client.get(reverse("registration:my-agenda", args=[token])).content.decode()

    assert "eBPF in production" in page and "Governance at scale" in page
    assert f"You have no seat in “{afternoon.title}”, where this talk is." in page
    assert "At the same time as:" in page
    assert 'id="star-sync"' in page


def test_the_personal_calendar_has_seated_forums_and_starred_talks(client, attendee, talk, morning):
    Star.objects.create(registration=attendee, talk=talk)
    url = reverse("registration:calendar", args=[CALENDAR_LINK.current_token(attendee)])

    calendar = Calendar.from_ical(client.get(url).content)

    summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert any(summary.endswith(morning.title) for summary in summaries)
    assert "eBPF in production" in summaries


def test_the_desk_dashboard_counts_stars_per_forum(attendee, talk, morning, conference):
    from registration.staff.queries import dashboard

    Star.objects.create(registration=attendee, talk=talk)

    counts = {forum.pk: forum.stars for forum in dashboard(conference).forums}

    assert counts[morning.pk] == 1
    assert sum(counts.values()) == 1


def test_the_private_page_hands_this_browser_its_star_address(client, attendee):
    page = client.get(reverse("registration:manage", args=[MANAGE_LINK.current_token(attendee)]))

    assert f'data-url="{stars_url(attendee)}"' in page.content.decode()


def test_stars_are_in_my_data_and_go_with_an_erasure(client, attendee, talk):
    Star.objects.create(registration=attendee, talk=talk)
    token = MANAGE_LINK.current_token(attendee)

    data = client.get(reverse("registration:my-data", args=[token])).json()
    assert [star["talk"] for star in data["starred_talks"]] == ["eBPF in production"]

    services.erase_registration(registration=attendee)
    assert not Star.objects.exists()


def test_a_starred_talk_made_a_draft_leaves_my_agenda_and_the_calendar(client, attendee, talk):
    Star.objects.create(registration=attendee, talk=talk)
    talk.is_published = False
    talk.save()

    agenda = client.get(
        reverse("registration:my-agenda", args=[MANAGE_LINK.current_token(attendee)])
    )
    calendar = client.get(
        reverse("registration:calendar", args=[CALENDAR_LINK.current_token(attendee)])
    )

    assert "eBPF in production" not in agenda.content.decode()
    assert b"eBPF in production" not in calendar.content

"""Finding people at the check-in desk: one box takes a ticket code or a search (name in any
script and any part, email, phone, organization), and each person found can be checked in."""

import pytest
from django.utils import timezone

from registration import services
from registration.enums import PickStatus
from registration.models import Registration
from tests.factories import RegistrationFactory
from tests.pages import parse, text, with_class

pytestmark = pytest.mark.django_db

CHECKIN = "/staff/checkin/"


def people_found(response) -> list[dict]:
    """The result list as the desk reads it: name, the line under it, state, forums."""
    rows = with_class(parse(response), "li", "checkin-person")
    found = []
    for row in rows:
        paragraphs = [text(p) for p in row.iter("p")]
        found.append(
            {
                "name": paragraphs[0],
                "details": paragraphs[1],
                "state": paragraphs[2],
                "forums": [text(li) for li in row.find(".//ul").iter("li")],
                "highlighted": "is-highlighted" in row.get("class").split(),
            }
        )
    return found


def names_found(response) -> list[str]:
    return [person["name"] for person in people_found(response)]


def error_of(response) -> str:
    cards = with_class(parse(response), "div", "checkin-result")
    return text(cards[0]) if cards else ""


@pytest.fixture
def xiaoming(conference, cloud, make_pick) -> Registration:
    person = RegistrationFactory(
        conference=conference,
        full_name="王小明",
        email="xiaoming.wang@example.cn",
        organization="华为技术有限公司",
        phone="+86 138 0013 8000",
    )
    make_pick(person, cloud, PickStatus.WAITING, minute=9)
    return person


@pytest.fixture
def jose(conference, governance, make_pick) -> Registration:
    person = RegistrationFactory(
        conference=conference,
        full_name="José Álvarez",
        email="J.Alvarez@Example.ES",
        organization="Universidad Politécnica",
    )
    make_pick(person, governance, minute=10)
    return person


def test_part_of_a_chinese_name_lists_the_person_with_seats_and_state(
    desk_client, attendees, xiaoming
):
    response = desk_client.post(CHECKIN, {"code": "小明"})

    xiaoming.refresh_from_db()
    assert response.status_code == 200
    assert people_found(response) == [
        {
            "name": "王小明",
            "details": f"华为技术有限公司 · {xiaoming.ticket_display}",
            "state": "Confirmed",
            "forums": ["Cloud Native — waiting list"],
            "highlighted": True,
        }
    ]
    assert xiaoming.checked_in_at is None  # a search checks nobody in


@pytest.mark.parametrize(
    "query",
    ["jose", "JOSE", "José", "alvarez", "ÁLVAREZ", "ｊｏｓｅ", "politecnica", "j.alvarez@example"],
    ids=[
        "plain",
        "capitals",
        "accented",
        "surname",
        "accented-capitals",
        "full-width",
        "org",
        "email",
    ],
)
def test_latin_search_ignores_case_and_accents(desk_client, attendees, jose, query):
    response = desk_client.post(CHECKIN, {"code": query})

    assert names_found(response) == ["José Álvarez"]


@pytest.mark.parametrize("query", ["13800138000", "138 0013", "0013-8000", "+86 138"])
def test_phone_numbers_are_found_with_or_without_spaces(desk_client, attendees, xiaoming, query):
    response = desk_client.post(CHECKIN, {"code": query})

    assert names_found(response) == ["王小明"]


def test_every_word_must_match(desk_client, attendees, xiaoming):
    both = desk_client.post(CHECKIN, {"code": "王 华为"})
    neither = desk_client.post(CHECKIN, {"code": "王 Governance"})

    assert names_found(both) == ["王小明"]
    assert neither.status_code == 404


def test_part_of_a_ticket_code_finds_its_owner(desk_client, attendees):
    code = attendees.zoe.ticket_code

    response = desk_client.post(CHECKIN, {"code": f"{code[:4]}-{code[4:6]}".lower()})

    assert "Zoë O'Brien" in names_found(response)
    attendees.zoe.refresh_from_db()
    assert attendees.zoe.checked_in_at is None


def test_states_in_the_list_and_cancelled_last(desk_client, attendees, client_for):
    client_for("organizer").post(CHECKIN, {"code": attendees.wang.ticket_code})
    RegistrationFactory(conference=attendees.wang.conference, full_name="Wang Li")
    Registration.objects.filter(pk=attendees.carl.pk).update(full_name="Wang Carl")
    attendees.carl.refresh_from_db()
    attendees.carl.save()  # the search column follows the name

    response = desk_client.post(CHECKIN, {"code": "wang"})

    states = {person["name"]: person["state"] for person in people_found(response)}
    when = timezone.localtime(Registration.objects.get(pk=attendees.wang.pk).checked_in_at)
    assert names_found(response)[-1] == "Wang Carl"
    assert states["Wang Fang"] == f"Checked in at {when:%H:%M}"
    assert states["Wang Carl"] == "Cancelled"
    assert states["Wang Li"] == "Confirmed"


def test_a_long_list_is_cut_at_twenty_with_a_hint(desk_client, conference):
    RegistrationFactory.create_batch(25, conference=conference, organization="Same Corp")

    response = desk_client.post(CHECKIN, {"code": "same corp"})

    assert len(names_found(response)) == 20
    assert "More people match: type more of the name to narrow the list." in text(parse(response))


def test_search_stays_in_the_box_for_the_next_enter(desk_client, attendees, xiaoming):
    response = desk_client.post(CHECKIN, {"code": "小明"})

    assert parse(response).find(".//input[@name='code']").get("value") == "小明"


def test_other_editions_people_are_not_found(desk_client, attendees, other_conference):
    RegistrationFactory(conference=other_conference, full_name="Old Timer")

    response = desk_client.post(CHECKIN, {"code": "old timer"})

    assert response.status_code == 404
    assert names_found(response) == []


def test_other_editions_ticket_code_says_which_edition(desk_client, attendees, other_conference):
    old = RegistrationFactory(conference=other_conference)

    response = desk_client.post(CHECKIN, {"code": old.ticket_code.lower()})

    old.refresh_from_db()
    assert response.status_code == 404
    assert error_of(response) == (
        f"The ticket {old.ticket_display} is for {other_conference.name}, "
        f"not for {attendees.zoe.conference.name}."
    )
    assert old.checked_in_at is None


def test_check_in_button_of_a_result_checks_that_person_in(desk_client, attendees, xiaoming):
    response = desk_client.post(CHECKIN, {"code": "", "registration": xiaoming.pk})

    xiaoming.refresh_from_db()
    card = with_class(parse(response), "div", "checkin-result")[0]
    assert "✓ Checked in" in text(card)
    assert xiaoming.checked_in_by == desk_client.user


@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999", str(2**40), "1 OR 1=1"], ids=str)
def test_tampered_result_ids_check_nobody_in(desk_client, attendees, value):
    response = desk_client.post(CHECKIN, {"code": "", "registration": value})

    assert response.status_code in {200, 404}
    message = text(parse(response))
    assert (
        "This person is not on the list any more: search again." in message
        or "This person is not registered for" in message
    )
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_a_result_id_of_another_edition_checks_nobody_in(desk_client, attendees, other_conference):
    old = RegistrationFactory(conference=other_conference)

    response = desk_client.post(CHECKIN, {"code": "", "registration": old.pk})

    old.refresh_from_db()
    assert response.status_code == 404
    assert error_of(response) == (
        f"This person is not registered for {attendees.zoe.conference.name}: search again."
    )
    assert old.checked_in_at is None


def test_a_cancelled_person_from_the_list_is_refused_clearly(desk_client, attendees):
    response = desk_client.post(CHECKIN, {"code": "", "registration": attendees.carl.pk})

    assert response.status_code == 409
    assert error_of(response) == "Carl Cancelled's registration is cancelled."


@pytest.mark.parametrize("action", ["explode", "x" * 500])
def test_an_unknown_action_is_a_clear_error(desk_client, attendees, action):
    response = desk_client.post(
        CHECKIN, {"code": "", "registration": attendees.zoe.pk, "action": action}
    )

    attendees.zoe.refresh_from_db()
    assert "Unknown action: reload the page and try again." in text(parse(response))
    assert attendees.zoe.checked_in_at is None


def test_the_search_column_follows_changes_and_forgets_erased_people(desk_client, attendees):
    zoe = attendees.zoe
    zoe.full_name = "Zoë Renamed"
    zoe.save(update_fields=["full_name"])
    assert names_found(desk_client.post(CHECKIN, {"code": "renamed"})) == ["Zoë Renamed"]

    services.erase_registration(registration=zoe)

    response = desk_client.post(CHECKIN, {"code": "renamed"})
    assert response.status_code == 404
    assert names_found(desk_client.post(CHECKIN, {"code": "zoe.obrien"})) == []


def test_anonymizing_an_edition_empties_its_search_column(attendees, conference):
    services.anonymize_conference(conference=conference)

    texts = Registration.objects.filter(conference=conference).values_list("search_text", flat=True)
    assert not any("zhang" in value or "张伟" in value for value in texts)


# --- each scan answers in a fixed number of queries ---------------------------------------


def crowd(conference, n: int) -> None:
    Registration.objects.bulk_create(
        Registration(
            conference=conference,
            full_name=f"Crowd {i}",
            email=f"crowd{i}@example.org",
            organization="Crowd Inc",
            job_title="Dev",
            consent_at=timezone.now(),
            ticket_code=f"CRWD{i:04d}",
        )
        for i in range(n)
    )


# Session, user, two permission checks; the ticket; savepoint, lock, write(s), release; the
# door's numbers, the seats shown, the door choices, the registration questions (read once
# per process: none is shown at the desk here); the conference's webhook endpoints (read once
# per process, api.webhooks). The same for 3 attendees or 200.
ENTRANCE_SCAN_QUERIES = 14
DOOR_SCAN_QUERIES = 18  # + the door's forum, its pick, and a second count for its numbers
SEARCH_QUERIES = 9  # session, user, permissions, the code lookup, people, picks, numbers, doors


@pytest.mark.parametrize("size", [0, 200])
def test_a_scan_at_the_entrance_takes_a_fixed_number_of_queries(
    desk_client, attendees, django_assert_max_num_queries, size
):
    crowd(attendees.zoe.conference, size)
    desk_client.get(CHECKIN)  # the session is warm, as at a desk

    with django_assert_max_num_queries(ENTRANCE_SCAN_QUERIES):
        response = desk_client.post(CHECKIN, {"code": attendees.zhang.ticket_code})

    assert "✓ Checked in" in error_of(response)


@pytest.mark.parametrize("size", [0, 200])
def test_a_scan_at_a_forum_door_takes_a_fixed_number_of_queries(
    desk_client, attendees, cloud, django_assert_max_num_queries, size
):
    crowd(attendees.zoe.conference, size)
    desk_client.get(CHECKIN)

    with django_assert_max_num_queries(DOOR_SCAN_QUERIES):
        response = desk_client.post(
            CHECKIN, {"code": attendees.zhang.ticket_code, "forum": cloud.pk}
        )

    assert "✓ Checked in" in error_of(response)


@pytest.mark.parametrize("size", [0, 200])
def test_a_search_takes_a_fixed_number_of_queries(
    desk_client, attendees, django_assert_max_num_queries, size
):
    crowd(attendees.zoe.conference, size)
    desk_client.get(CHECKIN)

    with django_assert_max_num_queries(SEARCH_QUERIES):
        response = desk_client.post(CHECKIN, {"code": "crowd 1"})

    assert len(names_found(response)) == (20 if size else 0)


def test_conference_other_than_current_is_searched_when_named(
    client_for, attendees, other_conference
):
    # Staff who may preview editions search the edition they name (a published past one).
    other_conference.is_published = True
    other_conference.save()
    RegistrationFactory(conference=other_conference, full_name="Old Timer")
    client = client_for("organizer")

    response = client.post(CHECKIN, {"conference": other_conference.slug, "code": "timer"})

    assert names_found(response) == ["Old Timer"]


def test_a_search_link_lists_people_and_checks_nobody_in(desk_client, attendees, jose):
    # The walk-in page's "already registered" links here with ?q=<email>.
    response = desk_client.get(CHECKIN, {"q": "J.Alvarez@example.es"})

    jose.refresh_from_db()
    assert response.status_code == 200
    assert names_found(response) == ["José Álvarez"]
    assert jose.checked_in_at is None


@pytest.mark.parametrize("query", ["nobody-like-this", "x" * 1000, "\x00", "   "])
def test_a_search_link_without_matches_says_so(desk_client, attendees, query):
    response = desk_client.get(CHECKIN, {"q": query})

    assert response.status_code == 200
    assert names_found(response) == []
    if query.strip() and query != "\x00":
        assert error_of(response).startswith("Nobody matches")

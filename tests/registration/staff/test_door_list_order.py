"""Door lists in natural order: numbers as numbers, accents and case folded, Chinese names by
pinyin (pypinyin) next to their Latin spelling."""

import pytest
from django.urls import reverse

from registration.enums import PickStatus
from registration.staff import queries
from registration.staff.queries import name_sort_key
from tests.factories import ForumFactory, RegistrationFactory
from tests.pages import parse, text

pytestmark = pytest.mark.django_db


def ordered(names: list[str]) -> list[str]:
    return sorted(names, key=name_sort_key)


def test_numbers_in_names_sort_as_numbers():
    names = ["Attendee 10", "Attendee 2", "Attendee 1", "attendee 100", "Attendee 9"]

    assert ordered(names) == [
        "Attendee 1",
        "Attendee 2",
        "Attendee 9",
        "Attendee 10",
        "attendee 100",
    ]


def test_case_accents_and_full_width_letters_are_folded():
    assert ordered(["zoë", "Zoe", "adam", "Émile", "Eve", "ＡＢＣ"]) == [
        "ＡＢＣ",
        "adam",
        "Émile",
        "Eve",
        "Zoe",
        "zoë",
    ]


def test_chinese_names_sort_by_pinyin_among_latin_ones():
    names = ["张伟", "Adam", "王芳", "李娜", "Zoe", "Wang Fang", "阿明", "Li Na", "Bob"]

    assert ordered(names) == [
        "阿明",  # a ming: word by word, "a" before "adam" as "Li Na" before "Lina"
        "Adam",
        "Bob",
        "Li Na",
        "李娜",  # li na: after its Latin spelling (tones only come second)
        "Wang Fang",
        "王芳",
        "张伟",  # zhang wei
        "Zoe",
    ]


def test_same_pinyin_sorts_by_tone_then_character():
    # 汤 tāng (1) before 唐 táng (2) before 躺 tǎng (3); 张 and 章 (both zhāng) by code point.
    assert ordered(["躺平", "唐平", "汤平"]) == ["汤平", "唐平", "躺平"]
    assert ordered(["章伟", "张伟"]) == sorted(["章伟", "张伟"])


@pytest.mark.parametrize("name", ["", " ", "\u200b", "１２３", "𠀀", "Ω", "x" * 200, "王" * 200])
def test_any_name_has_a_key(name):
    assert isinstance(name_sort_key(name), tuple)
    sorted([name, "Adam", "张伟"], key=name_sort_key)


def test_door_list_seats_in_natural_order(conference, make_pick):
    forum = ForumFactory(conference=conference, capacity=20)
    names = ["Attendee 10", "Attendee 2", "张伟", "Attendee 1", "王芳", "Zoë"]
    for minute, name in enumerate(names):
        make_pick(RegistrationFactory(conference=conference, full_name=name), forum, minute=minute)
    make_pick(
        RegistrationFactory(conference=conference, full_name="Attendee 3"),
        forum,
        PickStatus.WAITING,
        minute=9,
    )

    door = queries.door_list(forum)

    assert [pick.registration.full_name for pick in door.seated] == [
        "Attendee 1",
        "Attendee 2",
        "Attendee 10",
        "王芳",
        "张伟",
        "Zoë",
    ]
    assert [pick.registration.full_name for pick in door.waiting] == ["Attendee 3"]


def test_same_names_keep_registration_order(conference, make_pick):
    forum = ForumFactory(conference=conference, capacity=5)
    people = [RegistrationFactory(conference=conference, full_name="Li Wei") for _ in range(3)]
    for minute, person in enumerate(reversed(people)):
        make_pick(person, forum, minute=minute)

    door = queries.door_list(forum)

    assert [pick.registration_id for pick in door.seated] == [p.pk for p in people]


def test_printed_door_list_is_in_natural_order(admin_client, conference, make_pick):
    forum = ForumFactory(conference=conference, capacity=5)
    for minute, name in enumerate(["Attendee 10", "Attendee 2", "张伟"]):
        make_pick(RegistrationFactory(conference=conference, full_name=name), forum, minute=minute)

    response = admin_client.get(reverse("staff:forum-print", args=[forum.pk]))

    rows = parse(response).find(".//table").find("tbody").iter("tr")
    assert [text(row[1]) for row in rows] == ["Attendee 2", "Attendee 10", "张伟"]

"""The registration form groups forums by actual overlap: forums that cannot both be picked
are never under different time headings."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from agenda.models import Forum
from registration.forms import overlap_groups

SHANGHAI = ZoneInfo("Asia/Shanghai")


def forum(name: str, day: int, start: str, end: str) -> Forum:
    def at(hhmm: str) -> dt.datetime:
        hour, minute = map(int, hhmm.split(":"))
        return dt.datetime(2031, 5, 26 + day, hour, minute, tzinfo=SHANGHAI)

    return Forum(title=name, starts_at=at(start), ends_at=at(end))


def titles(groups: list[list[Forum]]) -> list[list[str]]:
    return [[forum.title for forum in group] for group in groups]


@pytest.mark.parametrize(
    ("forums", "expected"),
    [
        (
            [forum("Flash", 2, "13:30", "15:00"), forum("Long", 2, "13:30", "17:30")],
            [["Flash", "Long"]],
        ),
        (
            [
                forum("A", 1, "09:00", "12:00"),
                forum("B", 1, "11:00", "14:00"),
                forum("C", 1, "13:00", "15:00"),
            ],
            [["A", "B", "C"]],
        ),
        (
            [forum("Morning", 1, "09:00", "12:00"), forum("After", 1, "12:00", "13:00")],
            [["Morning"], ["After"]],
        ),
        (
            [forum("Day one", 1, "09:00", "12:00"), forum("Day two", 2, "09:00", "12:00")],
            [["Day one"], ["Day two"]],
        ),
        (
            [
                forum("Late", 1, "14:00", "16:00"),
                forum("Main", 1, "09:00", "12:00"),
                forum("Inside", 1, "14:30", "15:00"),
            ],
            [["Main"], ["Late", "Inside"]],
        ),
        ([], []),
    ],
    ids=["partial-overlap", "chained", "touching", "other-day", "unsorted-input", "none"],
)
def test_overlap_groups_are_connected_components_per_day(forums, expected):
    assert titles(overlap_groups(forums, SHANGHAI)) == expected


def test_forums_on_one_venue_day_group_whatever_the_utc_date():
    # 07:00 at the venue is 23:00 UTC the day before: still one venue day, one group.
    early = forum("Early", 1, "07:00", "10:00")
    later = forum("Later", 1, "09:00", "11:00")

    assert titles(overlap_groups([early, later], SHANGHAI)) == [["Early", "Later"]]

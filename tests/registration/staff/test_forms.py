"""registration.staff.forms: the export and check-in forms on their own."""

import pytest

from registration.staff.exports import DEFAULT_COLUMNS, ExportRequest
from registration.staff.forms import CheckInForm, ExportForm
from tests.factories import ForumFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ("both", frozenset({"seated", "waiting"})),
        ("seated", frozenset({"seated"})),
        ("waiting", frozenset({"waiting"})),
    ],
    ids=["both", "seated", "waiting"],
)
def test_export_form_asks_for_the_export_it_shows(conference, cloud, statuses, expected):
    data = {
        "forum": cloud.pk,
        "statuses": statuses,
        "columns": ["email", "full_name"],
        "forum_columns": "on",
        "file_format": "xlsx",
    }
    form = ExportForm(data, conference=conference)

    assert form.is_valid(), form.errors
    assert form.export_request() == ExportRequest(
        conference=conference,
        forum=cloud,
        statuses=expected,
        columns=["email", "full_name"],
        forum_columns=True,
    )


@pytest.mark.parametrize(
    ("saved", "offered"),
    [(None, DEFAULT_COLUMNS), (["phone", "gone", "email"], ["phone", "email"])],
    ids=["nothing-saved", "saved-with-a-retired-column"],
)
def test_export_form_offers_the_saved_columns_it_still_knows(conference, saved, offered):
    form = ExportForm(conference=conference, saved_columns=saved)

    assert form.fields["columns"].initial == offered


@pytest.mark.parametrize("form_class", [ExportForm, CheckInForm], ids=["export", "checkin"])
def test_forum_choices_are_this_conferences_forums_in_program_order(
    conference, other_conference, cloud, governance, form_class
):
    ForumFactory(conference=other_conference, title="Last Year")

    form = form_class(conference=conference)

    assert list(form.fields["forum"].queryset) == [cloud, governance]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "A" * 101}, "code"),
        ({"code": "ABCD", "forum": "x"}, "forum"),
    ],
    ids=["empty-code", "too-long-code", "forum-not-a-number"],
)
def test_checkin_form_refuses_bad_input(conference, data, field):
    form = CheckInForm(data, conference=conference)

    assert (form.is_valid(), list(form.errors)) == (False, [field])

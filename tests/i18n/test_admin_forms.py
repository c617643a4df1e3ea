"""The admin's add forms for organizers: the conference they are working on is preselected,
and a speaker created from the talk form's "+" popup needs no conference picked."""

import datetime as dt
import re

import pytest

from agenda.models import Speaker
from tests.factories import ConferenceFactory, ForumFactory, TalkFactory

pytestmark = pytest.mark.django_db


def selected_conference(page: str) -> str | None:
    select = re.search(r'<select name="conference"[^>]*>(.*?)</select>', page, re.S).group(1)
    chosen = re.search(r'<option value="(\d+)" selected>', select)
    return chosen and chosen.group(1)


@pytest.fixture
def editions(db):
    """Last year's edition and this year's, still being prepared (not published)."""
    old = ConferenceFactory(start_date=dt.date(2023, 5, 27), end_date=dt.date(2023, 5, 28))
    new = ConferenceFactory(
        start_date=dt.date(2031, 6, 1), end_date=dt.date(2031, 6, 2), is_published=False
    )
    return old, new


@pytest.mark.parametrize("model", ["forum", "room", "speaker"])
def test_add_forms_start_with_the_latest_conference(admin_client, editions, model):
    _, new = editions

    page = admin_client.get(f"/admin/agenda/{model}/add/").content.decode()

    assert selected_conference(page) == str(new.pk)


def test_a_conference_in_the_address_wins(admin_client, editions):
    old, _ = editions

    page = admin_client.get(f"/admin/agenda/speaker/add/?conference={old.pk}").content.decode()

    assert selected_conference(page) == str(old.pk)


def test_no_conference_yet_no_preselection(admin_client):
    page = admin_client.get("/admin/agenda/forum/add/").content.decode()

    assert selected_conference(page) is None


def test_the_talk_forms_speaker_popup_carries_the_talks_conference(admin_client, editions):
    old, _ = editions
    talk = TalkFactory(forum=ForumFactory(conference=old))

    page = admin_client.get(f"/admin/agenda/talk/{talk.pk}/change/").content.decode()

    add_links = re.findall(r'href="(/admin/agenda/speaker/add/\?[^"]*)"', page)
    assert add_links
    assert all(f"conference={old.pk}" in link for link in add_links)
    assert all("_popup=1" in link for link in add_links)


def test_a_speaker_created_in_the_popup_is_saved_with_the_preselected_conference(
    admin_client, editions
):
    old, _ = editions
    talk = TalkFactory(forum=ForumFactory(conference=old))
    url = f"/admin/agenda/speaker/add/?_to_field=id&_popup=1&conference={talk.conference_id}"
    form = admin_client.get(url).content.decode()
    assert selected_conference(form) == str(old.pk)

    # The browser posts the form as shown: the preselected conference with it.
    response = admin_client.post(
        url,
        {
            "conference": str(old.pk),
            "name_en": "Weihua Di",
            "slug": "weihua-di",
            "_popup": "1",
            "_to_field": "id",
        },
    )

    assert response.status_code == 200
    assert "This field is required" not in response.content.decode()
    speaker = Speaker.objects.get(slug="weihua-di")
    assert speaker.conference == old
    assert "popup_response" in response.content.decode()

"""The public program API: published program only, filters, both languages, cached with
validators like the pages."""

import pytest

from api.scopes import Scope
from registration import services
from tests.api.conftest import base, error_of
from tests.factories import ConferenceFactory, ForumPickFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()]


def test_conferences_lists_published_ones_only(api, conference):
    ConferenceFactory(slug="hidden", is_published=False)

    assert slugs(api.get("/api/v1/conferences/")) == [conference.slug]


def test_an_unpublished_or_unknown_conference_is_not_found(api):
    hidden = ConferenceFactory(slug="hidden", is_published=False)

    for path in [base(hidden), f"{base(hidden)}forums/", "/api/v1/conferences/nope/talks/"]:
        response = api.get(path)
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"


def test_forums_show_seats_left_and_leave_drafts_out(api, conference, program):
    ForumPickFactory(forum=program["main"], registration__conference=conference)

    forums = {forum["slug"]: forum for forum in api.get(f"{base(conference)}forums/").json()}

    assert list(forums) == ["main", "rust", "cloud"]
    assert forums["main"]["capacity"] == 2
    assert forums["main"]["seated"] == 1
    assert forums["main"]["seats_left"] == 1
    assert [talk["slug"] for talk in forums["main"]["talks"]] == ["opening"]
    assert forums["main"]["talks"][0]["speakers"][0]["name"] == "Ada"
    assert forums["main"]["starts_at"].endswith("+08:00")


def test_forums_filter_by_day_and_kind(api, conference, program):
    url = f"{base(conference)}forums/"
    second_day = conference.days[1].isoformat()

    assert slugs(api.get(url, {"day": second_day})) == ["cloud"]
    assert slugs(api.get(url, {"kind": "workshop"})) == ["rust"]
    assert slugs(api.get(url, {"day": conference.days[0].isoformat(), "kind": "main"})) == ["main"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"day": "2001-01-01"}, "day"),
        ({"day": "tomorrow"}, "day"),
        ({"kind": "party"}, "kind"),
        ({"lang": "fr"}, "lang"),
    ],
    ids=["other-day", "not-a-date", "unknown-kind", "unknown-language"],
)
def test_bad_filters_are_a_400_naming_the_parameter(api, conference, program, params, field):
    response = api.get(f"{base(conference)}forums/", params)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert field in error["fields"]


def test_talks_filter_and_detail(api, conference, program):
    url = f"{base(conference)}talks/"

    assert slugs(api.get(url)) == ["opening", "ownership", "kubernetes"]
    assert slugs(api.get(url, {"kind": "keynote"})) == ["opening"]
    assert slugs(api.get(url, {"forum": "rust"})) == ["ownership"]
    assert slugs(api.get(url, {"day": conference.days[1].isoformat()})) == ["kubernetes"]
    talk = api.get(f"{url}opening/").json()
    assert talk["forum"]["slug"] == "main"
    assert talk["speakers"][0]["slug"] == "ada"
    assert api.get(f"{url}hidden/").status_code == 404
    assert api.get(f"{url}unannounced/").status_code == 404


def test_rooms_speakers_and_details(api, conference, program):
    assert [room["name"] for room in api.get(f"{base(conference)}rooms/").json()]
    speaker = api.get(f"{base(conference)}speakers/ada/").json()
    assert speaker["talks"] == ["opening"]
    assert slugs(api.get(f"{base(conference)}speakers/")) == ["ada"]
    assert api.get(f"{base(conference)}forums/main/").json()["seats_left"] == 2
    assert api.get(f"{base(conference)}forums/secret/").status_code == 404
    assert api.get(base(conference)).json()["slug"] == conference.slug


def test_language_from_the_parameter_or_accept_language(api, conference, program):
    url = f"{base(conference)}forums/main/"

    english = api.get(url)
    chinese = api.get(url, {"lang": "zh-hans"})
    browser = api.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    assert english.json()["title"] == "Main forum"
    assert chinese.json()["title"] == "主论坛"
    assert chinese["Content-Language"] == "zh-hans"
    assert browser.json()["title"] == "主论坛"
    # An empty Chinese text falls back to the English one.
    assert chinese.json()["description"] == "Talks and discussion."


def test_answers_carry_validators_and_a_304(api, conference, program):
    url = f"{base(conference)}forums/"
    first = api.get(url)

    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Access-Control-Allow-Origin"] == "*"
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_cached_until_seats_or_program_change(
    api, conference, program, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = f"{base(conference)}forums/"
    api.get(url)

    with django_assert_num_queries(0):
        cached = api.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.register(
            conference=conference,
            data={
                "full_name": "A",
                "email": "a@example.org",
                "organization": "O",
                "job_title": "J",
            },
            forums=[program["main"]],
            notify=False,
        )
    after_seats = api.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        program["rust"].title = "Rust"
        program["rust"].save()
    after_program = api.get(url)

    assert cached.json()[0]["seated"] == 0
    assert after_seats.json()[0]["seated"] == 1
    assert after_program.json()[1]["title"] == "Rust"


def test_a_cached_answer_is_kept_per_filter_and_language(api, conference, program):
    url = f"{base(conference)}forums/"
    api.get(url, {"kind": "workshop"})
    api.get(url, {"lang": "zh-hans"})

    assert slugs(api.get(url)) == ["main", "rust", "cloud"]
    assert slugs(api.get(url, {"kind": "workshop", "utm": "x"})) == ["rust"]
    assert api.get(url, {"lang": "zh-hans"}).json()[0]["title"] == "主论坛"
    assert api.get(url).json()[0]["title"] == "Main forum"


def test_drafts_need_a_program_token_of_that_conference(api, api_for, conference, program):
    url = f"{base(conference)}forums/"

    anonymous = api.get(url, {"drafts": "true"})
    without_scope = api_for(conference, [Scope.CHECKIN]).get(url, {"drafts": "true"})
    other = api_for(ConferenceFactory(), [Scope.PROGRAM_READ]).get(url, {"drafts": "true"})
    allowed = api_for(conference, [Scope.PROGRAM_READ]).get(url, {"drafts": "true"})

    assert anonymous.status_code == 401
    assert error_of(without_scope)["code"] == "missing_scope"
    assert other.status_code == 404
    assert slugs(allowed) == ["main", "rust", "cloud", "secret"]
    assert allowed["Cache-Control"] == "private, no-store"
    # ...and the public answer still leaves the draft out.
    assert "secret" not in slugs(api.get(url))


def test_a_program_token_sees_its_unpublished_conference(api_for):
    hidden = ConferenceFactory(slug="hidden", is_published=False)

    response = api_for(hidden, [Scope.PROGRAM_READ]).get(base(hidden), {"drafts": "1"})

    assert response.status_code == 200
    assert response.json()["is_published"] is False


def test_a_token_is_not_needed_nor_checked_by_public_reads(conference, program):
    from tests.api.conftest import Api

    assert Api("gotc_not-a-real-token").get(f"{base(conference)}forums/").status_code == 200


def test_registrations_do_not_leak_into_public_answers(api, conference, program):
    RegistrationFactory(conference=conference, full_name="Private Person")

    for path in ["forums/", "talks/", "speakers/", "rooms/", ""]:
        assert b"Private Person" not in api.get(base(conference) + path).content


@pytest.mark.parametrize(("path", "queries"), [("forums/", 5), ("talks/", 3), ("speakers/", 3)])
def test_lists_run_the_same_queries_for_any_program_size(
    api, conference, make_program, django_assert_num_queries, path, queries
):
    make_program(conference, talks=36)

    with django_assert_num_queries(queries):
        response = api.get(base(conference) + path)

    assert response.status_code == 200
    assert len(response.json()) >= 12


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_public_forum_list_from_program_rows_matches_the_models_serialized(
    api, api_for, conference, program, lang
):
    # The public list is built from the program rows (ForumList.published); a drafts token
    # gets the models serialized. With the drafts left out, the two must be the same answer.
    from api.serializers import ForumSerializer
    from tests.factories import SpeakerFactory, TalkSpeakerFactory

    ForumPickFactory(forum=program["main"], registration__conference=conference)
    ForumPickFactory(forum=program["rust"], registration__conference=conference, status="waiting")
    TalkSpeakerFactory(
        talk=program["main"].talks.get(slug="opening"),
        speaker=SpeakerFactory(conference=conference, name="Grace", organization="Navy"),
    )
    program["draft"].talks.all().delete()
    program["draft"].delete()
    program["main"].talks.filter(is_published=False).delete()
    url = f"{base(conference)}forums/"

    public = api.get(url, {"lang": lang}).json()
    models = api_for(conference, [Scope.PROGRAM_READ]).get(url, {"lang": lang, "drafts": "1"})

    assert public == models.json()
    assert set(public[0]) == set(ForumSerializer().fields)
    assert [s["name"] for s in public[0]["talks"][0]["speakers"]] == ["Ada", "Grace"]
    assert (public[0]["seated"], public[1]["waiting"]) == (1, 1)


def test_public_forum_list_shows_a_nested_change_at_once(api, conference, program, settings):
    # Each forum's representation is memoized on its program row: a change anywhere in what
    # it shows (a speaker's organization, a room's name) is a new row, so a new answer. The
    # updates below send no signal (the page cache keeps its copy): the bypass header, which
    # DEBUG honours, has the answer built again.
    from agenda.models import Room, Speaker

    settings.DEBUG = True
    url = f"{base(conference)}forums/"
    api.get(url, HTTP_X_PAGE_CACHE_BYPASS="1")
    Speaker.objects.filter(slug="ada").update(organization="Analytical Engines Ltd")
    Room.objects.filter(pk=program["main"].room_id).update(name="Hall 9")

    again = api.get(url, HTTP_X_PAGE_CACHE_BYPASS="1").json()

    main = next(forum for forum in again if forum["slug"] == "main")
    assert main["talks"][0]["speakers"][0]["organization"] == "Analytical Engines Ltd"
    assert main["room"]["name"] == "Hall 9"

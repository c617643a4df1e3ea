"""Every public program page is served from the page cache (agenda.cached, agenda/urls.py)."""

import pytest

from agenda.models import Speaker, Talk
from registration import caching as registration_caching
from tests.factories import ConferenceFactory, ForumFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/agenda/forums/ebpf/",
    "/agenda/talks/ebpf-cloud-native/",
    "/agenda/speakers/",
    "/agenda/speakers/weihua-di/",
    "/zh-hans/agenda/speakers/",
    "/editions/{slug}/agenda/talks/smart-road-os/",
]


@pytest.fixture(params=PAGES)
def page(request, program):
    return request.param.format(slug=program.slug)


def test_second_visit_is_served_from_cache_without_queries(client, page, django_assert_num_queries):
    first = client.get(page)

    with django_assert_num_queries(0):
        again = client.get(page)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"]
    assert "csrftoken" not in again.cookies


def test_cached_pages_hold_no_form_or_csrf_token(client, page):
    content = client.get(page).content.decode()

    assert "csrfmiddlewaretoken" not in content
    assert "<form" not in content


def test_program_change_shows_at_once(client, page, django_capture_on_commit_callbacks):
    client.get(page)
    with django_capture_on_commit_callbacks(execute=True):
        speaker = Speaker.objects.get(slug="weihua-di")
        speaker.name = "Weihua Di (renamed)"
        speaker.save()
        talk = Talk.objects.get(slug="ebpf-cloud-native")
        talk.title = "eBPF in Cloud Native (renamed)"
        talk.save()
        talk = Talk.objects.get(slug="smart-road-os")
        talk.title = "Smart Road OS (renamed)"
        talk.save()

    content = client.get(page).content.decode()

    assert "(renamed)" in content


@pytest.mark.parametrize(
    ("path", "rendered_again"),
    [("/agenda/forums/ebpf/", True), ("/agenda/talks/ebpf-cloud-native/", False)],
)
def test_only_the_forum_page_depends_on_seats(
    client, program, django_capture_on_commit_callbacks, path, rendered_again
):
    from gotc import pagecache

    client.get(path)
    assert not rendered(client, path)
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump(registration_caching.SEATS)

    assert rendered(client, path) is rendered_again


def rendered(client, path: str) -> bool:
    """Whether ``path`` was rendered (a template ran) rather than replayed from the cache."""
    return client.get(path).templates != []


def test_seat_version_name_is_registrations(program):
    from agenda.cached import SEATS

    assert SEATS == registration_caching.SEATS


def test_staff_preview_of_an_unpublished_edition_is_never_cached(client, admin_client, program):
    draft = ConferenceFactory(is_published=False, slug="draft")
    ForumFactory(conference=draft, slug="secret", title="Secret Forum")

    preview = admin_client.get("/editions/draft/agenda/forums/secret/")
    public = client.get("/editions/draft/agenda/forums/secret/")

    assert preview.status_code == 200
    assert "ETag" not in preview
    assert "Secret Forum" in preview.content.decode()
    assert public.status_code == 404


def test_staff_see_a_fresh_page_not_the_cached_one(client, admin_client, program):
    client.get("/agenda/speakers/")  # an anonymous visit fills the cache

    response = admin_client.get("/agenda/speakers/")

    assert response.status_code == 200
    assert response.templates  # rendered for them
    assert "ETag" not in response


# --- uncached: a fixed number of queries, whatever the program's size ----------------------

# Measured (and kept with a little room for the forum and talk pages, whose views change):
# conference, the page's objects, their talks, talk speakers (and rooms for the schedule).
QUERY_LIMITS = [
    ("/agenda/", 6),
    ("/agenda/forums/{forum}/", 5),
    ("/agenda/talks/{talk}/", 5),
    ("/agenda/speakers/", 3),
    ("/agenda/speakers/{speaker}/", 3),
    ("/agenda.ics", 4),
    ("/agenda.json", 5),
    ("/schedule.xml", 5),
    ("/schedule.json", 5),
]


@pytest.mark.parametrize("talks", [3, 30], ids=["3-talks", "30-talks"])
@pytest.mark.parametrize(("path", "limit"), QUERY_LIMITS)
def test_program_page_queries_do_not_grow_with_program(
    client, conference, make_program, talks, path, limit, django_assert_max_num_queries
):
    program = make_program(conference, talks=talks)
    talk = program[-1]
    speaker = talk.speakers.first()
    url = path.format(forum=talk.forum.slug, talk=talk.slug, speaker=speaker.slug)

    with django_assert_max_num_queries(limit):
        response = client.get(url)

    assert response.status_code == 200

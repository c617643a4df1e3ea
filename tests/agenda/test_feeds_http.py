"""HTTP behaviour of every public feed: validators, 304s and cross-origin reading."""

import pytest
from django.utils.http import http_date, parse_http_date

pytestmark = pytest.mark.django_db

FEEDS = [
    "/agenda.ics",
    "/agenda.json",
    "/schedule.xml",
    "/schedule.json",
    "/agenda/forums/ebpf.ics",
    "/zh-hans/schedule.xml",
    "/editions/{slug}/schedule.json",
    "/editions/{slug}/agenda.ics",
]


@pytest.fixture(params=FEEDS)
def feed(request, program):
    return request.param.format(slug=program.slug)


def test_feed_has_validators_and_is_open_to_every_origin(client, feed):
    response = client.get(feed)

    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert parse_http_date(response["Last-Modified"]) > 0
    assert response["Access-Control-Allow-Origin"] == "*"


def test_feed_answers_304_to_its_etag_with_cors(client, feed):
    first = client.get(feed)

    again = client.get(feed, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Access-Control-Allow-Origin"] == "*"


def test_feed_answers_304_to_if_modified_since(client, feed):
    first = client.get(feed)

    again = client.get(feed, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    older = client.get(
        feed, HTTP_IF_MODIFIED_SINCE=http_date(parse_http_date(first["Last-Modified"]) - 3600)
    )

    assert again.status_code == 304
    assert older.status_code == 200


def test_feed_answers_200_after_a_program_change(
    client, program, django_capture_on_commit_callbacks
):
    first = client.get("/schedule.xml")
    forum = program.forums.get(slug="ebpf")
    with django_capture_on_commit_callbacks(execute=True):
        forum.title = "eBPF and friends"
        forum.save()

    again = client.get("/schedule.xml", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert b"eBPF and friends" in again.content


def test_feed_second_request_is_served_from_cache_without_queries(
    client, feed, django_assert_num_queries
):
    first = client.get(feed)

    with django_assert_num_queries(0):
        again = client.get(feed)

    assert again.content == first.content
    assert again["Access-Control-Allow-Origin"] == "*"
    assert again["Last-Modified"] == first["Last-Modified"]


def test_visitor_with_a_session_gets_validators_too(client, program):
    client.cookies["sessionid"] = "not-a-session"  # bypasses the page cache
    first = client.get("/schedule.json")

    again = client.get("/schedule.json", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Access-Control-Allow-Origin"] == "*"
    assert first["Last-Modified"]
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"


def test_rendered_again_unchanged_keeps_etag_and_last_modified(client, program):
    from django.core.cache import cache

    from gotc import pagecache

    first = client.get("/schedule.json")
    # Another process renders it afresh (its local copy and the shared entry are gone).
    for key in list(pagecache._LOCAL):
        cache.delete(key)
    pagecache._LOCAL.clear()

    again = client.get("/schedule.json")

    assert (again["ETag"], again["Last-Modified"]) == (first["ETag"], first["Last-Modified"])


def test_missing_feed_is_404_without_cors(client, program):
    response = client.get("/agenda/forums/nope.ics")

    assert response.status_code == 404
    assert "Access-Control-Allow-Origin" not in response

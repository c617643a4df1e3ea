"""The page cache (gotc.pagecache) and the language switcher (gotc.middleware)."""

import time

import pytest

from agenda.caching import PROGRAM
from gotc import compression, pagecache
from registration import services
from tests.factories import ForumFactory, TalkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(conference):
    return ForumFactory(conference=conference, title="Kernel Hall", capacity=3)


def test_home_second_visit_is_served_from_cache_without_queries(
    client, forum, django_assert_num_queries
):
    client.get("/")

    with django_assert_num_queries(0):
        response = client.get("/")

    assert response.status_code == 200
    assert "Kernel Hall" in response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "csrftoken" not in response.cookies


def test_cached_page_answers_304_to_its_etag(client, forum):
    first = client.get("/agenda/")

    again = client.get("/agenda/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["ETag"].startswith('"')
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "if_none_match",
    ['"other", {etag}', "W/{etag}", "*"],
    ids=["among-others", "weak", "any"],
)
def test_cached_page_answers_304_to_any_matching_if_none_match(client, forum, if_none_match):
    etag = client.get("/agenda/")["ETag"]

    again = client.get("/agenda/", HTTP_IF_NONE_MATCH=if_none_match.format(etag=etag))

    assert again.status_code == 304
    assert (again["ETag"], again["Cache-Control"]) == (etag, "no-cache")


def test_cached_page_answers_200_to_another_etag(client, forum):
    client.get("/agenda/")

    again = client.get("/agenda/", HTTP_IF_NONE_MATCH='"stale"')

    assert again.status_code == 200
    assert "Kernel Hall" in again.content.decode()


def test_freshly_rendered_page_answers_304_to_its_etag(client, forum):
    from django.core.cache import cache

    etag = client.get("/agenda/")["ETag"]
    cache.clear()  # the next request renders the page again
    pagecache.forget_versions()

    again = client.get("/agenda/", HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again["ETag"] == etag


def test_remembered_value_is_read_once_per_version(django_capture_on_commit_callbacks):
    reads = []

    def read():
        reads.append(1)
        return ["value"]

    first = pagecache.remembered("test-key", "test-version", read)
    second = pagecache.remembered("test-key", "test-version", read)
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump("test-version")
    third = pagecache.remembered("test-key", "test-version", read)

    assert first == second == third == ["value"]
    assert first is not second  # each caller gets its own copy
    assert len(reads) == 2


def test_a_version_first_asked_for_while_others_are_remembered_is_read(settings):
    settings.PAGE_CACHE_CHECK_SECONDS = 60
    known = pagecache.current_versions(["test-first"])

    both = pagecache.current_versions(["test-first", "test-second"])

    assert both["test-first"] == known["test-first"]
    assert both["test-second"] > 0


def test_program_change_invalidates_the_cached_agenda(
    client, forum, django_capture_on_commit_callbacks
):
    client.get("/agenda/")

    with django_capture_on_commit_callbacks(execute=True):
        forum.title = "Kernel Hall Renamed"
        forum.save()
    response = client.get("/agenda/")

    assert "Kernel Hall Renamed" in response.content.decode()


@pytest.mark.parametrize(
    "check_seconds", [0, 60], ids=["versions-every-request", "versions-remembered-a-minute"]
)
def test_seat_change_invalidates_the_cached_home(
    client, conference, forum, django_capture_on_commit_callbacks, settings, check_seconds
):
    # A change made by this process shows at once, however long versions are remembered.
    settings.PAGE_CACHE_CHECK_SECONDS = check_seconds
    assert "3 seats left" in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.register(
            conference=conference,
            data={
                "full_name": "A",
                "email": "a@example.org",
                "organization": "O",
                "job_title": "J",
            },
            forums=[forum],
            notify=False,
        )
    response = client.get("/")

    assert "2 seats left" in response.content.decode()


def bump_elsewhere(name: str) -> None:
    """What another process or host does when it saves a change: the shared version moves,
    this process's memory of it does not."""
    from django.core.cache import cache

    cache.incr(pagecache.version_key(name))


def test_change_on_another_process_shows_within_the_check_interval(client, forum, settings):
    settings.PAGE_CACHE_CHECK_SECONDS = 0.3
    client.get("/agenda/")
    # Another process saves the forum: the row changes and so does the shared version, but
    # nothing runs in this process (an update() sends no signal).
    type(forum).objects.filter(pk=forum.pk).update(title="Kernel Hall Renamed")
    bump_elsewhere(PROGRAM)

    at_once = client.get("/agenda/").content.decode()
    time.sleep(0.35)
    later = client.get("/agenda/").content.decode()

    assert "Kernel Hall Renamed" not in at_once
    assert "Kernel Hall Renamed" in later


def test_logged_in_staff_bypass_the_cache(admin_client, client, forum):
    client.get("/")  # an anonymous visit fills the cache

    response = admin_client.get("/")

    assert "Registration desk" in response.content.decode()
    assert "ETag" not in response


def test_filtered_agenda_pages_are_cached_apart(client, conference):
    ForumFactory(conference=conference, title="Flash One", kind="flash")
    ForumFactory(
        conference=conference,
        title="Topic One",
        kind="topic",
        start=__import__("datetime").time(14),
    )
    client.get("/agenda/?kind=flash")

    page = client.get("/agenda/?kind=topic").content.decode()

    assert "Topic One" in page
    assert "Flash One" not in page


@pytest.mark.parametrize(
    ("path", "language", "expected"),
    [
        ("/agenda/?lang=zh-hans", "zh-hans", "/zh-hans/agenda/"),
        ("/zh-hans/agenda/?lang=en", "en", "/agenda/"),
        ("/agenda/?kind=flash&lang=zh-hans", "zh-hans", "/zh-hans/agenda/?kind=flash"),
    ],
    ids=["to-chinese", "to-english", "keeps-filter"],
)
def test_language_switch_remembers_the_choice(client, forum, path, language, expected):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == expected
    assert response.cookies["django_language"].value == language


def test_language_switch_ignores_unknown_language(client, forum):
    response = client.get("/agenda/?lang=xx")

    assert response.status_code == 200
    assert "django_language" not in response.cookies


def test_first_visit_follows_chinese_browser_and_english_choice_sticks(client, forum):
    first = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    client.cookies["django_language"] = "en"
    chosen = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    assert first.status_code == 302
    assert first["Location"] == "/zh-hans/"
    assert chosen.status_code == 200


def test_feeds_are_not_redirected_by_language(client, forum):
    response = client.get("/agenda.ics", HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


@pytest.mark.parametrize("path", ["/", "/agenda/"])
def test_parameters_a_page_does_not_read_share_its_cached_copy(
    client, forum, django_assert_num_queries, path
):
    """/?utm=1, /?utm=2... would each be a new 24-hour entry: they share the page instead."""
    first = client.get(path, {"utm_source": "newsletter"})

    with django_assert_num_queries(0):
        plain = client.get(path)
        other = client.get(path, {"utm_source": "wechat", "x": "1"})

    assert plain.content == other.content == first.content


def test_filter_values_are_keyed_and_unknown_ones_are_never_stored(
    client, conference, django_assert_num_queries
):
    ForumFactory(conference=conference, title="Flash Talks", kind="flash")
    ForumFactory(conference=conference, title="Kernel Day", kind="topic")
    client.get("/agenda/", {"kind": "flash"})
    client.get("/agenda/", {"kind": "nonsense-1"})

    with django_assert_num_queries(0):
        flash = client.get("/agenda/", {"kind": "flash", "utm": "2"})
    # Rendered again (an unknown value is never stored): the page without a filter, whose
    # kinds present are its forums'.
    with django_assert_num_queries(2):
        unknown = client.get("/agenda/", {"kind": "nonsense-1"})
    everything = client.get("/agenda/")

    assert "Kernel Day" not in flash.content.decode()
    assert "Kernel Day" in unknown.content.decode()
    assert everything.content == unknown.content
    stored = [key for key in pagecache._LOCAL if key.startswith("gotc:page:")]
    assert len(stored) == 2  # /agenda/?kind=flash and /agenda/


def test_cached_page_carries_last_modified_and_answers_if_modified_since(client, forum):
    from django.utils.http import parse_http_date

    first = client.get("/agenda/")

    again = client.get("/agenda/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert parse_http_date(first["Last-Modified"]) <= time.time()
    assert again.status_code == 304
    assert again["Last-Modified"] == first["Last-Modified"]


def test_bypass_header_is_ignored_in_production(client, forum, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setattr(pagecache, "_BYPASS_ALLOWED", False)
    client.get("/agenda/")

    response = client.get("/agenda/", HTTP_X_PAGE_CACHE_BYPASS="1")

    assert response.templates == []  # replayed from the cache
    assert "ETag" in response


@pytest.mark.parametrize("allowed_by", ["debug", "environment"])
def test_bypass_header_renders_and_stores_nothing_for_benchmarks(
    client, forum, settings, monkeypatch, allowed_by
):
    settings.DEBUG = allowed_by == "debug"
    monkeypatch.setattr(pagecache, "_BYPASS_ALLOWED", allowed_by == "environment")

    bypassed = client.get("/agenda/", HTTP_X_PAGE_CACHE_BYPASS="1")
    again = client.get("/agenda/", HTTP_X_PAGE_CACHE_BYPASS="1")
    normal = client.get("/agenda/")

    assert bypassed.templates and again.templates  # rendered each time
    assert "ETag" not in bypassed
    assert normal.templates  # nothing was stored by the bypassed requests


def test_last_modified_moves_whenever_the_content_changes():
    start = int(time.time()) - 100
    first = pagecache._first_seen("page", '"a"')
    assert first >= start

    # Dated by the first sighting of the current content, whatever came before.
    pagecache.cache.set(f"gotc:page-seen:{pagecache._digest('page')}", ('"a"', start))
    same = pagecache._first_seen("page", '"a"')
    changed = pagecache._first_seen("page", '"b"')
    back = pagecache._first_seen("page", '"a"')

    assert same == start
    assert changed > start
    assert back >= changed
    assert pagecache._first_seen("page", '"a"') == back


# --- Compression (gotc.compression) ---------------------------------------------------------
@pytest.mark.parametrize("path", ["/agenda/", "/schedule.xml", "/agenda.json"])
def test_cached_pages_travel_gzip_compressed_to_clients_that_accept_it(client, forum, path):
    import datetime as dt
    import gzip

    for n in range(4):
        TalkFactory(forum=forum, offset=dt.timedelta(minutes=30 * n))

    plain = client.get(path)
    rendered = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")  # now from the cache
    client.get(path, HTTP_ACCEPT_ENCODING="gzip")

    assert "Content-Encoding" not in plain
    assert rendered["Content-Encoding"] == "gzip"
    assert gzip.decompress(rendered.content) == plain.content
    assert int(rendered["Content-Length"]) == len(rendered.content) < len(plain.content)
    assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in rendered["Vary"]


def test_first_render_is_compressed_too_with_a_correct_length(client, forum):
    import gzip

    first = client.get("/agenda/", HTTP_ACCEPT_ENCODING="gzip")

    assert first["Content-Encoding"] == "gzip"
    assert int(first["Content-Length"]) == len(first.content)
    assert b"Kernel Hall" in gzip.decompress(first.content)


@pytest.mark.parametrize(
    "accept_encoding", ["", "identity", "br", "gzip;q=0", "gzip; q=0.0, deflate", "deflate"]
)
def test_clients_that_do_not_take_gzip_get_the_page_as_rendered(client, forum, accept_encoding):
    client.get("/agenda/", HTTP_ACCEPT_ENCODING="gzip")

    response = client.get("/agenda/", HTTP_ACCEPT_ENCODING=accept_encoding)

    assert "Content-Encoding" not in response
    assert "Kernel Hall" in response.content.decode()


def test_compressed_copy_has_a_weak_etag_and_either_copy_revalidates(client, forum):
    plain = client.get("/agenda/")["ETag"]
    packed = client.get("/agenda/", HTTP_ACCEPT_ENCODING="gzip")["ETag"]

    assert packed == f"W/{plain}"
    for etag in (plain, packed):
        for encoding in ("", "gzip"):
            again = client.get("/agenda/", HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_ENCODING=encoding)
            assert again.status_code == 304, (etag, encoding)


def test_small_pages_and_pages_with_a_session_are_not_compressed(client, forum, admin_client):
    # robots.txt-sized answers gain nothing; a visitor with a session (a form's CSRF token may
    # be on the page) gets the page as rendered, so no secret is ever compressed (BREACH).
    staff = admin_client.get("/agenda/", HTTP_ACCEPT_ENCODING="gzip")

    assert staff.status_code == 200
    assert "Content-Encoding" not in staff
    assert not compression.compressed(b"x" * (compression.COMPRESS_MIN_BYTES - 1))

"""Secret links: derived from SECRET_KEY and a nonce, never stored (the database keeps a hash);
never logged, never sent as a Referer; "lost your link?" sends the same link again (same reply
and same work whether or not the email is registered); replaced only by the attendee ("this
link leaked") or an organizer, old links dead afterwards; unknown ones a plain 404."""

import hashlib
import logging
import re
import secrets
from urllib.parse import urlparse

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail, serializers
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from post_office.models import Email

from gotc import settings as production_settings
from registration import queries, services
from registration.enums import RegistrationStatus
from registration.models import PendingEmail, Registration
from tests.pages import main_text, parse

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/r/([A-Za-z0-9_\-]+)/)")


def links_in_mail(to: str) -> set[str]:
    return {
        path
        for message in mail.outbox
        if message.to == [to]
        for path, _token in LINK.findall(message.body)
    }


# --- logs ---------------------------------------------------------------------------------


def test_token_is_redacted_from_request_logs(client, people, production_log):
    token = people.li.manage_token
    unknown = secrets.token_urlsafe(32)

    client.get(f"/r/{unknown}/")  # 404 "Not Found"
    client.get(f"/r/{token}/leave/{people.li.picks.first().forum_id}/")  # 405, GET of a POST
    client.get(f"/zh-hans/r/{token}/no-such-page/")  # 404, language-prefixed

    log = production_log.getvalue()
    assert token not in log
    assert unknown not in log
    assert log.splitlines() == [
        "django.request WARNING Not Found: /r/[redacted]/",
        "django.request WARNING Method Not Allowed (GET): /r/[redacted]/leave/"
        f"{people.li.picks.first().forum_id}/",
        "django.request WARNING Not Found: /zh-hans/r/[redacted]/no-such-page/",
    ]


def test_token_is_redacted_from_a_server_request_line(people, production_log):
    """The line runserver writes through the django.server logger ('"%s" %s %s')."""
    token = people.li.manage_token

    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /r/{token}/calendar.ics HTTP/1.1", "200", "512"
    )

    assert production_log.getvalue() == (
        'django.server INFO "GET /r/[redacted]/calendar.ics HTTP/1.1" 200 512\n'
    )


def test_calendar_token_is_redacted_from_a_server_request_line(people, production_log):
    token = people.li.calendar_token

    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /zh-hans/calendar/{token}.ics HTTP/1.1", "200", "512"
    )

    assert production_log.getvalue() == (
        'django.server INFO "GET /zh-hans/calendar/[redacted].ics HTTP/1.1" 200 512\n'
    )


def test_production_logging_sends_request_loggers_through_the_redaction_filter():
    logging_config = production_settings.LOGGING
    assert logging_config["filters"]["redact_secrets"] == {"()": "gotc.logging.RedactSecrets"}
    assert logging_config["handlers"]["console"]["filters"] == ["redact_secrets"]
    for name in ("django.server", "django.request", "gunicorn.access", "gunicorn.error"):
        assert logging_config["loggers"][name]["handlers"] == ["console"], name
        assert logging_config["loggers"][name]["propagate"] is False, name
    assert logging_config["root"]["handlers"] == ["console"]


# --- headers --------------------------------------------------------------------------------


PRIVATE_PATHS = [
    "",
    "cancel/",
    "still-coming/",
    "delete/",
    "my-data.json",
    "calendar.ics",  # the old calendar address: a redirect to the calendar link
]


# Policies under which a browser never sends the page's path (and its token) to another site.
NO_PATH_ACROSS_SITES = {
    "no-referrer",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
}


@pytest.mark.parametrize("suffix", [*PRIVATE_PATHS, None], ids=lambda s: s or "manage")
def test_private_pages_are_never_cached_nor_sent_as_referrer(client, people, suffix):
    if suffix is None:
        path = f"/calendar/{people.li.calendar_token}.ics"
    else:
        path = f"/r/{people.li.manage_token}/{suffix}"

    response = client.get(path)

    assert response.status_code == (302 if suffix == "calendar.ics" else 200)
    assert response["Referrer-Policy"] in NO_PATH_ACROSS_SITES
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def origin_a_browser_sends(referrer_policy: str) -> str:
    """The Origin header of a same-origin form POST (Fetch standard, "serializing a request
    origin"): "null" under no-referrer, the page's origin under every other policy."""
    return "null" if referrer_policy == "no-referrer" else "http://testserver"


@pytest.mark.parametrize("suffix", ["cancel/", "delete/"])
def test_browser_obeying_the_referrer_policy_can_post_private_forms(people, suffix):
    """no-referrer would make a browser post with Origin: null, which the CSRF check refuses."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/r/{people.li.manage_token}/{suffix}")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)

    response = browser.post(
        f"/r/{people.li.manage_token}/{suffix}",
        {"csrfmiddlewaretoken": token.decode()},
        HTTP_ORIGIN=origin_a_browser_sends(page["Referrer-Policy"]),
    )

    assert response.status_code in {200, 302}
    assert Registration.objects.get(pk=people.li.pk).status == RegistrationStatus.CANCELLED


def test_manage_page_links_only_to_this_site(client, people):
    response = client.get(f"/r/{people.li.manage_token}/")

    page = parse(response)
    targets = [
        element.get("href") or element.get("src") or element.get("action")
        for element in page.iter()
        if isinstance(element.tag, str)
        and (element.get("href") or element.get("src") or element.get("action"))
    ]
    assert targets
    assert [url for url in targets if urlparse(url).netloc not in {"", "testserver"}] == []


def test_every_other_page_keeps_the_referrer_on_this_site(client, conference):
    response = client.get("/")

    assert response["Referrer-Policy"] == "same-origin"


# --- "lost your link?": the same link again ----------------------------------------------------

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def without_csrf(response) -> bytes:
    return CSRF.sub(b"", response.content)


def test_new_link_reply_is_the_same_for_registered_and_unknown_email(
    client, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registered = client.post("/register/new-link/", {"email": "li.wei@example.org"})
        unknown = client.post("/register/new-link/", {"email": "nobody@example.org"})

    assert (registered.status_code, unknown.status_code) == (200, 200)
    assert without_csrf(registered) == without_csrf(unknown)
    assert main_text(registered) == (
        "Lost your link? If this email address is registered, we have just sent it its "
        "private link again."
    )
    assert [message.to for message in mail.outbox] == [["li.wei@example.org"]]


def test_new_link_sends_the_same_link_again_and_replaces_nothing(
    client, people, django_capture_on_commit_callbacks
):
    """A stranger who types someone's address must not be able to break their link."""
    link = f"/r/{people.li.manage_token}/"

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post("/register/new-link/", {"email": "  LI.WEI@example.ORG "})

    assert [message.to for message in mail.outbox] == [["li.wei@example.org"]] * 3
    assert links_in_mail("li.wei@example.org") == {link}
    response = client.get(link)
    assert response.status_code == 200
    assert response.context["registration"] == people.li


def statements(queries: list[dict]) -> list[str]:
    """The SQL a request ran, with every value (and savepoint name) blanked out."""
    values = re.compile(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b|\bNULL\b")
    return [values.sub("?", query["sql"]) for query in queries]


def test_new_link_does_the_same_work_for_registered_and_unknown_email(client, people, settings):
    """The same statements, in the same order, whether or not the address is registered:
    nothing to time. (Production delivers through the worker; with EMAIL_DELIVERY=immediate,
    a development setting, the email is also rendered and sent in the request.)"""
    settings.EMAIL_DELIVERY = "worker"
    client.get("/register/new-link/")  # sessions, CSRF cookie: the same for both from here

    with CaptureQueriesContext(connection) as registered:
        client.post("/register/new-link/", {"email": "li.wei@example.org"})
    with CaptureQueriesContext(connection) as unknown:
        client.post("/register/new-link/", {"email": "nobody@example.org"})

    assert statements(registered.captured_queries) == statements(unknown.captured_queries)
    assert len(registered.captured_queries) > 0


def test_new_link_for_a_cancelled_registration_sends_nothing(
    client, people, django_capture_on_commit_callbacks
):
    services.cancel_registration(registration=people.zoe)
    token = Registration.objects.get(pk=people.zoe.pk).manage_token
    emails_before = Email.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/new-link/", {"email": "zoe@example.org"})

    assert response.status_code == 200
    assert Registration.objects.get(pk=people.zoe.pk).manage_token == token
    assert Email.objects.count() == emails_before
    assert PendingEmail.objects.filter(registration=None).count() == 0  # dropped, unsent


def test_new_link_leaves_every_link_alone(client, people):
    hashes = dict(Registration.objects.values_list("pk", "manage_token_hash"))

    client.post("/register/new-link/", {"email": "li.wei@example.org"})

    assert dict(Registration.objects.values_list("pk", "manage_token_hash")) == hashes


def test_new_link_with_invalid_email_shows_the_form_again(client, people):
    response = client.post("/register/new-link/", {"email": "not an email"})

    assert response.status_code == 200
    assert response.context["sent"] is False
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}


# --- organizers revoke links ----------------------------------------------------------------


def test_organizer_revoke_action_replaces_links_and_records_it(
    client_for, people, django_capture_on_commit_callbacks
):
    organizer = client_for("organizer")
    old = {r.email: f"/r/{r.manage_token}/" for r in (people.li, people.zhang)}

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer.post(
            "/admin/registration/registration/",
            {"action": "revoke_links", "_selected_action": [people.li.pk, people.zhang.pk]},
            follow=True,
        )

    assert [str(m) for m in response.context["messages"]] == ["2 links replaced."]
    visitor = Client()
    for email, old_link in old.items():
        (new_link,) = links_in_mail(email)
        assert visitor.get(old_link).status_code == 404
        assert visitor.get(new_link).status_code == 200
    assert visitor.get(f"/r/{people.zoe.manage_token}/").status_code == 200
    entries = LogEntry.objects.filter(user=organizer.user).order_by("object_id")
    assert [(e.object_id, e.get_change_message()) for e in entries] == sorted(
        [
            (str(people.li.pk), "Changed private link replaced."),
            (str(people.zhang.pk), "Changed private link replaced."),
        ]
    )


def test_desk_cannot_revoke_links(client_for, people):
    desk = client_for("desk")
    token = people.li.manage_token

    desk.post(
        "/admin/registration/registration/",
        {"action": "revoke_links", "_selected_action": [people.li.pk]},
    )

    assert Registration.objects.get(pk=people.li.pk).manage_token == token


# --- unknown tokens and the compare -------------------------------------------------------


def test_unknown_token_gets_the_ordinary_404_page(client, people):
    unknown = secrets.token_urlsafe(32)

    private = client.get(f"/r/{unknown}/")
    ordinary = client.get("/no-such-page/")

    assert (private.status_code, ordinary.status_code) == (404, 404)
    assert [t.name for t in private.templates] == [t.name for t in ordinary.templates]
    assert main_text(private) == main_text(ordinary)


def test_tokens_are_long_random_and_unique(people):
    tokens = [
        token
        for r in (people.li, people.zhang, people.zoe)
        for token in (r.manage_token, r.calendar_token)
    ]

    assert len(set(tokens)) == 6
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_\-]{43}", token)  # HMAC-SHA256: 256 bits


def test_registration_for_token_accepts_the_exact_token(people):
    assert queries.registration_for_token(people.li.manage_token) == people.li


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t[:-1],
        lambda t: t.swapcase(),
        lambda t: " " + t,
        lambda t: t + "=",
    ],
    ids=["last-char", "prefix", "case", "space", "padding"],
)
def test_registration_for_token_rejects_near_misses(people, spoil):
    assert queries.registration_for_token(spoil(people.li.manage_token)) is None


@pytest.mark.parametrize(
    "token",
    ["", "x" * 65, "A" * 200, "日历" * 10, "a/b", "a b", "\x00"],
    ids=["empty", "65", "200", "unicode", "slash", "space", "nul"],
)
def test_registration_for_token_rejects_impossible_tokens_without_a_query(
    people, django_assert_num_queries, token
):
    with django_assert_num_queries(0):
        assert queries.registration_for_token(token) is None
        assert queries.registration_for_calendar_token(token) is None


def test_registration_for_token_looks_up_the_hash_never_the_token(people):
    """The database is asked for SHA-256(token): an indexed equality on the hash of a
    256-bit secret, whose timing tells nothing about the token."""
    token = people.li.manage_token

    with CaptureQueriesContext(connection) as context:
        found = queries.registration_for_token(token)

    assert found == people.li
    (query,) = context.captured_queries
    assert token not in query["sql"]
    assert hashlib.sha256(token.encode()).hexdigest() in query["sql"]


# --- what the database keeps ------------------------------------------------------------------


def test_the_database_holds_no_working_link(client, people):
    """A dump of every registration (what a backup, SQL access or the admin sees) holds no
    token; the site derives the same ones from SECRET_KEY."""
    dump = serializers.serialize("json", Registration.objects.all())

    for registration in (people.li, people.zhang, people.zoe):
        for token in (registration.manage_token, registration.calendar_token):
            assert token not in dump
        assert (
            registration.manage_token_hash
            == hashlib.sha256(registration.manage_token.encode()).hexdigest()
        )
    assert "manage_token" not in {f.name for f in Registration._meta.concrete_fields}


def test_a_link_is_derived_again_the_same(people):
    again = Registration.objects.get(pk=people.li.pk)

    assert (again.manage_token, again.calendar_token) == (
        people.li.manage_token,
        people.li.calendar_token,
    )


def test_tokens_depend_on_the_secret_key(people, settings):
    token = people.li.manage_token

    settings.SECRET_KEY = "another-secret-key-" + "x" * 40

    assert Registration.objects.get(pk=people.li.pk).manage_token != token


def test_after_a_secret_key_change_old_links_work_and_the_next_email_renews_them(
    client, people, settings, django_capture_on_commit_callbacks
):
    old = f"/r/{people.li.manage_token}/"
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert client.get(old).status_code == 200  # the hash of the emailed token is stored

    with django_capture_on_commit_callbacks(execute=True):
        services.resend_confirmation(registration=Registration.objects.get(pk=people.li.pk))

    (new,) = links_in_mail("li.wei@example.org")
    assert new != old
    assert client.get(new).status_code == 200
    assert client.get(old).status_code == 404


@pytest.fixture
def legacy_li(people) -> str:
    """Li's link as stored before links were derived: a random token, its hash, no nonce.
    Returns the token (what her old email holds)."""
    token = secrets.token_urlsafe(32)
    Registration.objects.filter(pk=people.li.pk).update(
        manage_nonce="", manage_token_hash=hashlib.sha256(token.encode()).hexdigest()
    )
    return token


def test_a_link_from_before_derived_tokens_keeps_working(client, legacy_li):
    response = client.get(f"/r/{legacy_li}/")

    assert response.status_code == 200
    assert response.context["registration"].manage_token is None


def test_a_link_from_before_derived_tokens_is_renewed_once_by_lost_your_link(
    client, people, legacy_li, django_capture_on_commit_callbacks
):
    """Its token cannot be derived, so it cannot be sent again: the first email issues a new
    link (the old one dies), and later ones send that same link."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/new-link/", {"email": "li.wei@example.org"})
        client.post("/register/new-link/", {"email": "li.wei@example.org"})

    (new,) = links_in_mail("li.wei@example.org")
    assert len(mail.outbox) == 2
    assert client.get(f"/r/{legacy_li}/").status_code == 404
    assert client.get(new).status_code == 200


def test_a_change_made_under_a_link_from_before_continues_under_the_new_link(
    client, people, afternoon, legacy_li, django_capture_on_commit_callbacks
):
    """Changing forums emails the attendee, which renews the old link: the page follows."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/r/{legacy_li}/", {"forums": [afternoon.pk]})

    (new,) = links_in_mail("li.wei@example.org")
    assert response.status_code == 302
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_revoked_registration_keeps_status_and_picks(people):
    picks = sorted(people.li.picks.values_list("forum_id", "status"))

    services.revoke_manage_link(registration=people.li)

    people.li.refresh_from_db()
    assert people.li.status == RegistrationStatus.CONFIRMED
    assert sorted(people.li.picks.values_list("forum_id", "status")) == picks

"""Secret manage links: never logged, never sent as a Referer, re-issued by the attendee
("send me a new link", same reply whether or not the email is registered) or by an
organizer, old links dead afterwards, unknown ones a plain 404, compared in constant time."""

import hmac
import logging
import re
import secrets
from urllib.parse import urlparse

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client
from post_office.models import Email

from gotc import settings as production_settings
from registration import queries, services
from registration.enums import RegistrationStatus
from registration.models import Registration
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
    "calendar.ics",
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


@pytest.mark.parametrize("suffix", PRIVATE_PATHS, ids=lambda s: s or "manage")
def test_private_pages_are_never_cached_nor_sent_as_referrer(client, people, suffix):
    response = client.get(f"/r/{people.li.manage_token}/{suffix}")

    assert response.status_code == 200
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


# --- "send me a new link" -------------------------------------------------------------------

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
        "Lost your link? If this email address is registered, we have just sent it a new "
        "private link. The old link no longer works."
    )
    assert [message.to for message in mail.outbox] == [["li.wei@example.org"]]


def test_new_link_kills_the_old_link_and_mails_a_working_one(
    client, people, django_capture_on_commit_callbacks
):
    old = f"/r/{people.li.manage_token}/"

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/new-link/", {"email": "  LI.WEI@example.ORG "})

    (new,) = links_in_mail("li.wei@example.org")
    assert new != old
    assert client.get(old).status_code == 404
    response = client.get(new)
    assert response.status_code == 200
    assert response.context["registration"] == people.li


def test_new_link_for_a_cancelled_registration_sends_nothing(client, people):
    services.cancel_registration(registration=people.zoe)
    token = Registration.objects.get(pk=people.zoe.pk).manage_token
    emails_before = Email.objects.count()

    response = client.post("/register/new-link/", {"email": "zoe@example.org"})

    assert response.status_code == 200
    assert Registration.objects.get(pk=people.zoe.pk).manage_token == token
    assert Email.objects.count() == emails_before


def test_new_link_leaves_other_attendees_links_alone(client, people):
    others = {people.zhang.pk: people.zhang.manage_token, people.zoe.pk: people.zoe.manage_token}

    client.post("/register/new-link/", {"email": "li.wei@example.org"})

    assert (
        dict(Registration.objects.filter(pk__in=others).values_list("pk", "manage_token")) == others
    )


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
    tokens = [people.li.manage_token, people.zhang.manage_token, people.zoe.manage_token]

    assert len(set(tokens)) == 3
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_\-]{43}", token)  # 32 random bytes: 256 bits


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


@pytest.mark.parametrize("token", ["", "x" * 65, "A" * 200], ids=["empty", "65", "200"])
def test_registration_for_token_rejects_impossible_tokens_without_a_query(
    people, django_assert_num_queries, token
):
    with django_assert_num_queries(0):
        assert queries.registration_for_token(token) is None


def test_registration_for_token_compares_in_constant_time(people, monkeypatch):
    """The match is confirmed with hmac.compare_digest, not ==."""
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)

    found = queries.registration_for_token(people.li.manage_token)

    assert found == people.li
    assert calls == [(people.li.manage_token, people.li.manage_token)]


def test_revoked_registration_keeps_status_and_picks(people):
    picks = sorted(people.li.picks.values_list("forum_id", "status"))

    services.revoke_manage_link(registration=people.li)

    people.li.refresh_from_db()
    assert people.li.status == RegistrationStatus.CONFIRMED
    assert sorted(people.li.picks.values_list("forum_id", "status")) == picks

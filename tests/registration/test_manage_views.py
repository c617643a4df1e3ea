"""/r/<token>/: the attendee's private page (ticket, picks, change, leave, cancel, "this link
leaked"), and /calendar/<token>.ics, the seated forums behind a read-only link of their own."""

import datetime as dt
import re

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from registration import services
from registration.enums import PickStatus, RegistrationStatus
from registration.models import TICKET_ALPHABET, ForumPick, Registration
from tests.pages import main_text, parse, text, with_class

pytestmark = pytest.mark.django_db

SVG = "http://www.w3.org/2000/svg"  # html5lib puts inline SVG in its own namespace


@pytest.fixture
def attendee(conference, afternoon, day_two, fill, register) -> Registration:
    """Li Wei: seated in the afternoon forum, number 2 on day two's waiting list."""
    fill(day_two, 2)
    return register(conference, [afternoon, day_two]).registration


@pytest.fixture
def seat_holder(conference, day_two, register, fill) -> Registration:
    """Li Wei holds the only seat of day two; waiting-0@example.org waits for it."""
    holder = register(conference, [day_two]).registration
    fill(day_two, 1, prefix="waiting")
    return holder


def url(registration: Registration, suffix: str = "") -> str:
    return f"/r/{registration.manage_token}/{suffix}"


def calendar_url(registration: Registration) -> str:
    return f"/calendar/{registration.calendar_token}.ics"


def listed_picks(page) -> list[tuple[str, str]]:
    """[(forum title, badge)] in the "Your forums" list of the manage page."""
    section = page.find(".//section[@aria-labelledby='picks-heading']")
    return [
        (text(item.find(".//a")), text(with_class(item, "span", "badge")[0]))
        for item in with_class(section, "li", "list-group-item")
    ]


def messages_shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def pick_status(registration: Registration, forum) -> str:
    return ForumPick.objects.get(registration=registration, forum=forum).status


# --- the page --------------------------------------------------------------------------------


def test_manage_page_shows_ticket_code_qr_and_picks(client, attendee):
    response = client.get(url(attendee))

    page = parse(response)
    assert response.status_code == 200
    code = text(with_class(page, "p", "ticket-code")[0])
    assert code == attendee.ticket_display
    assert re.fullmatch(f"[{TICKET_ALPHABET}]{{4}}-[{TICKET_ALPHABET}]{{4}}", code)
    (qr,) = with_class(with_class(page, "div", "qr")[0], f"{{{SVG}}}svg", "ticket-qr")
    assert text(qr.find(f"{{{SVG}}}title")) == f"Ticket {code}"
    assert qr.find(f"{{{SVG}}}path").get("d")
    assert listed_picks(page) == [
        ("Open Source Governance", "Seat reserved"),
        ("Flash Talks", "Waiting list: number 2"),
    ]


def test_manage_page_in_chinese_keeps_the_ticket(client, attendee):
    response = client.get(f"/zh-hans{url(attendee)}")

    page = parse(response)
    assert response.status_code == 200
    assert text(with_class(page, "p", "ticket-code")[0]) == attendee.ticket_display


@pytest.mark.parametrize(
    "token",
    ["unknown-token", "x" * 65, "%20"],
    ids=["unknown", "too-long", "blank"],
)
def test_manage_unknown_token_is_a_normal_not_found_page(client, attendee, token):
    normal_404 = client.get("/no-such-page/")

    response = client.get(f"/r/{token}/")

    assert response.status_code == 404
    assert text(parse(response).find(".//h1")) == "Page not found"
    assert main_text(response) == main_text(normal_404)


@pytest.mark.parametrize("suffix", ["cancel/", "calendar.ics"], ids=["cancel", "calendar"])
def test_manage_subpages_of_unknown_token_are_not_found(client, attendee, suffix):
    response = client.get(f"/r/unknown-token/{suffix}")

    assert response.status_code == 404
    assert text(parse(response).find(".//h1")) == "Page not found"


def test_manage_old_link_after_reactivation_is_not_found(client, conference, attendee, register):
    old_link = url(attendee)
    services.cancel_registration(registration=attendee)
    again = register(conference, [])

    assert client.get(old_link).status_code == 404
    assert client.get(url(again.registration)).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        lambda r: url(r),
        lambda r: url(r, "cancel/"),
        lambda r: url(r, "calendar.ics"),
        lambda r: calendar_url(r),
    ],
    ids=["manage", "cancel", "old-calendar", "calendar"],
)
def test_private_pages_are_never_cached_nor_indexed(client, attendee, path):
    response = client.get(path(attendee))

    assert response.status_code in {200, 302}
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"


def test_done_page_is_never_cached(client, conference, morning, form_data):
    client.post("/register/", form_data([morning]))

    response = client.get("/register/done/")

    assert "no-store" in response["Cache-Control"].split(", ")


# --- change picks ----------------------------------------------------------------------------


def test_change_picks_frees_seat_promotes_next_and_emails_both(
    client, seat_holder, day_two, afternoon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(seat_holder), {"forums": [afternoon.pk]}, follow=True)

    assert response.redirect_chain == [(url(seat_holder), 302)]
    assert messages_shown(response) == ["Your forums are updated. We have sent you an email."]
    assert listed_picks(parse(response)) == [("Open Source Governance", "Seat reserved")]
    assert pick_status(seat_holder, day_two) == PickStatus.RELEASED
    promoted = Registration.objects.get(email="waiting-0@example.org")
    assert pick_status(promoted, day_two) == PickStatus.SEATED
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "li.wei@example.org": f"Your forums for {seat_holder.conference.name} have changed",
        "waiting-0@example.org": "You have a seat: Flash Talks",
    }


def test_change_picks_unchanged_says_nothing_changed(client, attendee, afternoon, day_two):
    response = client.post(url(attendee), {"forums": [afternoon.pk, day_two.pk]}, follow=True)

    assert messages_shown(response) == ["Nothing changed."]
    assert pick_status(attendee, day_two) == PickStatus.WAITING


def test_change_picks_form_ticks_current_picks(client, attendee, afternoon, day_two):
    page = parse(client.get(url(attendee)))

    ticked = sorted(
        int(box.get("value"))
        for box in page.iter("input")
        if box.get("name") == "forums" and box.get("checked") is not None
    )
    assert ticked == sorted([afternoon.pk, day_two.pk])
    statuses = [text(el) for el in with_class(page, "span", "seat-status")]
    assert "You have a seat" in statuses
    assert "You are on the waiting list" in statuses


@pytest.mark.parametrize(
    ("picked", "error"),
    [
        (["morning", "parallel"],
         "“Open Source Infrastructure” and “eBPF and the Kernel” take place at the same time: "
         "pick one of them."),
        (["foreign"], "One of the forums you picked is not on this conference's program."),
        (["abc"], "One of the forums you picked is not on this conference's program."),
    ],
    ids=["overlapping", "foreign-forum", "not-a-number"],
)  # fmt: skip
def test_change_picks_bad_input_shows_error_and_changes_nothing(
    client, attendee, morning, parallel, afternoon, day_two, foreign_forum, picked, error
):
    ids = {"morning": morning.pk, "parallel": parallel.pk, "foreign": foreign_forum.pk}

    response = client.post(url(attendee), {"forums": [ids.get(name, name) for name in picked]})

    page = parse(response)
    assert response.status_code == 200
    errors = page.find(".//div[@id='forums-errors']")
    assert [text(p) for p in errors.iter("p")] == [error]
    assert pick_status(attendee, afternoon) == PickStatus.SEATED
    assert pick_status(attendee, day_two) == PickStatus.WAITING
    assert ForumPick.objects.filter(forum__in=[morning, parallel, foreign_forum]).count() == 0


def test_change_picks_post_on_cancelled_registration_changes_nothing(client, attendee, morning):
    services.cancel_registration(registration=attendee)

    response = client.post(url(attendee), {"forums": [morning.pk]})

    assert response.status_code == 200
    assert ForumPick.objects.live().filter(registration=attendee).count() == 0


# --- leave the waiting list ------------------------------------------------------------------


def test_leave_waiting_list_releases_pick_and_moves_queue_up(
    client, conference, attendee, day_two, register
):
    behind = register(conference, [day_two], email="behind@example.org").registration

    response = client.post(url(attendee, f"leave/{day_two.pk}/"), follow=True)

    assert response.redirect_chain == [(url(attendee), 302)]
    assert messages_shown(response) == ["You have left the waiting list of “Flash Talks”."]
    assert pick_status(attendee, day_two) == PickStatus.RELEASED
    assert listed_picks(parse(client.get(url(behind)))) == [
        ("Flash Talks", "Waiting list: number 2")
    ]


def test_leave_waiting_list_of_seated_forum_keeps_the_seat(client, attendee, afternoon):
    response = client.post(url(attendee, f"leave/{afternoon.pk}/"), follow=True)

    assert messages_shown(response) == [
        "You were not on the waiting list of “Open Source Governance”."
    ]
    assert pick_status(attendee, afternoon) == PickStatus.SEATED


def test_leave_waiting_list_by_get_is_not_allowed(client, attendee, day_two):
    response = client.get(url(attendee, f"leave/{day_two.pk}/"))

    assert response.status_code == 405
    assert pick_status(attendee, day_two) == PickStatus.WAITING


@pytest.mark.parametrize("forum", ["foreign", 999_999], ids=["foreign-forum", "unknown-forum"])
def test_leave_waiting_list_of_unknown_forum_is_not_found(client, attendee, foreign_forum, forum):
    forum_id = foreign_forum.pk if forum == "foreign" else forum

    response = client.post(url(attendee, f"leave/{forum_id}/"))

    assert response.status_code == 404


# --- cancel ----------------------------------------------------------------------------------


def test_cancel_get_asks_for_confirmation_and_cancels_nothing(client, attendee):
    response = client.get(url(attendee, "cancel/"))

    page = parse(response)
    assert text(page.find(".//h1")) == "Cancel your registration?"
    assert [text(li) for li in page.find(".//main//ul").iter("li")] == [
        "Open Source Governance",
        "Flash Talks (waiting list)",
    ]
    assert [text(button) for button in page.find(".//main//form").iter("button")] == [
        "Yes, cancel my registration"
    ]
    attendee.refresh_from_db()
    assert attendee.status == RegistrationStatus.CONFIRMED


def test_cancel_post_cancels_promotes_and_emails(
    client, seat_holder, day_two, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(seat_holder, "cancel/"), follow=True)

    assert response.redirect_chain == [(url(seat_holder), 302)]
    assert messages_shown(response) == [
        "Your registration is cancelled. We have sent you an email."
    ]
    assert "This registration is cancelled." in main_text(response)
    seat_holder.refresh_from_db()
    assert seat_holder.status == RegistrationStatus.CANCELLED
    assert pick_status(seat_holder, day_two) == PickStatus.RELEASED
    promoted = Registration.objects.get(email="waiting-0@example.org")
    assert pick_status(promoted, day_two) == PickStatus.SEATED
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "li.wei@example.org": f"Your registration for {seat_holder.conference.name} is cancelled",
        "waiting-0@example.org": "You have a seat: Flash Talks",
    }


def test_cancel_post_twice_sends_one_email(client, attendee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(attendee, "cancel/"))
        client.post(url(attendee, "cancel/"))

    assert [message.to for message in mail.outbox] == [["li.wei@example.org"]]
    page = parse(client.get(url(attendee, "cancel/")))
    assert text(page.find(".//main//p[@class='lead']")) == "This registration is already cancelled."


@pytest.mark.parametrize(
    ("suffix", "data"),
    [("", {"forums": []}), ("cancel/", {}), ("leave/{day_two}/", {})],
    ids=["change", "cancel", "leave"],
)
def test_manage_posts_without_csrf_token_are_forbidden(attendee, day_two, suffix, data):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(url(attendee, suffix.format(day_two=day_two.pk)), data)

    assert response.status_code == 403
    attendee.refresh_from_db()
    assert attendee.status == RegistrationStatus.CONFIRMED
    assert ForumPick.objects.live().filter(registration=attendee).count() == 2


# --- calendar --------------------------------------------------------------------------------


def events(response) -> list[tuple]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return sorted(
        (str(event["SUMMARY"]), event.decoded("DTSTART"), event.decoded("DTEND"))
        for event in calendar.walk("VEVENT")
    )


def test_calendar_holds_exactly_the_seated_forums(
    client, conference, attendee, morning, afternoon, day_two
):
    services.change_picks(registration=attendee, forums=[morning, afternoon, day_two])

    response = client.get(calendar_url(attendee))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert events(response) == [
        (f"{conference.name}: Open Source Governance", afternoon.starts_at, afternoon.ends_at),
        (f"{conference.name}: Open Source Infrastructure", morning.starts_at, morning.ends_at),
    ]


def test_calendar_of_cancelled_registration_is_empty(client, attendee):
    services.cancel_registration(registration=attendee)

    response = client.get(calendar_url(attendee))

    assert events(response) == []


def test_calendar_is_named_after_the_conference_not_the_attendee(client, conference, attendee):
    """A calendar link ends up in a third-party calendar service."""
    response = client.get(calendar_url(attendee))

    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == f"{conference.name}: my forums"
    assert attendee.full_name.encode() not in response.content
    assert attendee.email.encode() not in response.content


def test_calendar_link_is_not_the_private_link(client, attendee):
    assert attendee.calendar_token != attendee.manage_token
    assert client.get(f"/r/{attendee.calendar_token}/").status_code == 404
    assert client.get(f"/r/{attendee.calendar_token}/cancel/").status_code == 404
    assert client.get(f"/calendar/{attendee.manage_token}.ics").status_code == 404


def test_old_calendar_address_redirects_to_the_calendar_link(client, attendee):
    """Subscriptions made with /r/<token>/calendar.ics keep working; the answer hands out
    the calendar link, never the private one."""
    response = client.get(url(attendee, "calendar.ics"))

    assert response.status_code == 302
    assert response["Location"] == calendar_url(attendee)
    followed = client.get(response["Location"])
    assert followed.status_code == 200
    assert attendee.manage_token.encode() not in followed.content


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_calendar_only_reads(client, attendee, method):
    before = Registration.objects.filter(pk=attendee.pk).values().get()

    calendar = getattr(client, method)(calendar_url(attendee))
    old_address = getattr(client, method)(url(attendee, "calendar.ics"))

    assert (calendar.status_code, old_address.status_code) == (405, 405)
    assert Registration.objects.filter(pk=attendee.pk).values().get() == before


def test_calendar_answers_head(client, attendee):
    response = client.head(calendar_url(attendee))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content == b""


@pytest.mark.parametrize(
    "token",
    ["unknown-token", "x" * 65, "A" * 10_000, "%E6%97%A5%E5%8E%86", "%20", "..", "a.b"],
    ids=["unknown", "too-long", "huge", "unicode", "blank", "dots", "dot"],
)
@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_calendar_with_a_bad_token_is_not_found(client, attendee, token, method):
    response = getattr(client, method)(f"/calendar/{token}.ics")

    assert response.status_code == (405 if method == "post" else 404)


def test_calendar_link_survives_a_new_private_link(client, attendee):
    calendar = calendar_url(attendee)

    services.revoke_manage_link(registration=attendee)

    assert client.get(calendar).status_code == 200


def test_calendar_link_dies_with_the_data(client, attendee):
    calendar = calendar_url(attendee)

    client.post(url(attendee, "delete/"))

    assert client.get(calendar).status_code == 404


def test_calendar_is_rate_limited(client, attendee, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "manage": "2/h"}

    answers = [client.get(calendar_url(attendee)).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_manage_page_offers_the_calendar_link_with_instructions(client, attendee):
    response = client.get(url(attendee))

    page = parse(response)
    links = [a.get("href") for a in page.iter("a")]
    address = f"http://testserver{calendar_url(attendee)}"
    assert address in links
    assert [link for link in links if "calendar.ics" in link] == []
    (details,) = page.iter("details")
    assert details.find(".//input").get("value") == address
    assert text(details).startswith(
        "Keep your calendar up to date Subscribe to this address in your calendar app"
    )


# --- "this link leaked: send me a new one" ---------------------------------------------------


def test_replace_link_kills_this_link_and_emails_a_new_one(
    client, attendee, django_capture_on_commit_callbacks
):
    old = url(attendee)
    calendar = calendar_url(attendee)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(attendee, "new-link/"))

    assert response.status_code == 200
    assert main_text(response).startswith("This link no longer works")
    (message,) = mail.outbox
    (new,) = re.findall(r"http://testserver(/r/[A-Za-z0-9_-]+/)", message.body)
    assert message.to == [attendee.email]
    assert new != old
    # The new link goes to the email only: whoever pressed the button may hold a leaked link.
    assert new.encode() not in response.content
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get(calendar).status_code == 200


def test_manage_page_has_the_replace_link_button(client, attendee):
    response = client.get(url(attendee))

    forms = [form.get("action") for form in parse(response).iter("form")]
    assert url(attendee, "new-link/") in forms


def test_replace_link_by_get_changes_nothing(client, attendee):
    before = attendee.manage_token

    response = client.get(url(attendee, "new-link/"))

    attendee.refresh_from_db()
    assert response.status_code == 405
    assert attendee.manage_token == before


def test_replace_link_without_csrf_token_is_forbidden(attendee):
    browser = Client(enforce_csrf_checks=True)
    before = attendee.manage_token

    response = browser.post(url(attendee, "new-link/"))

    attendee.refresh_from_db()
    assert response.status_code == 403
    assert attendee.manage_token == before


@pytest.mark.parametrize("token", ["unknown-token", "x" * 65, "%E2%80%94"])
def test_replace_link_of_unknown_token_is_not_found(client, attendee, token):
    assert client.post(f"/r/{token}/new-link/").status_code == 404


# --- after the registration window ------------------------------------------------------------


@pytest.fixture
def window_closed(conference):
    conference.registration_closes = timezone.now() - dt.timedelta(hours=1)
    conference.save()


def test_manage_page_after_window_closed_has_no_change_form(client, attendee, window_closed):
    page = parse(client.get(url(attendee)))

    assert page.find(".//section[@aria-labelledby='change-heading']") is None
    assert listed_picks(page) == [
        ("Open Source Governance", "Seat reserved"),
        ("Flash Talks", "Waiting list: number 2"),
    ]


def test_change_picks_after_window_closed_says_registration_is_closed(
    client, conference, attendee, morning, afternoon, window_closed
):
    response = client.post(url(attendee), {"forums": [morning.pk, afternoon.pk]})

    assert pick_status(attendee, afternoon) == PickStatus.SEATED
    assert f"Registration for {conference.name} is closed." in main_text(response)

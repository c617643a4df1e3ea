"""/register/ and /register/done/: the form, its bad inputs, the done page, bots and CSRF."""

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from post_office.models import Email

from registration.enums import PickStatus
from registration.models import ForumPick, Registration
from tests.factories import ForumFactory
from tests.pages import field_errors, fields_with_errors, main_text, parse, text, with_class

pytestmark = pytest.mark.django_db

FOREIGN = object()  # stands for the id of a forum of another conference


def slot_heading(forum) -> str:
    """A time slot's heading as the page shows it: day, start and end in venue time."""
    starts = forum.starts_at.astimezone(forum.conference.tzinfo)
    ends = forum.ends_at.astimezone(forum.conference.tzinfo)
    return f"{starts:%a} {starts.day} {starts:%b} {starts:%H:%M}–{ends:%H:%M}"


def slots(page) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(slot heading, [(forum title, seat status)])] as the register page lists them."""
    found = []
    for slot in with_class(page, "div", "slot"):
        forums = [
            (
                text(card.find(".//span[@class='fw-semibold']")),
                text(with_class(card, "span", "seat-status")[0]),
            )
            for card in with_class(slot, "div", "pick-card")
        ]
        found.append((text(slot.find(".//h3")), forums))
    return found


def typed_values(page) -> dict:
    """What the re-rendered form holds: text inputs, the language, ticked boxes."""
    (form,) = with_class(page, "form", "registration-form")
    values = {
        el.get("name"): el.get("value", "")
        for el in form.iter("input")
        if el.get("type") in {"text", "email", "tel"}
    }
    selected = form.find(".//select[@name='language']/option[@selected]")
    values["language"] = selected.get("value") if selected is not None else None
    values["forums"] = sorted(
        el.get("value")
        for el in form.iter("input")
        if el.get("name") == "forums" and el.get("checked") is not None
    )
    values["consent"] = form.find(".//input[@name='consent']").get("checked") is not None
    return values


def done_forums(page) -> list[str]:
    """Titles of the forums listed on the done page."""
    return [text(item.find(".//a")) for item in with_class(page, "li", "list-group-item")]


# --- GET -------------------------------------------------------------------------------------


def test_register_page_groups_overlapping_forums_with_seats_left(
    client, conference, morning, parallel, afternoon, day_two, fill
):
    cloud = ForumFactory(
        conference=conference,
        title="Cloud Native",
        day=1,
        start=dt.time(9, 0),
        capacity=3,
        position=1,
    )
    fill(cloud, 2, prefix="cloud")
    fill(day_two, 3, prefix="flash")

    response = client.get("/register/")

    assert response.status_code == 200
    assert slots(parse(response)) == [
        (  # 10:00-12:00 overlaps 09:00-12:00: one group, under the span of both
            slot_heading(morning),
            [
                ("Open Source Infrastructure", "5 seats left"),
                ("Cloud Native", "1 seat left"),
                ("eBPF and the Kernel", "5 seats left"),
            ],
        ),
        (slot_heading(afternoon), [("Open Source Governance", "2 seats left")]),
        (slot_heading(day_two), [("Flash Talks", "Full Tick to join the waiting list")]),
    ]


def test_register_page_without_forums_says_so(client, conference):
    response = client.get("/register/")

    assert slots(parse(response)) == []
    assert "No forum is open for registration yet." in main_text(response)


def test_register_page_in_chinese_preselects_chinese_emails(client, conference, morning):
    response = client.get("/zh-hans/register/")

    assert typed_values(parse(response))["language"] == "zh-hans"


# --- POST: happy path ------------------------------------------------------------------------


def test_register_post_saves_registration_and_redirects_to_done(
    client, conference, afternoon, day_two, fill, form_data
):
    fill(day_two, 1)

    response = client.post(
        "/register/", form_data([afternoon, day_two], full_name="  张伟  ", newsletter="on")
    )

    assert response.status_code == 302
    assert response["Location"] == "/register/done/"
    registration = Registration.objects.get(email="li.wei@example.org")
    assert (
        registration.full_name,
        registration.organization,
        registration.job_title,
        registration.phone,
        registration.language,
        registration.newsletter,
    ) == ("张伟", "OpenAtom Foundation", "Maintainer", "+86 138 0000 0000", "en", True)
    assert registration.consent_at is not None
    assert {pick.forum.slug: pick.status for pick in registration.picks.all()} == {
        "governance": PickStatus.SEATED,
        "flash-talks": PickStatus.WAITING,
    }


def test_done_page_lists_the_forums_asked_for_and_claims_no_seat(
    client, conference, afternoon, day_two, fill, form_data
):
    fill(day_two, 1)
    client.post("/register/", form_data([day_two, afternoon]))

    response = client.get("/register/done/")

    page = parse(response)
    assert response.status_code == 200
    assert text(page.find(".//h1")) == "Check your inbox"
    assert text(page.find(".//div[@role='status']/p")) == (
        "Thank you, Li Wei. We have sent an email to li.wei@example.org."
    )
    assert done_forums(page) == ["Open Source Governance", "Flash Talks"]
    assert "Seat reserved" not in response.content.decode()
    assert "On the waiting list" not in response.content.decode()


def test_register_post_sends_confirmation_email(
    client, conference, morning, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/", form_data([morning]))

    registration = Registration.objects.get()
    assert [message.to for message in mail.outbox] == [["li.wei@example.org"]]
    assert registration.ticket_display in mail.outbox[0].subject


def test_done_page_without_registration_redirects_to_form(client, conference):
    response = client.get("/register/done/")

    assert response.status_code == 302
    assert response["Location"] == "/register/"


# --- POST: bad inputs ------------------------------------------------------------------------


def test_register_post_all_empty_shows_every_required_error(client, conference, morning):
    # Unticked boxes (forums, consent) are not sent at all.
    empty = dict.fromkeys(
        ["full_name", "email", "organization", "job_title", "phone", "language", "website"], ""
    )

    response = client.post("/register/", empty)

    page = parse(response)
    assert response.status_code == 200
    assert fields_with_errors(page) == {
        "full_name",
        "email",
        "organization",
        "job_title",
        "language",
        "forums",
        "consent",
    }
    for field in ("full_name", "email", "organization", "job_title", "language"):
        assert field_errors(page, field) == ["This field is required."]
    assert field_errors(page, "forums") == ["Pick at least one forum you will attend."]
    assert field_errors(page, "consent") == ["Please accept the privacy notice to register."]
    assert Registration.objects.count() == 0


NOT_ON_PROGRAM = "One of the forums you picked is not on this conference's program."


@pytest.mark.parametrize(
    ("overrides", "field", "errors"),
    [
        ({"full_name": "张" * 201}, "full_name",
         ["Ensure this value has at most 200 characters (it has 201)."]),
        ({"full_name": "   "}, "full_name", ["This field is required."]),
        ({"email": "a" * 243 + "@example.org"}, "email",
         ["Ensure this value has at most 254 characters (it has 255)."]),
        ({"email": "li.wei at example.org"}, "email", ["Enter a valid email address."]),
        ({"organization": "o" * 201}, "organization",
         ["Ensure this value has at most 200 characters (it has 201)."]),
        ({"forums": ["abc"]}, "forums", [NOT_ON_PROGRAM]),
        ({"forums": [FOREIGN]}, "forums", [NOT_ON_PROGRAM]),
        ({"forums": [999_999]}, "forums", [NOT_ON_PROGRAM]),
        ({"forums": []}, "forums", ["Pick at least one forum you will attend."]),
        ({"forums": ["morning", "parallel"]}, "forums",
         ["“Open Source Infrastructure” and “eBPF and the Kernel” take place at the same time: "
          "pick one of them."]),
        ({"phone": "call me maybe"}, "phone",
         ["Enter a phone number with digits, spaces, dashes and an optional leading +."]),
        ({"phone": "1" * 31}, "phone",
         ["Ensure this value has at most 30 characters (it has 31)."]),
        ({"language": "fr"}, "language",
         ["Select a valid choice. fr is not one of the available choices."]),
        ({"consent": ""}, "consent", ["Please accept the privacy notice to register."]),
    ],
    ids=[
        "name-too-long", "name-blank", "email-too-long", "email-malformed",
        "organization-too-long", "forums-not-a-number", "forums-foreign-id", "forums-unknown-id",
        "forums-none", "forums-overlapping", "phone-letters", "phone-too-long",
        "language-unknown", "consent-missing",
    ],
)  # fmt: skip
def test_register_post_bad_input_rerenders_with_error_and_typed_values(
    client,
    conference,
    morning,
    parallel,
    afternoon,
    foreign_forum,
    form_data,
    overrides,
    field,
    errors,
):
    data = {**form_data([afternoon]), **overrides}
    named = {"morning": morning.pk, "parallel": parallel.pk}
    data["forums"] = [
        foreign_forum.pk if forum is FOREIGN else named.get(forum, forum)
        for forum in data["forums"]
    ]

    response = client.post("/register/", data)

    page = parse(response)
    assert response.status_code == 200
    assert fields_with_errors(page) == {field}
    assert field_errors(page, field) == errors
    valid_ids = {str(pk) for pk in (morning.pk, parallel.pk, afternoon.pk)}
    assert typed_values(page) == {
        "full_name": data["full_name"],
        "email": data["email"],
        "organization": data["organization"],
        "job_title": data["job_title"],
        "phone": data["phone"],
        "website": "",
        "language": data["language"] if data["language"] in {"en", "zh-hans"} else None,
        "forums": sorted(str(pk) for pk in data["forums"] if str(pk) in valid_ids),
        "consent": data["consent"] == "on",
    }
    assert Registration.objects.count() == 0
    assert Email.objects.count() == 0


# --- bots, duplicates, closed window, CSRF ---------------------------------------------------


def test_register_honeypot_filled_pretends_success_and_saves_nothing(
    client, conference, morning, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/", form_data([morning], website="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == "/register/done/"
    assert done_forums(parse(client.get("/register/done/"))) == ["Open Source Infrastructure"]
    assert Registration.objects.count() == 0
    assert ForumPick.objects.count() == 0
    assert Email.objects.count() == 0
    assert mail.outbox == []


def page_without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


@pytest.mark.parametrize("seats", [5, 0], ids=["forum-with-seats", "full-forum"])
def test_register_duplicate_email_done_page_reads_like_new_email(
    conference, morning, form_data, fill, seats
):
    morning.capacity = seats
    morning.save()
    first_visitor, second_visitor = Client(), Client()
    first_visitor.post("/register/", form_data([morning]))
    new_email_page = first_visitor.get("/register/done/")

    response = second_visitor.post("/register/", form_data([morning], email="LI.WEI@example.org"))
    duplicate_page = second_visitor.get("/register/done/")

    assert response["Location"] == "/register/done/"
    assert Registration.objects.count() == 1
    assert page_without_csrf(duplicate_page) == page_without_csrf(new_email_page).replace(
        "li.wei@example.org", "LI.WEI@example.org"
    )


def test_register_at_a_full_conference_reads_the_same_for_a_registered_email(
    conference, morning, form_data, django_capture_on_commit_callbacks
):
    """No enumeration when the conference is full: both see "fully booked" (a newcomer must
    not read that they got in); the owner of the registered email gets their link by email."""
    Client().post("/register/", form_data([morning]))
    conference.capacity = 1
    conference.save()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registered = Client().post("/register/", form_data([morning], email="LI.WEI@example.org"))
        unknown = Client().post("/register/", form_data([morning], email="li.wei@example.com"))

    assert (registered.status_code, unknown.status_code) == (200, 200)
    assert page_without_csrf(registered) == page_without_csrf(unknown).replace(
        "li.wei@example.com", "LI.WEI@example.org"
    )
    assert registered.context["form"].non_field_errors() == [
        f"{conference.name} is fully booked: no more registrations are possible. If this email "
        "address is already registered, your registration stands: we have emailed you its "
        "private link."
    ]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["li.wei@example.org"], f"You are already registered for {conference.name}")
    ]
    assert Registration.objects.count() == 1


def test_done_page_copy_is_not_kept_in_the_session(client, conference, morning, form_data):
    """The done page's copy is a signed cookie in the browser: the session holds nothing."""
    client.post("/register/", form_data([morning]))

    assert "Li Wei" in client.get("/register/done/").content.decode()
    session = json.dumps(dict(client.session.items()), ensure_ascii=False).lower()
    assert ("li wei" in session, "li.wei@" in session) == (False, False)


@pytest.mark.parametrize(
    ("opens", "closes", "lead"),
    [
        (dt.timedelta(days=3), None, "Registration opens on "),
        (dt.timedelta(days=-30), dt.timedelta(days=-1), "Registration for {name} is closed."),
    ],
    ids=["opens-in-future", "closed-in-past"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_register_outside_window_shows_friendly_page_without_form(
    client, conference, morning, form_data, opens, closes, lead, method
):
    now = timezone.now()
    conference.registration_opens = now + opens
    conference.registration_closes = now + closes if closes else None
    conference.save()

    if method == "get":
        response = client.get("/register/")
    else:
        response = client.post("/register/", form_data([morning]))

    page = parse(response)
    assert response.status_code == 200
    assert text(page.find(".//h1")) == "Registration is not open"
    assert text(page.find(".//main//p[@class='lead']")).startswith(
        lead.format(name=conference.name)
    )
    assert page.find(".//input[@name='full_name']") is None
    assert with_class(page, "form", "registration-form") == []
    assert Registration.objects.count() == 0


def test_register_post_without_csrf_token_is_forbidden(conference, morning, form_data):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/register/", form_data([morning]))

    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert Registration.objects.count() == 0


def test_register_post_with_csrf_token_from_form_succeeds(conference, morning, form_data):
    browser = Client(enforce_csrf_checks=True)
    form_page = parse(browser.get("/register/"))
    (form,) = with_class(form_page, "form", "registration-form")
    token = form.find("./input[@name='csrfmiddlewaretoken']")

    response = browser.post(
        "/register/", {**form_data([morning]), "csrfmiddlewaretoken": token.get("value")}
    )

    assert response["Location"] == "/register/done/"
    assert Registration.objects.count() == 1


# --- query count -----------------------------------------------------------------------------


@pytest.mark.parametrize("picked", [1, 3], ids=["1-forum", "3-forums"])
def test_register_post_runs_fixed_number_of_queries(
    client, conference, morning, afternoon, day_two, form_data, django_assert_num_queries, picked
):
    forums = [morning, afternoon, day_two][:picked]
    data = form_data(forums)

    # No session write (the done page is a signed cookie); SAVEPOINT + RELEASE of the
    # view's outer transaction, which tells whether a failed attempt may be retried; the
    # registration questions, read once per process (registration.questions); the
    # conference's webhook endpoints, read once per process (api.webhooks).
    with django_assert_num_queries(17):
        response = client.post("/register/", data)

    assert response["Location"] == "/register/done/"
    assert Registration.objects.get().picks.count() == picked


@pytest.mark.parametrize("picked", [1, 3], ids=["1-forum", "3-forums"])
def test_register_post_after_the_form_was_shown_reads_no_program(
    client, conference, morning, afternoon, day_two, form_data, django_assert_num_queries, picked
):
    forums = [morning, afternoon, day_two][:picked]
    data = form_data(forums)
    # This process has read the program (conference and forums) and the questions; the
    # webhook endpoints (api.webhooks) are read by the first registration.
    client.get("/register/")

    with django_assert_num_queries(14):
        response = client.post("/register/", data)

    assert response["Location"] == "/register/done/"
    assert Registration.objects.get().picks.count() == picked


def test_register_accepts_a_forum_added_after_the_form_was_shown(
    client, conference, morning, form_data
):
    client.get("/register/")
    added = ForumFactory(conference=conference, title="Added Late", day=2)

    response = client.post("/register/", form_data([added]))

    assert response["Location"] == "/register/done/"
    assert list(Registration.objects.get().picks.values_list("forum__title", flat=True)) == [
        "Added Late"
    ]


def test_register_refuses_a_forum_deleted_after_the_form_was_shown(
    client, conference, morning, afternoon, form_data
):
    client.get("/register/")
    data = form_data([afternoon])
    afternoon.delete()

    page = parse(client.post("/register/", data))

    assert field_errors(page, "forums") == [NOT_ON_PROGRAM]
    assert Registration.objects.count() == 0


def test_a_forums_register_button_ticks_that_forum(client, conference, morning):
    page = client.get(reverse("registration:register") + f"?forum={morning.slug}")

    assert page.context["form"].initial["forums"] == [morning.pk]
    assert f'id="id_forums_{morning.pk}" checked' in page.content.decode()


@pytest.mark.parametrize("slug", ["no-such-forum", "x" * 5000, "%00", "'; DROP TABLE"])
def test_an_unknown_forum_ticks_nothing(client, conference, morning, slug):
    page = client.get(reverse("registration:register"), {"forum": slug})

    assert page.status_code == 200
    assert page.context["form"].initial["forums"] == []

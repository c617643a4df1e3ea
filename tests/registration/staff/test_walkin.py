"""Walk-in registration at the desk (/staff/walkin/): the public form's rules through the
same service, a ticket to show or print right away, and never a 500 on bad input."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from post_office.models import Email

from registration import services
from registration.enums import PickStatus
from registration.models import Registration
from registration.roles import DESK
from registration.staff import walkin
from tests.factories import ForumFactory, RegistrationFactory
from tests.pages import field_errors, fields_with_errors, main_text, parse, text, with_class

pytestmark = pytest.mark.django_db

URL = "/staff/walkin/"
FOREIGN = object()  # stands for the id of a forum of another conference
NOT_ON_PROGRAM = "One of the forums you picked is not on this conference's program."


@pytest.fixture
def walkin_data(form_data):
    """The walk-in form as the desk's browser posts it (no honeypot)."""

    def build(forums, **overrides) -> dict:
        data = form_data(
            forums, **{"email": "walk.in@example.org", "full_name": "王小明", **overrides}
        )
        data.pop("website")
        return data

    return build


def walkin_form(page):
    forms = with_class(page, "form", "walkin-form")
    return forms[0] if forms else None


# --- the form ----------------------------------------------------------------------------------


def test_walkin_page_offers_the_public_form_worded_for_the_desk(desk_client, conference, morning):
    response = desk_client.get(URL)

    page = parse(response)
    form = walkin_form(page)
    assert response.status_code == 200
    names = {el.get("name") for el in form.iter("input")} | {
        el.get("name") for el in form.iter("select")
    }
    assert names >= {
        "full_name",
        "email",
        "organization",
        "job_title",
        "phone",
        "language",
        "forums",
        "consent",
    }
    assert "website" not in names
    consent = text(page.find(".//label[@for='id_consent']"))
    assert consent.startswith("The attendee has read and accepted the privacy notice.")
    nav = [text(a) for a in page.iter("a") if "nav-link" in (a.get("class") or "")]
    assert "Walk-in" in nav


def test_dashboard_and_nav_link_to_walkin(desk_client, conference):
    response = desk_client.get(reverse("staff:dashboard"))

    links = [a.get("href") for a in parse(response).iter("a")]
    assert links.count(URL) == 2  # the tab and the button


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("plain", 302), ("desk", 200), ("organizer", 200), ("superuser", 200)],
)
def test_walkin_needs_the_desk_permission(client_for, conference, role, status):
    response = client_for(role).get(URL)

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/admin/login/")


def test_staff_without_the_check_in_permission_get_403(db, django_user_model, conference):
    user = django_user_model.objects.create_user(username="intern", password="pw", is_staff=True)
    client = Client()
    client.force_login(user)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {}).status_code == 403
    assert Registration.objects.count() == 0


# --- registering -------------------------------------------------------------------------------


def test_walkin_registers_through_the_service_and_shows_the_ticket(
    desk_client, conference, morning, afternoon, walkin_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = desk_client.post(URL, walkin_data([morning, afternoon], phone=""))

    registration = Registration.objects.get()
    ticket_url = reverse("staff:walkin-ticket", args=[registration.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{ticket_url}?registered=1"
    assert (registration.full_name, registration.email, registration.phone) == (
        "王小明",
        "walk.in@example.org",
        "",
    )
    assert registration.consent_at is not None
    assert sorted(registration.picks.values_list("forum__title", "status")) == [
        ("Open Source Governance", PickStatus.SEATED),
        ("Open Source Infrastructure", PickStatus.SEATED),
    ]
    # The confirmation email goes out as online.
    assert [message.to for message in mail.outbox] == [["walk.in@example.org"]]
    assert registration.ticket_display in mail.outbox[0].subject

    ticket = desk_client.get(response["Location"])

    page = parse(ticket)
    assert ticket.status_code == 200
    assert text(page.find(".//*[@id='ticket-code']")) == registration.ticket_display
    assert page.find(".//div[@class='qr mx-auto']/{http://www.w3.org/2000/svg}svg") is not None
    assert "王小明 is registered" in text(page.find(".//*[@id='walkin-registered']"))
    forums = [text(li) for li in with_class(page, "ul", "ticket-forums")[0].iter("li")]
    assert [f.split(" Sat ")[0].split(" Sun ")[0] for f in forums] == [
        "Open Source Infrastructure",
        "Open Source Governance",
    ]
    assert all(f.endswith("Seat reserved") for f in forums)
    buttons = [text(b) for b in page.iter("button")]
    assert "Print ticket" in buttons and "Check in now" in buttons
    (checkin_form,) = [f for f in page.iter("form") if f.get("action") == "/staff/checkin/"]
    hidden = {i.get("name"): i.get("value") for i in checkin_form.iter("input")}
    assert hidden["code"] == registration.ticket_code


def test_walkin_check_in_now_checks_the_new_attendee_in(
    desk_client, conference, morning, walkin_data
):
    desk_client.post(URL, walkin_data([morning]))
    registration = Registration.objects.get()

    response = desk_client.post(
        "/staff/checkin/", {"code": registration.ticket_code, "conference": conference.slug}
    )

    registration.refresh_from_db()
    assert response.status_code == 200
    assert registration.checked_in_at is not None
    page = parse(desk_client.get(reverse("staff:walkin-ticket", args=[registration.pk])))
    assert page.find(".//*[@id='walkin-checked-in']") is not None
    assert "Check in now" not in [text(b) for b in page.iter("button")]


def test_walkin_for_a_full_forum_joins_its_waiting_list_like_online(
    desk_client, conference, afternoon, fill, walkin_data
):
    fill(afternoon, 2)  # two seats, both taken

    get = parse(desk_client.get(URL))
    status = text(get.find(f".//*[@id='forum-status-{afternoon.pk}']"))
    assert status == "Full Tick to join the waiting list"

    response = desk_client.post(URL, walkin_data([afternoon]))

    pick = Registration.objects.get(email="walk.in@example.org").picks.get()
    assert response.status_code == 302
    assert pick.status == PickStatus.WAITING
    ticket = main_text(desk_client.get(response["Location"]))
    assert "Waiting list: number 1" in ticket


def test_walkin_stops_when_the_conference_is_full(desk_client, conference, morning, walkin_data):
    conference.capacity = 1
    conference.save()
    RegistrationFactory(conference=conference)

    response = desk_client.get(URL)

    assert response.status_code == 200
    assert walkin_form(parse(response)) is None
    assert "is fully booked: no more registrations, walk-ins included." in main_text(response)

    posted = desk_client.post(URL, walkin_data([morning]))

    assert posted.status_code == 200
    assert walkin_form(parse(posted)) is None
    assert Registration.objects.count() == 1
    assert Email.objects.count() == 0


def test_walkin_shows_places_left_at_a_conference_with_a_capacity(desk_client, conference):
    conference.capacity = 3
    conference.save()
    RegistrationFactory(conference=conference)

    page = parse(desk_client.get(URL))

    assert text(page.find(".//*[@id='seats-left']")) == "2 places left at the conference"


def test_walkin_when_the_service_finds_the_conference_full_says_so(
    desk_client, conference, morning, walkin_data, monkeypatch
):
    def full(**kwargs):
        raise services.ConferenceFull("full")

    monkeypatch.setattr(walkin.services, "register", full)

    response = desk_client.post(URL, walkin_data([morning]))

    assert response.status_code == 409
    assert "fully booked" in main_text(response)


def test_walkin_outside_the_window_offers_no_form(desk_client, conference, morning, walkin_data):
    conference.registration_closes = timezone.now()
    conference.save()

    for response in (desk_client.get(URL), desk_client.post(URL, walkin_data([morning]))):
        assert response.status_code == 200
        assert walkin_form(parse(response)) is None
        assert "is closed: no walk-in registrations." in main_text(response)
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("typed", ["walk.in@example.org", "  WALK.IN@Example.org "])
def test_walkin_with_a_registered_email_links_to_check_in(
    desk_client, conference, morning, walkin_data, typed, django_capture_on_commit_callbacks
):
    RegistrationFactory(conference=conference, email="walk.in@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = desk_client.post(URL, walkin_data([morning], email=typed))

    page = parse(response)
    assert response.status_code == 200
    assert fields_with_errors(page) == {"email"}
    (message,) = field_errors(page, "email")
    assert "is already registered for this conference. Find them at check-in" in message
    error = page.find(".//div[@id='id_email_error']")
    links = [a.get("href") for a in error.iter("a")]
    assert links[0].lower() == "/staff/checkin/?q=walk.in%40example.org"
    assert Registration.objects.count() == 1
    assert mail.outbox == []


def test_walkin_with_an_email_registered_at_the_same_instant_says_so(
    desk_client, conference, morning, walkin_data, monkeypatch
):
    monkeypatch.setattr(
        walkin.services, "register", lambda **kwargs: services.RegistrationOutcome(None)
    )

    response = desk_client.post(URL, walkin_data([morning]))

    assert response.status_code == 200
    assert fields_with_errors(parse(response)) == {"email"}


def test_walkin_of_a_cancelled_email_brings_it_back(desk_client, conference, morning, walkin_data):
    old = RegistrationFactory(
        conference=conference, email="walk.in@example.org", status="cancelled"
    )

    response = desk_client.post(URL, walkin_data([morning]))

    old.refresh_from_db()
    assert response.status_code == 302
    assert old.is_active
    assert Registration.objects.count() == 1


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"full_name": "张" * 201}, "full_name"),
        ({"full_name": "   "}, "full_name"),
        ({"full_name": "Li\x00Wei"}, "full_name"),
        ({"email": "a" * 243 + "@example.org"}, "email"),
        ({"email": "li.wei at example.org"}, "email"),
        ({"email": ""}, "email"),
        ({"organization": "o" * 201}, "organization"),
        ({"organization": ""}, "organization"),
        ({"job_title": "j" * 201}, "job_title"),
        ({"job_title": "Dev\x07"}, "job_title"),
        ({"phone": "call me maybe"}, "phone"),
        ({"phone": "1" * 31}, "phone"),
        ({"language": "fr"}, "language"),
        ({"language": ""}, "language"),
        ({"forums": ["abc"]}, "forums"),
        ({"forums": [FOREIGN]}, "forums"),
        ({"forums": [999_999]}, "forums"),
        ({"forums": [str(2**64)]}, "forums"),
        ({"forums": ["-1"]}, "forums"),
        ({"forums": ["١٢"]}, "forums"),
        ({"forums": []}, "forums"),
        ({"forums": ["morning", "parallel"]}, "forums"),
        ({"consent": ""}, "consent"),
    ],
    ids=[
        "name-too-long", "name-blank", "name-control-character", "email-too-long",
        "email-malformed", "email-missing", "organization-too-long", "organization-missing",
        "job-title-too-long", "job-title-control-character", "phone-letters", "phone-too-long",
        "language-unknown", "language-missing", "forums-not-a-number", "forums-other-conference",
        "forums-unknown-id", "forums-huge-id", "forums-negative", "forums-arabic-digits",
        "forums-none", "forums-overlapping", "consent-missing",
    ],
)  # fmt: skip
def test_walkin_bad_input_is_a_form_error(
    desk_client, conference, morning, parallel, foreign_forum, walkin_data, overrides, field
):
    data = {**walkin_data([morning]), **overrides}
    named = {"morning": morning.pk, "parallel": parallel.pk}
    data["forums"] = [
        foreign_forum.pk if forum is FOREIGN else named.get(forum, forum)
        for forum in data["forums"]
    ]

    response = desk_client.post(URL, data)

    page = parse(response)
    assert response.status_code == 200
    assert fields_with_errors(page) == {field}
    assert field_errors(page, field) != []
    if field == "forums" and overrides["forums"] and overrides["forums"][0] != "morning":
        assert field_errors(page, field) == [NOT_ON_PROGRAM]
    if field == "consent":
        assert field_errors(page, field) == [
            "Confirm that the attendee accepted the privacy notice."
        ]
    assert Registration.objects.count() == 0
    assert Email.objects.count() == 0


def test_walkin_with_everything_missing_lists_every_required_field(desk_client, conference):
    response = desk_client.post(URL, {})

    assert response.status_code == 200
    assert fields_with_errors(parse(response)) == {
        "full_name",
        "email",
        "organization",
        "job_title",
        "language",
        "forums",
        "consent",
    }


def test_walkin_refuses_a_forum_of_another_conference_at_the_service_too(
    conference, morning, foreign_forum, attendee_data
):
    # The form never lets it through (above); the service it calls refuses it on its own.
    with pytest.raises(services.InvalidPick):
        services.register(conference=conference, data=attendee_data(), forums=[foreign_forum])


def test_walkin_reports_a_rule_the_service_applies_next_to_the_forums(
    desk_client, conference, morning, walkin_data, monkeypatch
):
    def gone(**kwargs):
        raise services.InvalidPick("“Open Source Infrastructure” is no longer on the program.")

    monkeypatch.setattr(walkin.services, "register", gone)

    response = desk_client.post(URL, walkin_data([morning]))

    assert response.status_code == 200
    assert field_errors(parse(response), "forums") == [
        "“Open Source Infrastructure” is no longer on the program."
    ]


@pytest.mark.parametrize(
    ("query", "status"),
    [("?conference=../../etc", 404), ("?conference=nope", 404), ("?conference=" + "x" * 80, 404)],
)
def test_walkin_with_a_tampered_conference_is_not_found(desk_client, conference, query, status):
    assert desk_client.get(URL + query).status_code == status
    assert desk_client.post(URL + query, {}).status_code == status


def test_walkin_for_a_published_past_edition_by_slug_is_closed(
    desk_client, conference, other_conference, walkin_data, foreign_forum
):
    other_conference.registration_closes = timezone.now()
    other_conference.save()

    response = desk_client.post(
        f"{URL}?conference={other_conference.slug}", walkin_data([foreign_forum])
    )

    assert response.status_code == 200
    assert "is closed" in main_text(response)
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("registration_id", ["999999", str(2**63), str(2**70)])
def test_ticket_of_an_unknown_registration_is_not_found(desk_client, conference, registration_id):
    assert desk_client.get(f"{URL}{registration_id}/").status_code == 404


def test_ticket_page_needs_the_desk_permission(client_for, conference):
    registration = RegistrationFactory(conference=conference)
    url = reverse("staff:walkin-ticket", args=[registration.pk])

    assert client_for("anonymous").get(url).status_code == 302
    assert client_for("desk").get(url).status_code == 200


def test_ticket_page_of_a_cancelled_registration_says_so(desk_client, conference):
    registration = RegistrationFactory(conference=conference, status="cancelled")

    response = desk_client.get(reverse("staff:walkin-ticket", args=[registration.pk]))

    assert "This registration is cancelled." in main_text(response)
    assert "Check in now" not in main_text(response)


def test_desk_group_has_the_permission_walkin_needs(db):
    desk = Group.objects.get(name=DESK)
    assert desk.permissions.filter(codename="check_in").exists()


def test_walkin_forum_picks_of_a_forum_added_later_are_offered(desk_client, conference, morning):
    late = ForumFactory(conference=conference, title="Late Addition", day=2)

    page = parse(desk_client.get(URL))

    assert page.find(f".//input[@id='id_forums_{late.pk}']") is not None


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_walkin_pages_and_dashboard_are_valid_html5(
    desk_client, conference, morning, walkin_data, prefix
):
    from tests.test_html_valid import strict_parse_error

    desk_client.post(URL, walkin_data([morning]))
    registration = Registration.objects.get()
    invalid = desk_client.post(prefix + URL, walkin_data([morning], email="bad"))
    pages = [
        desk_client.get(prefix + URL),
        invalid,
        desk_client.get(prefix + reverse("staff:walkin-ticket", args=[registration.pk])),
        desk_client.get(prefix + reverse("staff:dashboard")),
    ]

    assert [strict_parse_error(page.content.decode()) for page in pages] == [None] * 4

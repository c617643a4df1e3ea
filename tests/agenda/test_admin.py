"""Admin smoke tests: what organizers do with the program in /admin/."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from agenda.models import Conference, Forum, Room, Speaker, Talk
from tests.factories import (
    ConferenceFactory,
    ForumFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
)

pytestmark = pytest.mark.django_db


# --- Form data as the admin's add/change forms post it ---------------------------------------


def inline(prefix: str, total: int = 0) -> dict[str, str]:
    """The management form of an inline formset with ``total`` new rows."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def field_name(form, name: str) -> str:
    """The form's name for a model field: translated fields show per language (``name_en``)."""
    return name if name in form.fields or f"{name}_en" not in form.fields else f"{name}_en"


def submit(client, url: str, values: dict[str, str]):
    """Post ``values`` to the admin form at ``url`` the way a browser would.

    The page is read first: translated fields get their English input (``title`` is posted
    as ``title_en``) and every inline the page shows, including those other apps add
    (registration's waiting list on forums), gets a management form with no rows unless
    ``values`` says otherwise.
    """
    form_page = client.get(url)
    form = form_page.context["adminform"].form
    data: dict[str, str] = {}
    for inline_formset in form_page.context["inline_admin_formsets"]:
        data.update(inline(inline_formset.formset.prefix))
    data.update({field_name(form, key): value for key, value in values.items()})
    return client.post(url, data)


def split(name: str, value: dt.datetime | None) -> dict[str, str]:
    """A datetime as the admin's split date/time widget posts it (in the server's time zone)."""
    if value is None:
        return {f"{name}_0": "", f"{name}_1": ""}
    local = timezone.localtime(value)
    return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}


def conference_data(conference: Conference) -> dict[str, str]:
    data = {
        "name": conference.name,
        "slug": conference.slug,
        "tagline": conference.tagline,
        "description": conference.description,
        "start_date": conference.start_date.isoformat(),
        "end_date": conference.end_date.isoformat(),
        "time_zone": conference.time_zone,
        "venue": conference.venue,
        "address": conference.address,
        "capacity": "" if conference.capacity is None else str(conference.capacity),
        **split("registration_opens", conference.registration_opens),
        **split("registration_closes", conference.registration_closes),
    }
    if conference.is_published:
        data["is_published"] = "on"
    return data


def room_data(room: Room) -> dict[str, str]:
    return {
        "conference": str(room.conference_id),
        "name": room.name,
        "seats": str(room.seats),
        "position": str(room.position),
    }


def forum_data(forum: Forum) -> dict[str, str]:
    return {
        "conference": str(forum.conference_id),
        "title": forum.title,
        "slug": forum.slug,
        "kind": forum.kind,
        "description": forum.description,
        "host": forum.host,
        "room": str(forum.room_id),
        **split("starts_at", forum.starts_at),
        **split("ends_at", forum.ends_at),
        "capacity": "" if forum.capacity is None else str(forum.capacity),
        "position": str(forum.position),
    }


def talk_data(talk: Talk) -> dict[str, str]:
    return {
        "forum": str(talk.forum_id),
        "title": talk.title,
        "slug": talk.slug,
        "kind": talk.kind,
        "abstract": talk.abstract,
        **split("starts_at", talk.starts_at),
        **split("ends_at", talk.ends_at),
    }


def speaker_data(speaker: Speaker) -> dict[str, str]:
    return {
        "conference": str(speaker.conference_id),
        "name": speaker.name,
        "slug": speaker.slug,
        "job_title": speaker.job_title,
        "organization": speaker.organization,
        "bio": speaker.bio,
        "website": speaker.website,
        "github": speaker.github,
    }


@dataclass
class AdminCase:
    model: type[models.Model]
    create: Callable[..., models.Model]  # a saved object; keyword arguments go to the factory
    build: Callable[[], models.Model]  # an unsaved, valid object (its relations saved)
    form_data: Callable[[models.Model], dict[str, str]]
    search_field: str  # an attribute the changelist search matches
    change: tuple[str, str, object]  # field, posted value, value read back

    def url(self, action: str, *args) -> str:
        return reverse(f"admin:agenda_{self.model._meta.model_name}_{action}", args=args)


def _build_forum() -> Forum:
    conference = ConferenceFactory()
    return ForumFactory.build(conference=conference, room=RoomFactory(conference=conference))


CASES = [
    AdminCase(
        Conference,
        ConferenceFactory,
        ConferenceFactory.build,
        conference_data,
        "name",
        ("venue", "Shanghai Expo Center", "Shanghai Expo Center"),
    ),
    AdminCase(
        Room,
        RoomFactory,
        lambda: RoomFactory.build(conference=ConferenceFactory()),
        room_data,
        "name",
        ("seats", "250", 250),
    ),
    AdminCase(
        Forum,
        ForumFactory,
        _build_forum,
        forum_data,
        "title",
        ("title", "Cloud Native", "Cloud Native"),
    ),
    AdminCase(
        Talk,
        TalkFactory,
        lambda: TalkFactory.build(forum=ForumFactory()),
        talk_data,
        "title",
        ("abstract", "Kernels, revisited.", "Kernels, revisited."),
    ),
    AdminCase(
        Speaker,
        SpeakerFactory,
        lambda: SpeakerFactory.build(conference=ConferenceFactory()),
        speaker_data,
        "name",
        ("organization", "Baidu", "Baidu"),
    ),
]
CASE_IDS = [case.model._meta.model_name for case in CASES]
with_public_page = pytest.mark.parametrize(
    "case", [case for case in CASES if case.model is not Room], ids=lambda case: case.model.__name__
)
every_model = pytest.mark.parametrize("case", CASES, ids=CASE_IDS)


def listed(response) -> list[str]:
    """The rows of an admin changelist, as their titles."""
    return [str(obj) for obj in response.context["cl"].result_list]


# --- Smoke tests per model ------------------------------------------------------------------


@every_model
def test_admin_changelist_lists_objects(admin_client, case):
    objects = [case.create() for _ in range(3)]

    response = admin_client.get(case.url("changelist"))

    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(str(obj) for obj in objects)


@every_model
def test_admin_changelist_search_finds_only_matches(admin_client, case):
    wanted = case.create(**{case.search_field: "Zhangjiang Quokka"})
    case.create()

    response = admin_client.get(case.url("changelist"), {"q": "quokka"})

    assert response.status_code == 200
    assert listed(response) == [str(wanted)]


@every_model
def test_admin_search_of_a_pasted_paragraph_uses_its_first_ten_words(admin_client, case):
    wanted = case.create(**{case.search_field: "Zhangjiang Quokka"})
    case.create()

    response = admin_client.get(case.url("changelist"), {"q": "quokka " * 500})

    assert listed(response) == [str(wanted)]
    assert [str(m) for m in response.context["messages"]] == [
        "Only the first 10 words of the search were used."
    ]


@every_model
def test_admin_add_form_renders(admin_client, case):
    response = admin_client.get(case.url("add"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {}
    assert b'name="_save"' in response.content


@every_model
def test_admin_add_creates_object(admin_client, case):
    new = case.build()

    response = submit(admin_client, case.url("add"), case.form_data(new))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == case.url("changelist")
    assert list(case.model.objects.values_list(case.search_field, flat=True)) == [
        getattr(new, case.search_field)
    ]


@every_model
def test_admin_change_form_shows_object(admin_client, case):
    obj = case.create()

    response = admin_client.get(case.url("change", obj.pk))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.initial[field_name(form, case.search_field)] == getattr(obj, case.search_field)


@every_model
def test_admin_change_saves_edit(admin_client, case):
    obj = case.create()
    field, posted, expected = case.change

    response = submit(
        admin_client, case.url("change", obj.pk), {**case.form_data(obj), field: posted}
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    obj.refresh_from_db()
    assert getattr(obj, field) == expected


# --- Links to the public site ---------------------------------------------------------------


@with_public_page
def test_admin_changelist_links_to_public_page(admin_client, case):
    obj = case.create()

    response = admin_client.get(case.url("changelist"))

    link = f'<a href="{obj.get_absolute_url()}" target="_blank" rel="noopener">view</a>'
    assert link in response.content.decode()


@with_public_page
def test_admin_view_on_site_leads_to_public_page(admin_client, case):
    obj = case.create()
    change_form = admin_client.get(case.url("change", obj.pk))
    view_on_site = reverse(
        "admin:view_on_site", args=[change_form.context["content_type_id"], obj.pk]
    )

    response = admin_client.get(view_on_site, follow=True)

    assert f'href="{view_on_site}" class="viewsitelink"' in change_form.content.decode()
    assert response.redirect_chain[-1][0].endswith(obj.get_absolute_url())
    assert response.status_code == 200
    assert str(obj) in response.content.decode()


# --- Validation errors reach the organizer --------------------------------------------------


def test_admin_forum_overlapping_room_shows_error_instead_of_saving(admin_client):
    booked = ForumFactory(title="eBPF")
    clash = ForumFactory.build(
        conference=booked.conference, room=booked.room, title="Web3", slug="web3"
    )

    response = submit(admin_client, reverse("admin:agenda_forum_add"), forum_data(clash))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "room": [f"{booked.room.name} already hosts “eBPF” at that time."]
    }
    assert f"{booked.room.name} already hosts “eBPF” at that time." in response.content.decode()
    assert list(Forum.objects.values_list("title", flat=True)) == ["eBPF"]


def test_admin_talk_outside_forum_shows_error_instead_of_saving(admin_client):
    forum = ForumFactory(start=dt.time(9, 0), duration=dt.timedelta(hours=3))
    late = TalkFactory.build(forum=forum, offset=dt.timedelta(hours=3))

    response = submit(admin_client, reverse("admin:agenda_talk_add"), talk_data(late))

    assert response.status_code == 200
    message = f"A talk must lie inside its forum ({forum.conference.start_date} 09:00–12:00)."
    assert response.context["adminform"].form.errors == {"starts_at": [message]}
    assert Talk.objects.count() == 0


def test_admin_talk_add_with_speakers_keeps_their_order(admin_client):
    forum = ForumFactory()
    first, second = SpeakerFactory.create_batch(2, conference=forum.conference)
    talk = TalkFactory.build(forum=forum)
    values = {
        **talk_data(talk),
        **inline("talkspeaker_set", total=2),
        "talkspeaker_set-0-speaker": str(second.pk),
        "talkspeaker_set-0-position": "0",
        "talkspeaker_set-1-speaker": str(first.pk),
        "talkspeaker_set-1-position": "1",
    }

    response = submit(admin_client, reverse("admin:agenda_talk_add"), values)

    assert response.status_code == 302
    saved = Talk.objects.get()
    assert saved.conference == forum.conference
    assert saved.ordered_speakers == [second, first]

"""Draft forums and talks: on no public page or feed, never offered for registration; the
organizers who may preview (agenda.views.may_preview) see them."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from agenda.models import Forum, Talk
from registration.models import Registration
from tests.factories import ForumFactory, SpeakerFactory, TalkFactory, TalkSpeakerFactory

pytestmark = pytest.mark.django_db

SECRET = ["Secret Forum", "Hidden Keynote", "Unannounced Talk", "secret-forum", "hidden-keynote"]


@pytest.fixture
def drafts(conference):
    """A published forum with a published and a draft talk, and a draft forum whose own talk
    is published (hidden with its forum). One speaker gives a public and a hidden talk."""
    public = ForumFactory(conference=conference, title="Open Forum", slug="open", capacity=5)
    draft = ForumFactory(
        conference=conference,
        title="Secret Forum",
        slug="secret-forum",
        start=dt.time(14),
        capacity=5,
        is_published=False,
    )
    shown = TalkFactory(forum=public, title="Shown Talk", slug="shown")
    unannounced = TalkFactory(
        forum=public,
        title="Unannounced Talk",
        slug="unannounced",
        offset=dt.timedelta(hours=1),
        is_published=False,
    )
    keynote = TalkFactory(forum=draft, title="Hidden Keynote", slug="hidden-keynote")
    speaker = SpeakerFactory(conference=conference, name="Ada Speaker", slug="ada")
    for talk in (shown, unannounced, keynote):
        TalkSpeakerFactory(talk=talk, speaker=speaker)
    return {"public": public, "draft": draft, "unannounced": unannounced, "keynote": keynote}


def edition(conference, path: str) -> str:
    return f"/editions/{conference.slug}{path}"


LISTS = [
    "/",
    "/agenda/",
    "/agenda/?kind=topic",
    "/agenda/speakers/",
    "/agenda/speakers/ada/",
    "/agenda.ics",
    "/agenda.json",
    "/schedule.xml",
    "/schedule.json",
    "/agenda/forums/open/",
    "/agenda/forums/open.ics",
    "/zh-hans/agenda/",
    "/register/",
]
DETAILS = [
    "/agenda/forums/secret-forum/",
    "/agenda/forums/secret-forum.ics",
    "/agenda/talks/hidden-keynote/",
    "/agenda/talks/hidden-keynote.ics",
    "/agenda/talks/unannounced/",
    "/agenda/talks/unannounced.ics",
]


@pytest.mark.parametrize("path", LISTS)
def test_drafts_are_on_no_public_page_or_feed(client, drafts, path):
    response = client.get(path)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Shown Talk" in body or path in {"/register/", "/agenda/speakers/"} or "Open" in body
    for secret in SECRET:
        assert secret not in body, f"{secret!r} on {path}"


@pytest.mark.parametrize("path", LISTS[:-1])
def test_drafts_are_on_no_edition_page_either(client, conference, drafts, path):
    if path.startswith("/zh-hans/"):
        path = path.removeprefix("/zh-hans")
    body = client.get(edition(conference, path)).content.decode()

    for secret in SECRET:
        assert secret not in body


@pytest.mark.parametrize("path", DETAILS)
def test_a_draft_has_no_page_of_its_own(client, conference, drafts, path):
    assert client.get(path).status_code == 404
    assert client.get(edition(conference, path)).status_code == 404


def test_the_public_forum_and_talk_stay(client, drafts):
    assert client.get("/agenda/forums/open/").status_code == 200
    assert client.get("/agenda/talks/shown/").status_code == 200


def test_organizers_preview_drafts(admin_client, drafts):
    agenda = admin_client.get("/agenda/").content.decode()
    assert "Secret Forum" in agenda and "Unannounced Talk" in agenda
    assert "Hidden Keynote" in admin_client.get("/agenda/speakers/ada/").content.decode()
    assert "Secret Forum" in admin_client.get("/").content.decode()
    for path in ["/agenda/forums/secret-forum/", "/agenda/talks/unannounced/"]:
        assert admin_client.get(path).status_code == 200


def test_feeds_stay_without_drafts_even_for_organizers(admin_client, drafts):
    for path in ["/agenda.ics", "/agenda.json", "/schedule.json"]:
        body = admin_client.get(path).content.decode()
        assert "Secret Forum" not in body and "Unannounced Talk" not in body
    assert admin_client.get("/agenda/forums/secret-forum.ics").status_code == 404


def test_the_desk_sees_what_the_public_sees(client, django_user_model, drafts):
    desk = django_user_model.objects.create_user("desk", password="x", is_staff=True)
    desk.user_permissions.add(Permission.objects.get(codename="view_forum"))
    client.force_login(desk)

    assert "Secret Forum" not in client.get("/agenda/").content.decode()
    assert client.get("/agenda/forums/secret-forum/").status_code == 404


def registration_data(forums) -> dict:
    return {
        "full_name": "Li Wei",
        "email": "li.wei@example.org",
        "organization": "OpenAtom Foundation",
        "job_title": "Maintainer",
        "phone": "+86 138 0000 0000",
        "language": "en",
        "forums": [forum.pk for forum in forums],
        "consent": "on",
        "website": "",
    }


def test_a_draft_forum_cannot_be_registered_for(client, drafts):
    response = client.post("/register/", registration_data([drafts["public"], drafts["draft"]]))

    assert response.status_code == 200
    assert "is not on this conference" in response.content.decode()
    assert not Registration.objects.exists()


def test_the_published_forum_can_still_be_registered_for(client, drafts):
    response = client.post("/register/", registration_data([drafts["public"]]))

    assert response.status_code == 302
    assert Registration.objects.get().picks.get().forum == drafts["public"]


def test_publishing_a_forum_shows_it(client, drafts, django_capture_on_commit_callbacks):
    assert "Secret Forum" not in client.get("/agenda/").content.decode()

    forum = drafts["draft"]
    forum.is_published = True
    with django_capture_on_commit_callbacks(execute=True):
        forum.save()  # the program version is bumped on commit: cached pages are stale

    assert "Secret Forum" in client.get("/agenda/").content.decode()
    assert client.get("/agenda/forums/secret-forum/").status_code == 200


def test_existing_and_factory_rows_are_published_by_default(conference):
    forum = ForumFactory(conference=conference)
    assert forum.is_published
    assert TalkFactory(forum=forum).is_published
    assert Forum._meta.get_field("is_published").default is True
    assert Talk._meta.get_field("is_published").default is True


def test_the_admin_starts_a_new_forum_or_talk_as_a_draft(admin_client, conference):
    for path in ["/admin/agenda/forum/add/", "/admin/agenda/talk/add/"]:
        page = admin_client.get(path).content.decode()
        assert 'name="is_published"' in page
        assert 'name="is_published" id="id_is_published" checked' not in page


def test_the_admin_lists_show_drafts(admin_client, drafts):
    forums = admin_client.get("/admin/agenda/forum/?is_published__exact=0").content.decode()
    talks = admin_client.get("/admin/agenda/talk/?is_published__exact=0").content.decode()

    assert "Secret Forum" in forums and "Open Forum" not in forums
    assert "Unannounced Talk" in talks and "Shown Talk" not in talks


def test_a_forum_made_a_draft_after_it_was_picked_stays_on_the_attendees_form(conference):
    from registration import services
    from registration.forms import ChangePicksForm

    picked = ForumFactory(conference=conference, title="Picked Forum", capacity=5)
    other = ForumFactory(conference=conference, title="Other Draft", start=dt.time(14))
    data = registration_data([])
    del data["forums"], data["consent"], data["website"]
    outcome = services.register(conference=conference, data=data, forums=[picked])
    registration = outcome.registration
    Forum.objects.filter(pk__in=[picked.pk, other.pk]).update(is_published=False)

    form = ChangePicksForm(registration=registration)
    assert [forum.pk for forum in form.fields["forums"].queryset] == [picked.pk]
    assert ChangePicksForm(registration=registration, data={"forums": [picked.pk]}).is_valid()
    refused = ChangePicksForm(registration=registration, data={"forums": [other.pk]})
    assert not refused.is_valid()

"""Staff never reach an attendee's private link through the admin: no "view on site", no link
on the change page, and the registration list filters only by what it declares (no regex
bisection of a column, and a malformed lookup is a plain 400, never a server error)."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from registration.models import Registration
from registration.roles import DESK, ORGANIZERS
from tests.pages import parse
from tests.registration.admin.acting import REGISTRATIONS
from tests.registration.staff.reading import changelist_column

pytestmark = pytest.mark.django_db

ROLES = ["desk", "organizer", "superuser"]


@pytest.fixture
def staff(django_user_model):
    """``staff(role)``: a client logged in as a new desk member, organizer or superuser."""

    def build(role: str) -> Client:
        if role == "superuser":
            user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
        else:
            user = django_user_model.objects.create_user(role, f"{role}@example.org", "pw")
            user.is_staff = True
            user.save()
            user.groups.add(Group.objects.get(name={"desk": DESK, "organizer": ORGANIZERS}[role]))
        client = Client()
        client.force_login(user)
        return client

    return build


def secrets_of(registration: Registration) -> list[str]:
    return [
        registration.manage_token,
        registration.calendar_token,
        registration.manage_token_hash,
        registration.calendar_token_hash,
        registration.manage_nonce,
        registration.calendar_nonce,
    ]


# --- the change page and "view on site" -------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_registration_change_page_shows_no_private_link(staff, attendees, role):
    zoe = attendees.zoe
    url = reverse("admin:registration_registration_change", args=[zoe.pk])

    response = staff(role).get(url)

    body = response.content.decode()
    assert response.status_code == 200
    assert [secret for secret in secrets_of(zoe) if secret in body] == []
    links = [a.get("href") or "" for a in parse(response).iter("a")]
    assert [link for link in links if "/r/" in link or "/calendar/" in link] == []
    assert "viewsitelink" not in body


@pytest.mark.parametrize("role", ROLES)
def test_admin_view_on_site_never_leads_to_the_private_page(staff, attendees, role):
    content_type = ContentType.objects.get_for_model(Registration)
    shortcut = reverse("admin:view_on_site", args=[content_type.pk, attendees.zoe.pk])

    response = staff(role).get(shortcut)

    assert response.status_code == 404
    assert attendees.zoe.manage_token not in response.get("Location", "")


# --- only declared lookups ------------------------------------------------------------------

UNDECLARED = [
    {"manage_token__regex": "("},
    {"manage_token__regex": "^a"},
    {"email": "zoe.obrien@example.org", "manage_token__regex": "^a"},
    {"manage_token_hash__regex": "("},
    {"email": "zoe.obrien@example.org", "manage_token_hash__startswith": "a"},
    {"calendar_nonce__regex": "^a"},
    {"email__regex": "^zoe"},
    {"email": "zoe.obrien@example.org"},
    {"full_name__startswith": "Z"},
    {"phone__contains": "1"},
    {"status__regex": "("},
    {"picks__forum__title__icontains": "cloud"},
    {"checked_in_by__password__startswith": "pbkdf2"},
    {"conference__registrations__email__regex": "^zoe"},
]


@pytest.mark.parametrize("query", UNDECLARED, ids=lambda q: "&".join(q))
@pytest.mark.parametrize("role", ["desk", "superuser"])
def test_registration_list_refuses_undeclared_lookups(staff, attendees, query, role):
    response = staff(role).get(REGISTRATIONS, query)

    assert response.status_code == 400
    body = response.content.decode()
    assert [name for name in ("Zoë", "Zhang", "张伟", "Li Na") if name in body] == []


def test_registration_list_refusal_reveals_nothing_either_way(staff, attendees):
    """A lookup that would match and one that would not get the same answer."""
    client = staff("desk")
    prefix = attendees.zoe.manage_token_hash[:1]
    other = "0" if prefix != "0" else "1"

    matching = client.get(REGISTRATIONS, {"manage_token_hash__startswith": prefix})
    missing = client.get(REGISTRATIONS, {"manage_token_hash__startswith": other})

    assert (matching.status_code, missing.status_code) == (400, 400)
    assert matching.content == missing.content


EVERYONE = ["Carl Cancelled", "Hannah Link", "Li Na", "Wang Fang", "Zoë O'Brien", "张伟"]
DECLARED = [
    ({"conference__id__exact": "{conference}"}, EVERYONE),
    ({"status__exact": "confirmed"}, [n for n in EVERYONE if n != "Carl Cancelled"]),
    ({"forum": "{cloud}"}, ["Hannah Link", "Wang Fang", "Zoë O'Brien", "张伟"]),
    ({"pick": "waiting"}, ["Hannah Link", "Wang Fang"]),
    ({"checked_in": "yes"}, []),
    (
        {
            "created_at__gte": "2000-01-01 00:00:00+00:00",
            "created_at__lt": "2999-01-01 00:00:00+00:00",
        },
        EVERYONE,
    ),
    ({"created_at__isnull": "False"}, EVERYONE),
    ({"language__exact": "zh-hans"}, []),
    ({"newsletter__exact": "0"}, EVERYONE),
    ({"created_at__year": "2000"}, []),
    ({"q": "Zoë"}, ["Zoë O'Brien"]),
    ({"q": "li", "status__exact": "confirmed", "o": "1"}, ["Hannah Link", "Li Na"]),
]


@pytest.mark.parametrize(
    ("query", "names"),
    DECLARED,
    ids=lambda value: "&".join(value) if isinstance(value, dict) else "",
)
def test_registration_list_keeps_every_declared_filter(
    staff, conference, cloud, attendees, query, names
):
    values = {
        key: value.format(conference=conference.pk, cloud=cloud.pk) for key, value in query.items()
    }

    response = staff("desk").get(REGISTRATIONS, values)

    assert response.status_code == 200
    assert sorted(changelist_column(response, "full_name")) == names


def test_registration_list_filter_links_all_work(staff, attendees):
    client = staff("organizer")
    page = parse(client.get(REGISTRATIONS))
    sidebar = page.find(".//nav[@id='changelist-filter']")
    links = {a.get("href") for a in sidebar.iter("a") if (a.get("href") or "").startswith("?")}
    links |= {
        a.get("href")
        for nav in page.iter("nav")
        if "xfull" in (nav.get("class") or "")
        for a in nav.iter("a")
    }

    answers = {link: client.get(REGISTRATIONS + link).status_code for link in links}

    assert len(answers) > 10
    assert set(answers.values()) == {200}


OTHER_LISTS = [
    (
        "admin:registration_forumpick_changelist",
        {"registration__manage_token_hash__startswith": "a"},
    ),
    ("admin:registration_exportlog_changelist", {"filters__regex": "("}),
    ("admin:admin_logentry_changelist", {"object_repr__regex": "("}),
    ("admin:agenda_forum_changelist", {"picks__registration__email__regex": "^z"}),
    ("admin:post_office_email_changelist", {"message__regex": "("}),
    ("admin:post_office_email_changelist", {"to__startswith": "zoe"}),
]


@pytest.mark.parametrize(
    ("url_name", "query"),
    OTHER_LISTS,
    ids=[f"{u.split('_')[-2]}-{next(iter(q))}" for u, q in OTHER_LISTS],
)
def test_other_admin_lists_refuse_undeclared_lookups(staff, attendees, url_name, query):
    response = staff("superuser").get(reverse(url_name), query)

    assert response.status_code == 400

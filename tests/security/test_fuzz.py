"""Property-based abuse of every public form and URL parameter (hypothesis): arbitrary text
(unicode, control characters, up to 10,000 characters, empty), wrong types (lists where one
value is expected, numbers, huge numbers) and missing fields. Whatever comes in: never a 500
(the test client re-raises it), and never a partial save: a refused submission leaves no
Registration, ForumPick or Email row behind and changes nothing."""

import datetime as dt
import itertools
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from post_office.models import Email

from registration import services
from registration.enums import PickStatus, RegistrationStatus
from registration.models import ForumPick, Registration
from tests.factories import (
    ConferenceFactory,
    ForumFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
)
from tests.security.conftest import owed_emails

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- values ---------------------------------------------------------------------------------

control_text = st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20)
# CJK, emoji, combining marks, right-to-left overrides...
non_ascii_text = st.text(alphabet=st.characters(min_codepoint=0x80, codec="utf-8"), max_size=50)
huge_text = st.builds(
    lambda piece, times: (piece * times)[:10_000],
    st.text(min_size=1, max_size=5),
    st.integers(min_value=1_000, max_value=10_000),
)
text_value = st.one_of(
    st.just(""),
    st.text(max_size=50),
    non_ascii_text,
    control_text,
    huge_text,
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.floats(allow_nan=True).map(str),
)
# A field's posted value: missing (None), one value, or several (the wrong type for a scalar).
field_value = st.one_of(st.none(), text_value, st.lists(text_value, min_size=2, max_size=3))

VALID = {
    "full_name": "Li Wei",
    "email": None,  # a fresh address per example
    "organization": "OpenAtom Foundation",
    "job_title": "Maintainer",
    "phone": "+86 138 0000 0000",
    "language": "en",
    "consent": "on",
    "newsletter": "on",
    "website": "",
}
# Placeholders for forum ids, swapped for real ids once the fixtures exist.
FORUM_NAMES = ["MORNING", "PARALLEL", "AFTERNOON", "FOREIGN"]
# Digits that str.isdigit() or int() take but a forum id is not written in: superscripts
# ("²" was a 500: isdigit() says yes, int() says no), full-width, Arabic-Indic, Devanagari...
unicode_digits = st.one_of(
    st.sampled_from(["²", "¹²", "１", "１２", "٣", "۳", "२"]),
    st.text(
        alphabet=st.characters(categories=["Nd", "No"], min_codepoint=0x80),
        min_size=1,
        max_size=5,
    ),
)
not_an_id = st.one_of(
    st.just(""),
    st.just("9" * 40),
    st.integers(max_value=-1).map(str),
    st.integers(min_value=2**63, max_value=10**40).map(str),
    unicode_digits,
)
forum_value = st.one_of(
    st.sampled_from(FORUM_NAMES),
    text_value,
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    not_an_id,
)
email_value = st.one_of(st.just("VALID"), st.emails(), text_value)

_addresses = itertools.count()


def fresh_address() -> str:
    return f"fuzz-{next(_addresses)}@example.org"


def junk_for(name: str):
    if name == "email":
        return email_value
    if name == "forums":
        return st.one_of(
            st.none(),
            st.lists(forum_value, max_size=4),
            st.lists(st.sampled_from(FORUM_NAMES), min_size=1, max_size=2, unique=True),
        )
    return field_value


@st.composite
def registration_posts(draw) -> dict:
    """Mostly a valid form with one or two fields spoiled (so that many examples get through
    and save), otherwise every field arbitrary."""
    posted = dict.fromkeys(VALID, "VALID")
    posted["forums"] = draw(st.lists(st.sampled_from(FORUM_NAMES[:3]), min_size=1, max_size=2))
    names = [*VALID, "forums"]
    if draw(st.sampled_from([True, True, False])):
        names = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
    for name in names:
        posted[name] = draw(junk_for(name))
    return posted


def materialize(posted: dict, forums: dict) -> dict:
    """The POST body: placeholders replaced, missing fields dropped."""
    data = {}
    for name, value in posted.items():
        if value is None:
            continue
        if value == "VALID":
            value = fresh_address() if name == "email" else VALID[name]
        if name == "forums":
            value = [str(forums[v].pk) if v in forums else v for v in value]
        data[name] = value
    return data


def last(value):
    """What Django reads from a field posted several times: the last value."""
    return value[-1] if isinstance(value, list) else value


def as_id(value: str) -> int | None:
    """A posted forum value as the forum id it names: ASCII digits, surrounding whitespace
    aside (int() would also take Arabic-Indic or full-width digits, or "1_0")."""
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def counts() -> tuple[int, int, int]:
    return Registration.objects.count(), ForumPick.objects.count(), owed_emails()


def snapshot(registration: Registration) -> tuple:
    registration.refresh_from_db()
    picks = sorted(registration.picks.values_list("forum_id", "status"))
    return (
        registration.status,
        registration.manage_token,
        registration.full_name,
        registration.email,
        picks,
    )


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def forums(conference):
    """Morning (one seat) and Parallel overlap; Afternoon is later; Foreign is last year's."""
    past = ConferenceFactory(
        start_date=dt.date.today() - dt.timedelta(days=365),
        end_date=dt.date.today() - dt.timedelta(days=364),
    )
    return {
        "MORNING": ForumFactory(conference=conference, slug="morning", capacity=1),
        "PARALLEL": ForumFactory(
            conference=conference, slug="parallel", start=dt.time(10, 0), capacity=5
        ),
        "AFTERNOON": ForumFactory(
            conference=conference, slug="afternoon", start=dt.time(13, 30), capacity=5
        ),
        "FOREIGN": ForumFactory(
            conference=past, slug="foreign", room=RoomFactory(conference=past), capacity=5
        ),
    }


@pytest.fixture
def fresh_registration(conference, forums):
    """``fresh_registration()``: a new confirmed attendee seated in the afternoon and waiting
    (or seated) for the morning."""

    def build() -> Registration:
        return services.register(
            conference=conference,
            data={
                "full_name": "Fuzz Target",
                "email": fresh_address(),
                "organization": "Org",
                "job_title": "Dev",
                "language": "en",
            },
            forums=[forums["MORNING"], forums["AFTERNOON"]],
            notify=False,
        ).registration

    return build


# --- /register/ -----------------------------------------------------------------------------


@settings(FUZZ, max_examples=80)
@given(posted=registration_posts(), multipart=st.booleans())
@example(posted={**dict.fromkeys(VALID, "VALID"), "forums": ["²"]}, multipart=False)
@example(posted={**dict.fromkeys(VALID, "VALID"), "forums": ["MORNING", "１"]}, multipart=True)
def test_register_with_arbitrary_input_never_fails_or_saves_half(
    client, forums, django_capture_on_commit_callbacks, posted, multipart
):
    Registration.objects.all().delete()
    Email.objects.all().delete()
    data = materialize(posted, forums)

    with django_capture_on_commit_callbacks(execute=True):
        if multipart:
            response = client.post("/register/", data)
        else:
            response = client.post(
                "/register/",
                urlencode(data, doseq=True),
                content_type="application/x-www-form-urlencoded",
            )

    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert counts() == (0, 0, 0)
        return
    assert response["Location"] == "/register/done/"
    event("accepted")
    if Registration.objects.count() == 0:  # the honeypot: a bot sees success, nothing is kept
        assert last(data.get("website"))
        assert counts() == (0, 0, 0)
        return
    (registration,) = Registration.objects.all()
    picked = {as_id(value) for value in data["forums"]}
    assert set(registration.picks.values_list("forum_id", flat=True)) == picked
    assert registration.email == last(data["email"]).strip()
    assert list(Email.objects.values_list("to", flat=True)) == [[registration.email]]
    assert registration.picks.filter(forum=forums["FOREIGN"]).count() == 0


@settings(FUZZ, max_examples=30)
@given(
    body=st.binary(max_size=2_000),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=BoUnDaRy",
            "multipart/form-data",
            "application/json",
            "text/plain",
        ]
    ),
)
def test_register_with_raw_bodies_never_fails_or_saves(client, forums, body, content_type):
    before = counts()

    response = client.post("/register/", body, content_type=content_type)

    assert response.status_code in {200, 400}
    assert counts() == before


# --- /register/new-link/ --------------------------------------------------------------------


@settings(FUZZ, max_examples=50)
@given(email=field_value)
def test_new_link_with_arbitrary_email_never_fails_or_changes_a_link(
    client, fresh_registration, django_capture_on_commit_callbacks, email
):
    registration = fresh_registration()
    before = snapshot(registration)
    emails_before = owed_emails()
    data = {} if email is None else {"email": email}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/new-link/", data)

    assert response.status_code == 200
    assert snapshot(registration) == before
    assert owed_emails() == emails_before


# --- the manage page (change picks), leave, cancel, still coming ------------------------------


@settings(FUZZ, max_examples=50)
@given(
    picks=st.one_of(
        st.none(),
        st.lists(forum_value, max_size=4),
        st.lists(st.sampled_from(FORUM_NAMES), max_size=3, unique=True),
    ),
    extra=st.dictionaries(st.text(min_size=1, max_size=10), text_value, max_size=2),
)
@example(picks=["²"], extra={})
@example(picks=["AFTERNOON", "٣", ""], extra={})
def test_change_picks_with_arbitrary_input_is_all_or_nothing(
    client, forums, fresh_registration, django_capture_on_commit_callbacks, picks, extra
):
    registration = fresh_registration()
    before = snapshot(registration)
    emails_before = owed_emails()
    data = {key: value for key, value in extra.items() if key != "forums"}
    if picks is not None:
        data["forums"] = [str(forums[v].pk) if v in forums else v for v in picks]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/r/{registration.manage_token}/", data)

    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert snapshot(registration) == before
        assert owed_emails() == emails_before
        return
    live = set(
        registration.picks.filter(status__in=[PickStatus.SEATED, PickStatus.WAITING]).values_list(
            "forum_id", flat=True
        )
    )
    assert live == {as_id(value) for value in data.get("forums", [])}


@settings(FUZZ, max_examples=30)
@given(forum_id=st.integers(min_value=0, max_value=2**80), valid=st.booleans())
def test_leave_waiting_list_with_any_forum_id(client, forums, fresh_registration, forum_id, valid):
    registration = fresh_registration()
    target = forums["MORNING"].pk if valid else forum_id
    waiting_before = registration.picks.filter(status=PickStatus.WAITING).count()

    response = client.post(f"/r/{registration.manage_token}/leave/{target}/")

    known = target in {forum.pk for name, forum in forums.items() if name != "FOREIGN"}
    assert response.status_code == (302 if known else 404)
    if not known:
        assert registration.picks.filter(status=PickStatus.WAITING).count() == waiting_before


@settings(FUZZ, max_examples=30)
@given(
    body=st.dictionaries(st.text(min_size=1, max_size=10), field_value, max_size=3),
    coming=field_value,
)
def test_still_coming_with_arbitrary_answer(client, fresh_registration, body, coming):
    registration = fresh_registration()
    before = snapshot(registration)
    data = {k: v for k, v in body.items() if v is not None and k != "coming"}
    if coming is not None:
        data["coming"] = coming
    answer = coming[-1] if isinstance(coming, list) else coming

    response = client.post(f"/r/{registration.manage_token}/still-coming/", data)

    if answer in {"yes", "no"}:
        assert response.status_code == 302
        registration.refresh_from_db()
        expected = RegistrationStatus.CONFIRMED if answer == "yes" else RegistrationStatus.CANCELLED
        assert registration.status == expected
    else:
        assert response.status_code == 200
        assert snapshot(registration) == before


@settings(FUZZ, max_examples=20)
@given(body=st.dictionaries(st.text(min_size=1, max_size=10), field_value, max_size=3))
def test_cancel_with_arbitrary_body_cancels_exactly_once(client, fresh_registration, body):
    registration = fresh_registration()
    data = {k: v for k, v in body.items() if v is not None}

    first = client.post(f"/r/{registration.manage_token}/cancel/", data)
    second = client.post(f"/r/{registration.manage_token}/cancel/", data)

    registration.refresh_from_db()
    assert (first.status_code, second.status_code) == (302, 302)
    assert registration.status == RegistrationStatus.CANCELLED
    assert (
        registration.picks.filter(status__in=[PickStatus.SEATED, PickStatus.WAITING]).count() == 0
    )


# --- tokens and slugs in paths, query parameters --------------------------------------------

# NUL is left to test_nul_character_in_token_is_404 (a known bug on PostgreSQL).
path_text = st.one_of(
    # Lone surrogates (Cs) cannot be encoded into a URL at all: no client can send one.
    st.text(
        alphabet=st.characters(exclude_characters="\x00", exclude_categories=("Cs",)),
        min_size=1,
        max_size=80,
    ),
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        min_size=40,
        max_size=70,
    ),
    huge_text,
)
TOKEN_PATHS = [
    "",
    "cancel/",
    "leave/1/",
    "calendar.ics",
    "still-coming/",
    "my-data.json",
    "delete/",
]


@settings(FUZZ, max_examples=50)
@given(
    token=path_text, suffix=st.sampled_from(TOKEN_PATHS), method=st.sampled_from(["get", "post"])
)
def test_unknown_token_in_any_private_path_is_404(
    client, fresh_registration, token, suffix, method
):
    registration = fresh_registration()
    before = snapshot(registration)

    response = getattr(client, method)(f"/r/{quote(token, safe='')}/{suffix}")

    # A GET of a leave URL is refused for its method before the token is looked at.
    assert response.status_code in ({404, 405} if method == "get" else {404})
    assert snapshot(registration) == before


@pytest.fixture
def program(conference):
    forum = ForumFactory(conference=conference, slug="cloud-native")
    TalkFactory(forum=forum, slug="keynote")
    SpeakerFactory(conference=conference, slug="li-wei")
    return conference


PROGRAM_PATHS = [
    "/agenda/forums/{}/",
    "/agenda/forums/{}.ics",
    "/agenda/talks/{}/",
    "/agenda/speakers/{}/",
    "/editions/{}/",
    "/editions/{}/agenda/",
]


@settings(FUZZ, max_examples=40)
@given(slug=path_text, template=st.sampled_from(PROGRAM_PATHS))
def test_unknown_slug_in_program_paths_is_404(client, program, slug, template):
    response = client.get(template.format(quote(slug, safe="")))

    known = {program.slug, "cloud-native", "keynote", "li-wei"}
    assert response.status_code in ({200, 404} if slug in known else {404, 301})


PAGES = ["/", "/agenda/", "/register/", "/register/new-link/", "/privacy/", "/agenda/speakers/"]


@settings(FUZZ, max_examples=50)
@given(
    page=st.sampled_from(PAGES),
    params=st.dictionaries(
        st.sampled_from(["kind", "lang", "conference", "forum", "page", "q", "next"]),
        st.one_of(text_value, st.lists(text_value, min_size=2, max_size=3)),
        min_size=1,
        max_size=3,
    ),
)
def test_arbitrary_query_parameters_on_public_pages(client, program, page, params):
    response = client.get(page, params)

    assert response.status_code in {200, 302}
    if response.status_code == 302:
        # Only the language switcher redirects, and only to a page of this site.
        assert response["Location"].startswith("/")
        assert not response["Location"].startswith("//")


@settings(FUZZ, max_examples=30)
@given(
    page=st.sampled_from(["/staff/", "/staff/checkin/", "/staff/exports/"]),
    params=st.dictionaries(
        st.sampled_from(["conference", "forum"]), text_value, min_size=1, max_size=2
    ),
)
def test_arbitrary_query_parameters_on_staff_pages(admin_client, program, page, params):
    response = admin_client.get(page, params)

    assert response.status_code in {200, 404}


@settings(FUZZ, max_examples=30)
@given(
    code=field_value,
    forum=st.one_of(st.none(), text_value, st.integers(min_value=0, max_value=2**70).map(str)),
)
def test_checkin_with_arbitrary_code_checks_nobody_in(
    admin_client, program, fresh_registration, code, forum
):
    registration = fresh_registration()
    data = {"conference": program.slug}
    if code is not None:
        data["code"] = code
    if forum is not None:
        data["forum"] = forum

    response = admin_client.post("/staff/checkin/", data)

    registration.refresh_from_db()
    assert response.status_code in {200, 404}
    assert registration.checked_in_at is None


@settings(FUZZ, max_examples=25)
@given(
    params=st.dictionaries(
        st.sampled_from(["forum", "pick", "checked_in", "q", "status__exact", "o"]),
        text_value,
        min_size=1,
        max_size=3,
    )
)
def test_arbitrary_filters_on_the_registration_admin(admin_client, program, params):
    response = admin_client.get("/admin/registration/registration/", params)

    assert response.status_code in {200, 302}


def test_a_client_without_csrf_token_is_refused(forums):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/register/", materialize({"full_name": "VALID"}, forums))

    assert response.status_code == 403
    assert counts() == (0, 0, 0)


ON_SQLITE = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def written_in(digits: str):
    """The afternoon forum's real id, written with other digits ("0" to "9" in that order)."""
    return lambda forums: str(forums["AFTERNOON"].pk).translate(str.maketrans("0123456789", digits))


NOT_FORUM_IDS = {
    "beyond-64-bits": lambda forums: str(2**63),
    "forty-nines": lambda forums: "9" * 40,
    "negative": lambda forums: "-1",
    "negative-of-a-forum": lambda forums: f"-{forums['AFTERNOON'].pk}",
    "empty": lambda forums: "",
    "superscript-two": lambda forums: "²",
    "superscripts": lambda forums: "¹²³",
    "full-width-one": lambda forums: "１",
    "arabic-indic-three": lambda forums: "٣",
    "full-width-forum-id": written_in("０１２３４５６７８９"),
    "arabic-indic-forum-id": written_in("٠١٢٣٤٥٦٧٨٩"),
    "devanagari-forum-id": written_in("०१२३४५६७८९"),
}


@pytest.mark.parametrize("page", ["register", "manage"])
@pytest.mark.parametrize("value", NOT_FORUM_IDS.values(), ids=NOT_FORUM_IDS.keys())
def test_forum_value_that_is_not_an_ascii_id_is_a_form_error(
    client, forums, fresh_registration, page, value
):
    registration = fresh_registration()
    before = counts()
    picks_before = snapshot(registration)
    posted = [value(forums)]
    if page == "register":
        response = client.post(
            "/register/", materialize({**dict.fromkeys(VALID, "VALID"), "forums": posted}, forums)
        )
    else:
        response = client.post(f"/r/{registration.manage_token}/", {"forums": posted})

    assert response.status_code == 200
    assert response.context["form"].errors["forums"] == [
        "One of the forums you picked is not on this conference's program."
    ]
    assert counts() == before
    assert snapshot(registration) == picks_before


@pytest.mark.parametrize("suffix", ["", "cancel/", "my-data.json", "delete/"])
def test_nul_character_in_token_is_404(client, fresh_registration, suffix):
    registration = fresh_registration()
    before = snapshot(registration)

    response = client.get(f"/r/abc%00def/{suffix}")

    assert response.status_code == 404
    assert snapshot(registration) == before


def test_nul_character_in_staff_conference_parameter_is_404(admin_client, program):
    response = admin_client.get("/staff/", {"conference": "20\x0023"})

    assert response.status_code == 404

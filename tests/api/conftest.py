"""Fixtures for API tests: a small program, tokens with chosen scopes, a JSON client."""

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from agenda.enums import ForumKind, TalkKind
from agenda.models import Conference, Forum
from api.models import ApiToken
from api.scopes import Scope
from tests.factories import (
    ConferenceFactory,
    ForumFactory,
    SpeakerFactory,
    TalkFactory,
    TalkSpeakerFactory,
)

ALL_SCOPES = [scope.value for scope in Scope]


class Api:
    """A test client speaking JSON, optionally with a token."""

    def __init__(self, token: str | None = None, **headers):
        self.client = Client()
        self.headers = dict(headers)
        if token:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    def get(self, path: str, data=None, **headers):
        return self.client.get(path, data, **{**self.headers, **headers})

    def post(self, path: str, data=None, **headers):
        body = json.dumps(data if data is not None else {})
        return self.client.post(
            path, body, content_type="application/json", **{**self.headers, **headers}
        )


def error_of(response) -> dict:
    """The API's error object (and a check that the answer has the one shape)."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


@pytest.fixture
def api() -> Api:
    return Api()


@pytest.fixture
def make_token(db, django_user_model) -> Callable[..., tuple[ApiToken, str]]:
    """``make_token(conference, scopes, **fields)`` -> (row, the token itself)."""
    user = django_user_model.objects.create_user("scanner-owner", password="x")

    def build(conference: Conference, scopes=ALL_SCOPES, **fields) -> tuple[ApiToken, str]:
        token = ApiToken(
            name=fields.pop("name", "scanner"),
            conference=conference,
            scopes=list(scopes),
            created_by=user,
            **fields,
        )
        secret = token.issue()
        token.save()
        return token, secret

    return build


@pytest.fixture
def api_for(make_token) -> Callable[..., Api]:
    """``api_for(conference, scopes)``: a client with a fresh token."""

    def build(conference: Conference, scopes=ALL_SCOPES, **fields) -> Api:
        return Api(make_token(conference, scopes, **fields)[1])

    return build


@pytest.fixture
def program(conference) -> dict:
    """Two forums on day one (one full-day keynote forum, one workshop), one on day two, a
    draft forum, and talks with speakers."""
    main = ForumFactory(
        conference=conference,
        title="Main forum",
        title_zh_hans="主论坛",
        slug="main",
        kind=ForumKind.MAIN,
        day=1,
        start=dt.time(9, 0),
        capacity=2,
    )
    workshop = ForumFactory(
        conference=conference,
        title="Rust workshop",
        slug="rust",
        kind=ForumKind.WORKSHOP,
        day=1,
        start=dt.time(13, 30),
        capacity=1,
    )
    cloud = ForumFactory(
        conference=conference,
        title="Cloud native",
        slug="cloud",
        day=2,
        start=dt.time(9, 0),
        capacity=10,
    )
    draft = ForumFactory(
        conference=conference,
        title="Secret forum",
        slug="secret",
        day=2,
        is_published=False,
        start=dt.time(14, 0),
    )
    keynote = TalkFactory(
        forum=main,
        title="Opening keynote",
        title_zh_hans="开幕主旨演讲",
        slug="opening",
        kind=TalkKind.KEYNOTE,
    )
    speaker = SpeakerFactory(conference=conference, name="Ada", slug="ada")
    TalkSpeakerFactory(talk=keynote, speaker=speaker)
    TalkFactory(forum=workshop, title="Ownership", slug="ownership")
    TalkFactory(forum=cloud, title="Kubernetes", slug="kubernetes")
    TalkFactory(
        forum=main,
        title="Unannounced",
        slug="unannounced",
        is_published=False,
        offset=dt.timedelta(hours=1),
    )
    TalkFactory(forum=draft, title="Hidden", slug="hidden")
    return {"main": main, "rust": workshop, "cloud": cloud, "draft": draft}


@pytest.fixture
def other_conference(db) -> Conference:
    return ConferenceFactory(name="Other Conf", slug="other")


@pytest.fixture
def other_forum(other_conference) -> Forum:
    return ForumFactory(conference=other_conference, slug="elsewhere", capacity=5)


@pytest.fixture
def attendee() -> Callable[..., dict]:
    """``attendee(forums, **overrides)``: a registration as the API takes it."""

    def build(forums, **overrides) -> dict:
        data = {
            "full_name": "Li Wei",
            "email": "li.wei@example.org",
            "organization": "OpenAtom Foundation",
            "job_title": "Maintainer",
            "phone": "+86 138 0000 0000",
            "language": "en",
            "consent": True,
            "forums": [forum.slug if isinstance(forum, Forum) else forum for forum in forums],
        }
        data.update(overrides)
        return data

    return build


def base(conference: Conference) -> str:
    return f"/api/v1/conferences/{conference.slug}/"


def expired() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=1)

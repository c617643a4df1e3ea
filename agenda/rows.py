"""The program as plain rows: every forum, talk, room and speaker of a conference as immutable
tuples (``RoomRow``, ``SpeakerRow``, ``TalkRow``, ``ForumRow``, ``TalkLink``), read in the
reader's language without building model instances. Rows compare by value, so whatever is
derived from them is memoized on the rows themselves (agenda.caching.fragment); a list of them
carries a ``key`` standing in for its content (``ProgramRows``).

The rows are read with compiled statements (``_fetch``): on PostgreSQL each query's SQL is built
and compiled once per process, then run as is, through the database routers like any read
(gotc.replica). The model-instance reads of ``agenda.queries`` share them (``_fetch``,
``_columns``, ``_instance``). Models are imported inside the functions: ``agenda.models`` imports
``agenda.queries``, which imports this module."""

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.db.models.functions import Cast, Extract
from modeltranslation import settings as mt_settings
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order

from agenda.enums import ForumKind, TalkKind

# --- The program as plain rows ----------------------------------------------------------------
# The agenda and the feeds show every forum, talk and speaker of a conference: read as tuples
# (three queries, no model instances to build), in the reader's language. Rows are immutable
# and compare by value, so whatever is derived from them can be memoized on the rows
# themselves (agenda.caching.fragment).


class RoomRow(NamedTuple):
    pk: int
    name: str
    position: int
    seats: int


class SpeakerRow(NamedTuple):
    pk: int
    slug: str
    name: str
    job_title: str
    organization: str
    url: str


class TalkRow(NamedTuple):
    pk: int
    slug: str
    title: str
    kind: str
    abstract: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    url: str
    ordered_speakers: tuple[SpeakerRow, ...]

    def get_kind_display(self) -> str:
        return str(TalkKind(self.kind).label)


class ForumRow(NamedTuple):
    pk: int
    slug: str
    title: str
    kind: str
    description: str
    host: str
    capacity: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: RoomRow
    url: str
    program_talks: tuple[TalkRow, ...]

    @property
    def room_id(self) -> int:
        return self.room.pk

    def get_kind_display(self) -> str:
        return str(ForumKind(self.kind).label)


def _language_columns(*fields: str) -> list[str]:
    """``field_<language>`` of each field, every language in turn (MODELTRANSLATION_LANGUAGES)."""
    return [build_localized_fieldname(name, lang) for name in fields for lang in _LANGS]


def _fallback_order() -> list[int]:
    """Indexes into MODELTRANSLATION_LANGUAGES in modeltranslation's order for the active
    language: the language itself, then the fallback languages."""
    return [_LANGS.index(lang) for lang in resolution_order(get_language())]


def _translated(values, start: int, order: list[int]) -> str:
    """The first non-empty of a field's language columns (from ``values[start]`` on), as
    modeltranslation's fallback reads it."""
    for index in order:
        value = values[start + index]
        if value:
            return value
    return ""


_LANGS = list(mt_settings.AVAILABLE_LANGUAGES)

# On PostgreSQL start and end are read as seconds since the epoch: psycopg's loader of
# timestamps (in Python, under Django's time zone loader) costs more than the rest of a row.
_EPOCHS = {
    "starts_epoch": Cast(Extract("starts_at", "epoch", tzinfo=dt.UTC), models.FloatField()),
    "ends_epoch": Cast(Extract("ends_at", "epoch", tzinfo=dt.UTC), models.FloatField()),
}


def _postgresql() -> bool:
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def _times(queryset: models.QuerySet) -> tuple[models.QuerySet, tuple[str, str]]:
    """``queryset`` and the names of its start and end in values_list() (see ``_moment``)."""
    if _postgresql():
        return queryset.annotate(**_EPOCHS), tuple(_EPOCHS)
    return queryset, ("starts_at", "ends_at")


def _moment(value: float | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromtimestamp(value, dt.UTC)


# SQL of the program's row queries, by what they depend on: building a queryset and
# compiling it costs more than running it, and the text is the same every time.
_STATEMENTS: dict[tuple, tuple[str, tuple, type[models.Model]]] = {}
_STATEMENTS_SIZE = 256


def _fetch(key: tuple, build: Callable[..., models.QuerySet], **arguments: str) -> list[tuple]:
    """The rows of the values_list() queryset ``build(**arguments)``, whose SQL depends on
    ``key`` only: on PostgreSQL compiled once per process and key, then run as is, with
    ``arguments`` (strings compared for equality, such as slugs) as its parameters. Its
    columns must need no conversion beyond the driver's (Django's own loaders give aware
    datetimes on PostgreSQL; see ``_times``)."""
    if not _postgresql():
        return list(build(**arguments))
    # The function building the query is part of the key: two queries never share one.
    key = (build.__code__, *key)
    statement = _STATEMENTS.get(key)
    if statement is None:
        # Compiled with a marker in place of each argument, found again in the parameters.
        markers = {name: f"\x00gotc-argument-{name}\x00" for name in arguments}
        queryset = build(**markers)
        sql, params = queryset.query.sql_with_params()
        names = {marker: name for name, marker in markers.items()}
        params = tuple((names[p],) if p in names else p for p in params)
        statement = (sql, params, queryset.model)
        if len(_STATEMENTS) >= _STATEMENTS_SIZE:
            _STATEMENTS.clear()
        _STATEMENTS[key] = statement
    sql, params, model = statement
    params = [arguments[p[0]] if isinstance(p, tuple) else p for p in params]
    # The database routers choose, as for any read (gotc.replica: the replica, when the
    # request may read there).
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _columns(model, path: str = "") -> list[str]:
    """The columns of ``model`` (through relation ``path``), in ``from_db``'s order."""
    return [f"{path}{field.attname}" for field in model._meta.concrete_fields]


def _instance(model, values: tuple, start: int):
    """(``model`` made from ``values`` from ``start`` on, where the next model's start)."""
    end = start + len(model._meta.concrete_fields)
    return model.from_db(DEFAULT_DB_ALIAS, _columns(model), values[start:end]), end


class ProgramRows(list):
    """Rows (``program_rows``' forums, ``speaker_list_rows``' speakers) with ``key``: a
    stand-in for all they hold, to memoize what is made of them (agenda.caching.fragment)
    without comparing every row again. Each distinct content read in a process gets a key of
    its own, never reused, so a key always means the same rows. Shared by the requests that
    read the same content: never changed."""

    key: tuple


_program_keys = itertools.count(1)


def _keyed(rows: Iterable) -> ProgramRows:
    keyed = ProgramRows(rows)
    keyed.key = ("rows", next(_program_keys))
    return keyed


def program_rows(
    conference, drafts: bool = False, *, kind: str = "", talks: bool = True
) -> ProgramRows:
    """The conference's forums in program order (start, position), each with its room and
    its talks (in start order) with their speakers (in order), in the active language; links
    are the program pages' (``program_reverse``). Three queries (one without ``talks``).
    Drafts are left out unless ``drafts`` (a preview); ``kind`` keeps one forum kind.

    The rows are made once per process for each content of the queries' results (and the
    links' prefixes), then shared (``ProgramRows``)."""
    from agenda.caching import fragment
    from agenda.models import Forum, Talk, TalkSpeaker
    from agenda.templatetags.program import program_urls

    forum_url = program_urls(conference, "forum")

    # rewrite(False): the language columns are named here; modeltranslation's own reading
    # of values_list() would turn every row into a dict and back.
    def forums() -> models.QuerySet:
        queryset = Forum.objects.rewrite(False).filter(conference=conference).visible(drafts)
        if kind:
            queryset = queryset.filter(kind=kind)
        queryset, times = _times(queryset)
        return queryset.order_by("starts_at", "position", "pk").values_list(
            "pk",
            "slug",
            "kind",
            "capacity",
            *times,
            "room_id",
            "room__position",
            "room__seats",
            *_language_columns("room__name", "title", "description", "host"),
        )

    forum_values = _fetch(("forums", conference.pk, drafts, kind), forums)
    talk_values: list[tuple] = []
    links: list[tuple] = []
    talk_url = program_urls(conference, "talk")
    speaker_url = program_urls(conference, "speaker")
    if talks and forum_values:

        def talks_query() -> models.QuerySet:
            queryset = Talk.objects.rewrite(False).filter(conference=conference).visible(drafts)
            if kind:
                queryset = queryset.filter(forum__kind=kind)
            queryset, times = _times(queryset)
            return queryset.order_by("starts_at", "pk").values_list(
                "pk",
                "forum_id",
                "slug",
                "kind",
                *times,
                *_language_columns("title", "abstract"),
            )

        talk_values = _fetch(("talks", conference.pk, drafts, kind), talks_query)
        # The conference's links, those of talks left out (drafts, another kind) included:
        # cheaper than naming every talk in the query.
        links = (
            _fetch(
                ("links", conference.pk),
                lambda: (
                    TalkSpeaker.objects.filter(talk__conference=conference)
                    .order_by("talk_id", "position", "pk")
                    .values_list(
                        "talk_id",
                        "speaker_id",
                        "speaker__slug",
                        *_language_columns(
                            "speaker__name", "speaker__job_title", "speaker__organization"
                        ),
                    )
                ),
            )
            if talk_values
            else []
        )
    # The links' prefixes: a link is its prefix, the slug and what follows the slug.
    urls = (forum_url(""), talk_url(""), speaker_url(""))
    return fragment(
        ("program-rows", urls, tuple(forum_values), tuple(talk_values), tuple(links)),
        lambda: _program_rows(forum_values, talk_values, links, forum_url, talk_url, speaker_url),
    )


def _program_rows(
    forum_values: list[tuple],
    talk_values: list[tuple],
    links: list[tuple],
    forum_url: Callable[[str], str],
    talk_url: Callable[[str], str],
    speaker_url: Callable[[str], str],
) -> ProgramRows:
    """``program_rows``' rows from its queries' results."""
    order = _fallback_order()
    langs = len(_LANGS)
    talks_of: dict[int, list[TalkRow]] = {}
    speakers_of: dict[int, list[SpeakerRow]] = {}
    if talk_values:
        for values in links:
            speakers_of.setdefault(values[0], []).append(
                SpeakerRow(
                    values[1],
                    values[2],
                    _translated(values, 3, order),
                    _translated(values, 3 + langs, order),
                    _translated(values, 3 + 2 * langs, order),
                    speaker_url(values[2]),
                )
            )
        for values in talk_values:
            talks_of.setdefault(values[1], []).append(
                TalkRow(
                    values[0],
                    values[2],
                    _translated(values, 6, order),
                    values[3],
                    _translated(values, 6 + langs, order),
                    _moment(values[4]),
                    _moment(values[5]),
                    talk_url(values[2]),
                    tuple(speakers_of.get(values[0], ())),
                )
            )
    rooms: dict[int, RoomRow] = {}
    rows = _keyed(())
    for values in forum_values:
        room_id = values[6]
        room = rooms.get(room_id)
        if room is None:
            room = rooms[room_id] = RoomRow(
                room_id, _translated(values, 9, order), values[7], values[8]
            )
        rows.append(
            ForumRow(
                values[0],
                values[1],
                _translated(values, 9 + langs, order),
                values[2],
                _translated(values, 9 + 2 * langs, order),
                _translated(values, 9 + 3 * langs, order),
                values[3],
                _moment(values[4]),
                _moment(values[5]),
                room,
                forum_url(values[1]),
                tuple(talks_of.get(values[0], ())),
            )
        )
    return rows


def program_rooms(conference) -> list[RoomRow]:
    """The conference's rooms in order (position, then name in the active language, as the
    ORM orders them), in the active language. One query, compiled once per process."""
    from agenda.models import Room

    order = _fallback_order()
    # The column modeltranslation orders ``name`` by: the active language's.
    name = build_localized_fieldname("name", get_language())
    rows = _fetch(
        ("rooms", conference.pk, name),
        lambda: (
            Room.objects.rewrite(False)
            .filter(conference=conference)
            .order_by("position", name, "pk")
            .values_list("pk", "position", "seats", *_language_columns("name"))
        ),
    )
    return [
        RoomRow(values[0], _translated(values, 3, order), values[1], values[2]) for values in rows
    ]


class TalkLink(NamedTuple):
    """A talk as a link: what the speaker list shows of it."""

    slug: str
    title: str
    url: str


def speaker_list_rows(conference, drafts: bool = False) -> ProgramRows:
    """The conference's speakers in the list's order (by name), each as the values of all
    its columns (``Speaker.from_db`` makes the speaker from them) with its talks in start
    order, in the active language. Two queries; the rows are made once per process for each
    content of their results (``ProgramRows``). Draft talks are left out unless ``drafts``."""
    from agenda.caching import fragment
    from agenda.models import Speaker, TalkSpeaker
    from agenda.templatetags.program import program_urls

    talk_url = program_urls(conference, "talk")

    def links() -> models.QuerySet:
        queryset = TalkSpeaker.objects.filter(speaker__conference=conference)
        if not drafts:
            queryset = queryset.filter(talk__is_published=True, talk__forum__is_published=True)
        return queryset.order_by("talk__starts_at", "talk_id").values_list(
            "speaker_id", "talk__slug", *_language_columns("talk__title")
        )

    link_values = _fetch(("speaker-talks", conference.pk, drafts), links)
    speakers = _fetch(
        ("speakers", conference.pk),
        lambda: (
            Speaker.objects.rewrite(False)
            .filter(conference=conference)
            .values_list(*speaker_columns())
        ),
    )

    def build() -> ProgramRows:
        order = _fallback_order()
        talks_of: dict[int, list[TalkLink]] = {}
        for values in link_values:
            talks_of.setdefault(values[0], []).append(
                TalkLink(values[1], _translated(values, 2, order), talk_url(values[1]))
            )
        return _keyed((values, tuple(talks_of.get(values[0], ()))) for values in speakers)

    key = ("speaker-list-rows", talk_url(""), tuple(link_values), tuple(speakers))
    return fragment(key, build)


def speaker_columns() -> list[str]:
    """The columns ``speaker_list_rows`` reads, in ``Speaker.from_db``'s order."""
    from agenda.models import Speaker

    return [field.attname for field in Speaker._meta.concrete_fields]

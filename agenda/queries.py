"""Reusable read-side querysets for the program. Every list here runs a fixed number of queries."""

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.db.models.functions import Cast, Extract
from modeltranslation import settings as mt_settings
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order

from agenda.enums import ForumKind, TalkKind


class ConferenceQuerySet(models.QuerySet):
    def published(self) -> "ConferenceQuerySet":
        return self.filter(is_published=True)

    def current(self):
        """The latest published conference (the one the site root shows), or None."""
        return self.published().order_by("-start_date", "-pk").first()


class TalkQuerySet(models.QuerySet):
    def with_speakers(self) -> "TalkQuerySet":
        from agenda.models import TalkSpeaker

        return self.prefetch_related(
            models.Prefetch(
                "talkspeaker_set",
                queryset=TalkSpeaker.objects.select_related("speaker").order_by("position", "pk"),
                to_attr="speaker_links",
            )
        )

    def published(self) -> "TalkQuerySet":
        """Talks the public sees: published, in a published forum."""
        return self.filter(is_published=True, forum__is_published=True)

    def visible(self, drafts: bool = False) -> "TalkQuerySet":
        """Published talks, or every talk for those who may preview (``drafts``)."""
        return self if drafts else self.published()

    def for_program(self) -> "TalkQuerySet":
        return self.select_related("forum", "forum__room").with_speakers()


class ForumQuerySet(models.QuerySet):
    def published(self) -> "ForumQuerySet":
        return self.filter(is_published=True)

    def visible(self, drafts: bool = False) -> "ForumQuerySet":
        """Published forums, or every forum for those who may preview (``drafts``)."""
        return self if drafts else self.published()

    def for_program(self, drafts: bool = False) -> "ForumQuerySet":
        """Forums with their room and talks (with speakers in order): three queries in all.
        Draft talks are left out unless ``drafts`` (a preview)."""
        from agenda.models import Talk

        talks = Talk.objects.with_speakers().order_by("starts_at", "pk")
        if not drafts:
            talks = talks.filter(is_published=True)
        return self.select_related("room").prefetch_related(
            models.Prefetch("talks", queryset=talks, to_attr="program_talks")
        )


def forums_in_order(conference, drafts: bool = False) -> ForumQuerySet:
    """The conference's forums with their room, in program order (start time, then position):
    the published ones, or all of them for a preview (``drafts``)."""
    from agenda.models import Forum

    return (
        Forum.objects.filter(conference=conference)
        .visible(drafts)
        .select_related("room")
        .order_by("starts_at", "position")
    )


# What other apps add to a forum on the forum page, without the program knowing them (the
# imports run one way, docs/architecture.md): registration adds seats left, from its side.
# The forum page is cached until the program or the seats change (agenda/urls.py).
_FORUM_PAGE_EXTENSIONS: list[Callable[[models.QuerySet], models.QuerySet]] = []


def extend_forum_page(annotate: Callable[[models.QuerySet], models.QuerySet]) -> None:
    """Called once by an app that knows more about forums, from its ``AppConfig.ready()``:
    ``annotate`` is applied to the forum page's queryset. Registration's
    ``with_seat_counts`` makes ``Forum.seats_left`` known, and with it the page shows the
    seats left and the Register / "Join the waiting list" link."""
    if annotate not in _FORUM_PAGE_EXTENSIONS:
        _FORUM_PAGE_EXTENSIONS.append(annotate)


def forum_page_extensions() -> tuple[Callable[[models.QuerySet], models.QuerySet], ...]:
    """What annotates the forum page's forum (``extend_forum_page``), in order."""
    return tuple(_FORUM_PAGE_EXTENSIONS)


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


def program_talk(conference, slug: str, drafts: bool = False):
    """The talk ``slug`` of ``conference`` with its forum, room and speakers in order (what
    ``Talk.objects.for_program()`` gives), or None. Two queries, compiled once."""
    from agenda.models import Forum, Room, Speaker, Talk, TalkSpeaker

    def talk_query(slug: str) -> models.QuerySet:
        return (
            Talk.objects.rewrite(False)
            .filter(conference=conference, slug=slug)
            .visible(drafts)
            .values_list(
                *_columns(Talk), *_columns(Forum, "forum__"), *_columns(Room, "forum__room__")
            )
        )

    rows = _fetch(("talk", conference.pk, drafts), talk_query, slug=slug)
    if not rows:
        return None
    talk, start = _instance(Talk, rows[0], 0)
    talk.forum, start = _instance(Forum, rows[0], start)
    talk.forum.room, _ = _instance(Room, rows[0], start)

    def speakers_query(slug: str) -> models.QuerySet:
        return (
            TalkSpeaker.objects.filter(talk__conference=conference, talk__slug=slug)
            .order_by("position", "pk")
            .values_list(*_columns(TalkSpeaker), *_columns(Speaker, "speaker__"))
        )

    talk.speaker_links = []
    for values in _fetch(("talk-speakers", conference.pk), speakers_query, slug=slug):
        link, start = _instance(TalkSpeaker, values, 0)
        link.speaker, _ = _instance(Speaker, values, start)
        talk.speaker_links.append(link)
    return talk


Annotate = Callable[[models.QuerySet], models.QuerySet]
_ANNOTATIONS: dict[tuple[Annotate, ...], tuple[str, ...]] = {}


def _annotation_names(annotate: tuple[Annotate, ...]) -> tuple[str, ...]:
    """The names of the annotations ``annotate`` add to forums, in order."""
    from agenda.models import Forum

    names = _ANNOTATIONS.get(annotate)
    if names is None:
        queryset = Forum.objects.all()
        for function in annotate:
            queryset = function(queryset)
        names = _ANNOTATIONS[annotate] = tuple(queryset.query.annotations)
    return names


def forum_values(
    conference,
    drafts: bool = False,
    *,
    slug: str | None = None,
    annotate: tuple[Annotate, ...] = (),
) -> tuple[tuple, ...]:
    """The rows of ``forums_in_order(conference, drafts)``, or of the forum ``slug`` only:
    each forum's columns, its room's, then the annotations of ``annotate`` (functions
    annotating a queryset of forums, such as ``forum_page_extensions()``). One query,
    compiled once per process. The rows are all a forum shows: ``forums_from_values`` makes
    the forums."""
    from agenda.models import Forum, Room

    names = _annotation_names(annotate)

    def forums_query(**slugs: str) -> models.QuerySet:
        # What forums_in_order() reads; rewrite(False): the language columns are named here.
        queryset = (
            Forum.objects.rewrite(False)
            .filter(conference=conference)
            .visible(drafts)
            .order_by("starts_at", "position", "pk")
        )
        for function in annotate:
            queryset = function(queryset)
        return queryset.filter(**slugs).values_list(
            *_columns(Forum), *_columns(Room, "room__"), *names
        )

    arguments = {"slug": slug} if slug is not None else {}
    key = ("forums-in-order", conference.pk, drafts, slug is not None, annotate)
    return tuple(_fetch(key, forums_query, **arguments))


def forums_from_values(rows: tuple[tuple, ...], annotate: tuple[Annotate, ...] = ()) -> list:
    """The forums (each with its room and annotations) of ``forum_values(...,
    annotate=annotate)``'s rows."""
    from agenda.models import Forum, Room

    names = _annotation_names(annotate)
    forums = []
    for values in rows:
        forum, start = _instance(Forum, values, 0)
        forum.room, start = _instance(Room, values, start)
        for name, value in zip(names, values[start:], strict=True):
            setattr(forum, name, value)
        forums.append(forum)
    return forums


def forum_talk_values(
    conference, slug: str, drafts: bool = False
) -> tuple[tuple[tuple, ...], tuple[tuple, ...]]:
    """The rows of forum ``slug``'s talks in start order (every column) and of their
    speakers in order (every column of the link, then of the speaker): two queries,
    compiled once. Draft talks are left out unless ``drafts``. The rows are all the talks
    show: ``forum_talks`` makes the talks."""
    from agenda.models import Speaker, Talk, TalkSpeaker

    def talks_query(slug: str) -> models.QuerySet:
        queryset = Talk.objects.rewrite(False).filter(conference=conference, forum__slug=slug)
        if not drafts:
            queryset = queryset.filter(is_published=True)
        return queryset.order_by("starts_at", "pk").values_list(*_columns(Talk))

    def links_query(slug: str) -> models.QuerySet:
        return (
            TalkSpeaker.objects.filter(talk__conference=conference, talk__forum__slug=slug)
            .order_by("talk_id", "position", "pk")
            .values_list(*_columns(TalkSpeaker), *_columns(Speaker, "speaker__"))
        )

    talks = _fetch(("forum-talks", conference.pk, drafts), talks_query, slug=slug)
    links = _fetch(("forum-links", conference.pk), links_query, slug=slug)
    return tuple(talks), tuple(links)


def forum_talks(rows: tuple[tuple[tuple, ...], tuple[tuple, ...]]) -> list:
    """The talks of ``forum_talk_values``' rows, each with its speakers in order (what
    ``ForumQuerySet.for_program`` prefetches)."""
    from agenda.models import Speaker, Talk, TalkSpeaker

    talk_values, link_values = rows
    talks = [_instance(Talk, values, 0)[0] for values in talk_values]
    by_pk = {talk.pk: talk for talk in talks}
    for talk in talks:
        talk.speaker_links = []
    for values in link_values:
        link, start = _instance(TalkSpeaker, values, 0)
        talk = by_pk.get(link.talk_id)
        if talk is not None:
            link.speaker, _ = _instance(Speaker, values, start)
            talk.speaker_links.append(link)
    return talks


def program_speaker(conference, slug: str, drafts: bool = False):
    """The speaker ``slug`` of ``conference`` with ``program_talks``: their talks in start
    order, each with its forum and room; or None. Two queries, compiled once. Draft talks
    are left out unless ``drafts``."""
    from agenda.models import Forum, Room, Speaker, Talk

    def speaker_query(slug: str) -> models.QuerySet:
        return (
            Speaker.objects.rewrite(False)
            .filter(conference=conference, slug=slug)
            .values_list(*_columns(Speaker))
        )

    rows = _fetch(("speaker", conference.pk), speaker_query, slug=slug)
    if not rows:
        return None
    speaker, _ = _instance(Speaker, rows[0], 0)

    def talks_query(slug: str) -> models.QuerySet:
        return (
            Talk.objects.rewrite(False)
            .filter(conference=conference, talkspeaker__speaker__slug=slug)
            .visible(drafts)
            .order_by("starts_at", "pk")
            .values_list(
                *_columns(Talk), *_columns(Forum, "forum__"), *_columns(Room, "forum__room__")
            )
        )

    speaker.program_talks = []
    for values in _fetch(("speaker-talks", conference.pk, drafts), talks_query, slug=slug):
        talk, start = _instance(Talk, values, 0)
        talk.forum, start = _instance(Forum, values, start)
        talk.forum.room, _ = _instance(Room, values, start)
        speaker.program_talks.append(talk)
    return speaker


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

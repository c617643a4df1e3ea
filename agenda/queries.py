"""Reusable read-side querysets for the program, and the program's reads that give model
instances (a talk, a speaker, a forum page's forum and talks). Every list here runs a fixed number
of queries. The program as plain rows (the agenda, the feeds, the speaker list) is in
``agenda.rows``, whose compiled statements the model-instance reads here share (``_fetch``)."""

from collections.abc import Callable

from django.db import models

from agenda.rows import _columns, _fetch, _instance


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


# --- The program as model instances -----------------------------------------------------------
# A talk, a speaker, a forum page's forum and talks: read with the program rows' compiled
# statements (agenda.rows._fetch, through the database routers), made with ``Model.from_db``.


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

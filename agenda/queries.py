"""Reusable read-side querysets for the program. Every list here runs a fixed number of queries."""

from collections.abc import Callable

from django.db import models


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


def extended_for_forum_page(queryset: models.QuerySet) -> models.QuerySet:
    for annotate in _FORUM_PAGE_EXTENSIONS:
        queryset = annotate(queryset)
    return queryset

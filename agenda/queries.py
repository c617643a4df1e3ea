"""Reusable read-side querysets for the program. Every list here runs a fixed number of queries."""

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

    def for_program(self) -> "TalkQuerySet":
        return self.select_related("forum", "forum__room").with_speakers()


class ForumQuerySet(models.QuerySet):
    def for_program(self) -> "ForumQuerySet":
        """Forums with their room and talks (with speakers in order): three queries in all."""
        from agenda.models import Talk

        return self.select_related("room").prefetch_related(
            models.Prefetch(
                "talks",
                queryset=Talk.objects.with_speakers().order_by("starts_at", "pk"),
                to_attr="program_talks",
            )
        )


def forums_in_order(conference) -> ForumQuerySet:
    """The conference's forums with their room, in program order (start time, then position)."""
    from agenda.models import Forum

    return (
        Forum.objects.filter(conference=conference)
        .select_related("room")
        .order_by("starts_at", "position")
    )

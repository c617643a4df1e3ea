"""Schedule changes: recorded as a published program is saved, so that attendees can be told.

A forum or talk of a published conference that gets a new start or end time, another room,
or is deleted (a cancelled talk; a forum with bookings cannot be deleted) leaves a
``ScheduleChange``. Nothing is recorded while the conference, the forum or the talk is a
draft: before publication nobody planned around it. Edits of titles, texts and speakers are
not schedule changes.
"""

from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from agenda.models import ChangeKind, Conference, Forum, Room, ScheduleChange, Talk

LANGUAGES = ("en", "zh_hans")


def _texts(obj, field: str) -> dict:
    return {code: getattr(obj, f"{field}_{code}", None) or "" for code in LANGUAGES}


def _room(room_id: int | None) -> dict:
    room = Room.objects.filter(pk=room_id).first() if room_id else None
    return _texts(room, "name") if room else {}


def _slot(starts_at, ends_at, room_id) -> dict:
    return {
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "room": _room(room_id),
    }


def _published(conference_id: int | None) -> bool:
    return bool(
        conference_id and Conference.objects.filter(pk=conference_id, is_published=True).exists()
    )


def _record(*, forum: Forum, talk: Talk | None, subject, kind, before, after) -> None:
    ScheduleChange.objects.create(
        conference_id=forum.conference_id,
        forum=forum,
        talk=talk,
        kind=kind,
        subject=subject,
        before=before,
        after=after,
    )


def _subject(forum: Forum, talk: Talk | None) -> dict:
    title = _texts(talk or forum, "title")
    return {"title": title, "forum": _texts(forum, "title")}


@receiver(pre_save, sender=Forum)
def forum_saved(sender, instance: Forum, raw=False, **kwargs) -> None:
    if raw or instance.pk is None or not _published(instance.conference_id):
        return
    old = (
        Forum.objects.filter(pk=instance.pk)
        .values("starts_at", "ends_at", "room_id", "is_published")
        .first()
    )
    if old is None or not (old["is_published"] and instance.is_published):
        return  # a draft (before or after) was never shown: nothing anyone planned around
    _compare(
        forum=instance,
        talk=None,
        old=old,
        new={
            "starts_at": instance.starts_at,
            "ends_at": instance.ends_at,
            "room_id": instance.room_id,
        },
    )


@receiver(pre_save, sender=Talk)
def talk_saved(sender, instance: Talk, raw=False, **kwargs) -> None:
    if raw or instance.pk is None or not instance.forum_id:
        return
    forum = instance.forum
    if not _published(forum.conference_id):
        return
    old = (
        Talk.objects.filter(pk=instance.pk)
        .values("starts_at", "ends_at", "forum__room_id", "forum_id", "is_published")
        .first()
    )
    if old is None or not (old["is_published"] and instance.is_published and forum.is_published):
        return
    _compare(
        forum=forum,
        talk=instance,
        old={
            "starts_at": old["starts_at"],
            "ends_at": old["ends_at"],
            "room_id": old["forum__room_id"],
        },
        new={
            "starts_at": instance.starts_at,
            "ends_at": instance.ends_at,
            "room_id": forum.room_id,
        },
    )


def _compare(*, forum: Forum, talk: Talk | None, old: dict, new: dict) -> None:
    moved = (old["starts_at"], old["ends_at"]) != (new["starts_at"], new["ends_at"])
    rehoused = old["room_id"] != new["room_id"]
    if not (moved or rehoused):
        return
    _record(
        forum=forum,
        talk=talk,
        subject=_subject(forum, talk),
        kind=ChangeKind.TIME if moved else ChangeKind.ROOM,
        before=_slot(old["starts_at"], old["ends_at"], old["room_id"]),
        after=_slot(new["starts_at"], new["ends_at"], new["room_id"]),
    )


@receiver(pre_delete, sender=Talk)
def talk_deleted(sender, instance: Talk, origin=None, **kwargs) -> None:
    if not isinstance(origin, Talk) and getattr(origin, "model", None) is not Talk:
        return  # deleted with its forum (or conference): the forum's record says it
    forum = Forum.objects.filter(pk=instance.forum_id).first()
    if forum is None or not _published(forum.conference_id):
        return
    if not (instance.is_published and forum.is_published):
        return  # a draft talk was never shown
    subject = _subject(forum, instance)
    # Its stars go with it (registration.Star cascades): who starred it is kept, by id only,
    # so that they can be told it is cancelled.
    stars = getattr(instance, "stars", None)
    if stars is not None:
        subject["starred_by"] = sorted(stars.values_list("registration_id", flat=True))
    _record(
        forum=forum,
        talk=None,  # the talk row goes away; its title stays in the subject
        subject=subject,
        kind=ChangeKind.CANCELLED,
        before=_slot(instance.starts_at, instance.ends_at, forum.room_id),
        after={},
    )


@receiver(pre_delete, sender=Forum)
def forum_deleted(sender, instance: Forum, origin=None, **kwargs) -> None:
    if isinstance(origin, Conference) or getattr(origin, "model", None) is Conference:
        return  # the whole conference goes
    if not _published(instance.conference_id) or not instance.is_published:
        return
    ScheduleChange.objects.create(
        conference_id=instance.conference_id,
        forum=None,  # going away
        kind=ChangeKind.CANCELLED,
        subject=_subject(instance, None),
        before=_slot(instance.starts_at, instance.ends_at, instance.room_id),
        after={},
    )

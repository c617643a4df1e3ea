"""Any change to the program makes cached program pages stale."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from agenda import caching
from agenda.models import Conference, Forum, Partner, Room, Speaker, Talk, TalkSpeaker

PROGRAM_MODELS = (Conference, Room, Forum, Talk, Speaker, TalkSpeaker, Partner)


@receiver(post_save)
@receiver(post_delete)
def program_changed(sender, **kwargs) -> None:
    if sender in PROGRAM_MODELS:
        caching.program_changed()


@receiver(m2m_changed, sender=Talk.speakers.through)
def speakers_changed(sender, **kwargs) -> None:
    caching.program_changed()

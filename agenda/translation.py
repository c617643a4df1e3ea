"""Program texts that organizers write in both English and Chinese (django-modeltranslation).

Each field gets ``<field>_en`` and ``<field>_zh_hans``; reading ``<field>`` gives the
reader's language and falls back to the other when it is empty.
"""

from modeltranslation.translator import TranslationOptions, register

from agenda.models import Conference, Forum, Partner, Room, Speaker, Talk


@register(Conference)
class ConferenceTranslation(TranslationOptions):
    fields = ("name", "tagline", "description", "venue", "address", "directions")


@register(Room)
class RoomTranslation(TranslationOptions):
    fields = ("name",)
    # Empty stays NULL so that the per-language unique constraint ignores it.
    empty_values = None


@register(Forum)
class ForumTranslation(TranslationOptions):
    fields = ("title", "description", "host")


@register(Talk)
class TalkTranslation(TranslationOptions):
    fields = ("title", "abstract")


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("name", "job_title", "organization", "bio")


@register(Partner)
class PartnerTranslation(TranslationOptions):
    fields = ("name",)

"""Registration texts that organizers write in both English and Chinese
(django-modeltranslation): the questions of the registration form and their choices.

Each field gets ``<field>_en`` and ``<field>_zh_hans``; reading ``<field>`` gives the
reader's language and falls back to the other when it is empty.
"""

from modeltranslation.translator import TranslationOptions, register

from registration.models import Question, QuestionChoice


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("label", "help_text")


@register(QuestionChoice)
class QuestionChoiceTranslation(TranslationOptions):
    fields = ("label",)

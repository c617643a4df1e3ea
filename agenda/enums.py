from django.db import models
from django.utils.translation import gettext_lazy as _


class ForumKind(models.TextChoices):
    MAIN = "main", _("Main forum")
    TOPIC = "topic", _("Topic forum")
    FEATURED = "featured", _("Featured forum")
    THEMATIC = "thematic", _("Thematic forum")
    FLASH = "flash", _("Flash talks")
    WORKSHOP = "workshop", _("Workshop")


class TalkKind(models.TextChoices):
    KEYNOTE = "keynote", _("Keynote")
    TALK = "talk", _("Talk")
    PANEL = "panel", _("Panel")
    FLASH = "flash", _("Flash talk")


class PartnerKind(models.TextChoices):
    # In the order the home page shows them.
    HOST = "host", _("Host")
    SPONSOR = "sponsor", _("Sponsor")
    PARTNER = "partner", _("Partner")
    MEDIA = "media", _("Media partner")


# Headings of the home page's partner groups.
PARTNER_GROUP_TITLES = {
    PartnerKind.HOST: _("Hosts"),
    PartnerKind.SPONSOR: _("Sponsors"),
    PartnerKind.PARTNER: _("Partners"),
    PartnerKind.MEDIA: _("Media partners"),
}

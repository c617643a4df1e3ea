from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Program")

    def ready(self) -> None:
        from agenda import changes, signals  # noqa: F401 - cache invalidation, changes

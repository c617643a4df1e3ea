from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration")

    def ready(self) -> None:
        # The forum page (agenda) shows seats left and Register / "Join the waiting list":
        # agenda may not import registration, so registration adds its seat counts there.
        from agenda.queries import extend_forum_page
        from registration.queries import with_seat_counts

        extend_forum_page(with_seat_counts)

        # A saved question, choice or question's forums makes the remembered questions stale.
        from registration.questions import connect_signals

        connect_signals()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        # Registration changes become webhook deliveries in their own transaction (the
        # outbox), and the mail worker's passes send them (api.webhooks).
        from api import schema, webhooks  # noqa: F401 (schema: the token's OpenAPI scheme)

        webhooks.connect()

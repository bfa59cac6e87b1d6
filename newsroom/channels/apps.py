from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "newsroom.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from newsroom.channels import receivers  # noqa: F401  (connects to submissions' signals)

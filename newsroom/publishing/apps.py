from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "newsroom.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from newsroom.publishing import receivers  # noqa: F401

from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "newsroom.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from newsroom.publishing import receivers  # noqa: F401

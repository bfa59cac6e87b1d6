from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "newsroom.channels"
    label = "channels"
    verbose_name = "Channels"

    def ready(self) -> None:
        from newsroom.channels import receivers  # noqa: F401  (connects to submissions' signals)

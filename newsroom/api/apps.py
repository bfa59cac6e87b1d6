from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The shared API layer: one error shape, permissions, pagination, idempotent retries."""

    name = "newsroom.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from django.urls import register_converter

        from newsroom.api.inputs import IdConverter

        register_converter(IdConverter, "id")

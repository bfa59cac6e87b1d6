from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The shared API layer: one error shape, permissions, pagination, idempotent retries."""

    name = "newsroom.api"
    label = "api"
    verbose_name = "API"

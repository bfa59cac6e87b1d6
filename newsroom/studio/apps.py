from django.apps import AppConfig


class StudioConfig(AppConfig):
    """The contributors' web studio: their articles, the editor, the timeline and notifications, as pages. The same
    workflow functions and serializers as the API: no second code path."""

    name = "newsroom.studio"
    label = "studio"
    default_auto_field = "django.db.models.BigAutoField"

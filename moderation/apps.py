from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from moderation import (
            receivers,  # noqa: F401  (connects to submissions' signals)
            track,
        )
        from newsroom.accounts import personal_data

        personal_data.register("editor_track", export=track.export, erase=track.erase)

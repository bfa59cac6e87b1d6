from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from moderation import (
            lexicon,  # noqa: F401  (edits of the lexicon reach every process's cache)
            receivers,  # noqa: F401  (connects to submissions' signals)
            track,
        )
        from newsroom.accounts import personal_data

        personal_data.register("editor_track", export=track.export, erase=track.erase)

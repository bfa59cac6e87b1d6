from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Submissions")

    def ready(self) -> None:
        from newsroom.accounts import personal_data
        from submissions import (
            media,  # noqa: F401  (deleting a Media row deletes its files)
            receivers,  # noqa: F401  (trust levels follow decisions)
        )
        from submissions import personal_data as ours

        personal_data.register("submissions", export=ours.export, erase=ours.erase)

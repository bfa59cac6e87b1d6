from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "Submissions"

    def ready(self) -> None:
        from newsroom.accounts import personal_data
        from submissions import (
            media,  # noqa: F401  (deleting a Media row deletes its files)
            receivers,  # noqa: F401  (trust levels follow decisions)
        )
        from submissions import personal_data as ours

        personal_data.register("submissions", export=ours.export, erase=ours.erase)

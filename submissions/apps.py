from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "Submissions"

    def ready(self) -> None:
        from newsroom.accounts import personal_data
        from submissions import personal_data as ours
        from submissions import receivers  # noqa: F401  (trust levels follow decisions)

        personal_data.register("submissions", export=ours.export, erase=ours.erase)

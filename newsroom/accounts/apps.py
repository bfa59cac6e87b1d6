from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "newsroom.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from newsroom.accounts.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="accounts.ensure_role_groups")

        from newsroom.accounts import personal_data, services

        personal_data.register("account", export=services.account_personal_data)

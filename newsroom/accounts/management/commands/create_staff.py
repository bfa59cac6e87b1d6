import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.accounts.roles import STAFF_ROLES
from newsroom.accounts.services import create_staff


class Command(BaseCommand):
    help = "Creates a verified editor or chief editor (password from NEWSROOM_PASSWORD or a prompt)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", required=True, choices=STAFF_ROLES)
        parser.add_argument("--display-name", default=None)

    def handle(self, *args: Any, email: str, role: str, display_name: str | None, **options: Any) -> None:
        password = os.environ.get("NEWSROOM_PASSWORD") or getpass.getpass("Password: ")
        try:
            user = create_staff(email=email, password=password, role=role, display_name=display_name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now {role}."))

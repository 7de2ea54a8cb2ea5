from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from p3dn.accounts import services
from p3dn.accounts.models import User


class Command(BaseCommand):
    help = "Create a national administrator account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=not sys.stdin.isatty(), help="login name")
        parser.add_argument("--email", default="", help="e-mail address")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of prompting",
        )

    def handle(
        self, *args: Any, username: str | None, email: str, password_stdin: bool, **options: Any
    ) -> None:
        username = username or input("Username: ").strip()
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("the two passwords differ")
        try:
            user = services.create_user(
                actor=None, username=username, password=password, role=User.Role.ADMIN, email=email
            )
        except ValidationError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
            )
            raise CommandError(f"account not created: {problems}") from None
        self.stdout.write(f"administrator {user.username} created")

"""Personal data across apps, for export and erasure, without accounts importing the apps that hold it.

Each app registers a provider in its AppConfig.ready(): a name, a function returning that app's data about a user
as JSON-ready values, and a function erasing what must go when the user deletes the account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from newsroom.accounts.models import User


@dataclass(frozen=True)
class Provider:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None] | None = None


_PROVIDERS: dict[str, Provider] = {}


def register(name: str, *, export: Callable[[Any], Any], erase: Callable[[Any], None] | None = None) -> None:
    _PROVIDERS[name] = Provider(name, export, erase)


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())


def export(user: User) -> dict[str, Any]:
    data: dict[str, Any] = {"exported_at": timezone.now().isoformat(), "format": "newsroom-export/1"}
    for provider in _PROVIDERS.values():
        data[provider.name] = provider.export(user)
    return data


def erase(user: User) -> None:
    for provider in _PROVIDERS.values():
        if provider.erase is not None:
            provider.erase(user)

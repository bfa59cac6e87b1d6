"""Pieces the admin pages of every app share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class ReadOnly:
    """For a ModelAdmin or an inline that shows records and never changes them (audit trails, logs,
    declarations made elsewhere): nothing can be added, changed or deleted through it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

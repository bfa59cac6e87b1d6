"""What the site's header says about the person reading: nothing for a guest; for a signed-in member their public
name and the count of unread notifications (one indexed COUNT, run only when a page's header shows it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from newsroom.accounts.services import notifications_unread_count


def _member(request: HttpRequest) -> dict[str, Any] | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return {
        "name": user.byline,
        "unread": notifications_unread_count(user=user),
    }


def member(request: HttpRequest) -> dict[str, Any]:
    return {"member": SimpleLazyObject(lambda: _member(request))}

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView


class ScopedThrottle(ScopedRateThrottle):
    """DRF's scoped throttle (per user, or per client IP for anonymous requests), reading its rate when the request
    arrives rather than at import, so that a changed setting applies at once."""

    def get_rate(self) -> Any:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")


class WriteThrottle(ScopedThrottle):
    """Throttles a view's writes (anything but GET, HEAD, OPTIONS) by its `write_throttle_scope`; reads pass.

    A scope of its own, so that a view can have both: MediaListApi counts an upload against "upload" (shared with
    avatars) and against "media_upload" (the article writes' burst limit)."""

    scope_attr = "write_throttle_scope"

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class ScopedThrottle(ScopedRateThrottle):
    """DRF's scoped throttle (per user, or per client IP for anonymous requests), reading its rate when the request
    arrives rather than at import, so that a changed setting applies at once."""

    def get_rate(self) -> Any:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")

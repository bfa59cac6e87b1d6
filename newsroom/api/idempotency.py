"""Idempotent retries for POST endpoints (Idempotency-Key). Being written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def idempotent(method: Callable[..., Any]) -> Callable[..., Any]:
    return method

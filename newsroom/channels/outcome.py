from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """What one attempt at a delivery came to. Not `ok` and `retryable`: try again after a backoff (or after
    `retry_after` seconds when the other side said so); not `ok` and not `retryable`: failed for good."""

    ok: bool
    retryable: bool = False
    http_status: int | None = None
    error: str = ""
    retry_after: float | None = None
    remote_id: str = ""
    remote_is_photo: bool = False

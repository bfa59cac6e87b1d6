"""Real-service gates. Without the service a test skips with the reason; under NEWSROOM_REQUIRE_SERVICES=1
(as in .ci/run) it fails instead, so CI can never pass by skipping."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection

REQUIRED = os.environ.get("NEWSROOM_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (NEWSROOM_REQUIRE_SERVICES=1: required)", pytrace=False)
    pytest.skip(reason)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL: set DATABASE_URL=postgres://...")


def require_redis() -> None:
    if not settings.REDIS_URL:
        unavailable("needs Redis: set REDIS_URL=redis://...")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at REDIS_URL is not reachable: {exc}")

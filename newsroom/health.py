"""GET /healthz: 200 when the database answers (with the broker's state), 503 when it does not."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"status": "down", "error": type(exc).__name__}
    return {"status": "up", "vendor": connection.vendor, "ms": round((time.monotonic() - started) * 1000, 1)}


def _broker() -> dict:
    if not settings.REDIS_URL:
        return {"status": "eager", "detail": "no REDIS_URL: tasks run in the web process"}
    import redis

    started = time.monotonic()
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        return {"status": "down", "error": type(exc).__name__}
    return {"status": "up", "ms": round((time.monotonic() - started) * 1000, 1)}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database, broker = _database(), _broker()
    ok = database["status"] == "up"
    body = {
        "status": ("ok" if broker["status"] != "down" else "degraded") if ok else "down",
        "database": database,
        "broker": broker,
    }
    response = JsonResponse(body, status=200 if ok else 503)
    if not ok:
        response["Retry-After"] = "5"
    return response

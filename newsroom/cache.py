"""Django's Redis cache, keeping one redis-py client per connection pool, and failing soft.

django.core.cache.backends.redis builds a new `redis.Redis` object on every cache call; building one costs
about 0.4 ms (its response-callback tables), which is a tenth of an uncached feed page and most of a cached one.
A client only holds its pool and is safe to share between threads, so one per pool is kept here; the pools
themselves stay Django's (one per server, per process).

Everything this project keeps in the cache can be recomputed: rendered public pages, the lexicon's version,
throttle counters. So a Redis that is down or slow is a cache miss, not an error: reads answer the default,
writes do nothing, and a warning is logged (at most every LOG_EVERY seconds). Readers keep getting pages,
rendered afresh, while Redis restarts; throttling is off until it is back (robustness/faults.py, scenario b).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

logger = logging.getLogger(__name__)

LOG_EVERY = 10.0
_last_logged = 0.0
# a Redis that hangs must not hang the request: connect and answer within these (seconds)
_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}


def _down(operation: str, exc: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY:
        _last_logged = now
        logger.warning("cache unavailable, %s treated as a miss: %s", operation, exc)


class _Client(RedisCacheClient):
    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        clients: dict[int, Any] = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client

    def get(self, key: Any, default: Any) -> Any:
        try:
            return super().get(key, default)
        except redis.RedisError as exc:
            _down("get", exc)
            return default

    def get_many(self, keys: Any) -> Any:
        try:
            return super().get_many(keys)
        except redis.RedisError as exc:
            _down("get_many", exc)
            return {}

    def has_key(self, key: Any) -> bool:
        try:
            return super().has_key(key)
        except redis.RedisError as exc:
            _down("has_key", exc)
            return False

    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        try:
            return super().add(key, value, timeout)
        except redis.RedisError as exc:
            _down("add", exc)
            return False

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        try:
            super().set(key, value, timeout)
        except redis.RedisError as exc:
            _down("set", exc)

    def set_many(self, data: Any, timeout: Any) -> None:
        try:
            super().set_many(data, timeout)
        except redis.RedisError as exc:
            _down("set_many", exc)

    def touch(self, key: Any, timeout: Any) -> bool:
        try:
            return super().touch(key, timeout)
        except redis.RedisError as exc:
            _down("touch", exc)
            return False

    def delete(self, key: Any) -> bool:
        try:
            return super().delete(key)
        except redis.RedisError as exc:
            _down("delete", exc)
            return False

    def delete_many(self, keys: Any) -> None:
        try:
            super().delete_many(keys)
        except redis.RedisError as exc:
            _down("delete_many", exc)

    def clear(self) -> bool:
        try:
            return super().clear()
        except redis.RedisError as exc:
            _down("clear", exc)
            return False


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = {**params, "OPTIONS": {**_TIMEOUTS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = _Client

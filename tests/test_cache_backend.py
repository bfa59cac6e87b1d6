"""The Redis cache backend (newsroom/cache.py) keeps one redis-py client per connection pool instead of building one
per call, and still behaves as Django's: against the real Redis."""

from __future__ import annotations

from django.conf import settings

from newsroom.cache import RedisCache
from tests.services import require_redis


def test_one_client_per_pool_and_the_cache_works():
    require_redis()
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "cache-backend-test"})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client(write=False) is client  # one server: reads and writes share the pool
    cache.set("key", {"ключ": "значение"}, 30)
    assert cache.get("key") == {"ключ": "значение"}
    assert cache.get_many(["key", "missing"]) == {"key": {"ключ": "значение"}}
    cache.delete("key")
    assert cache.get("key") is None

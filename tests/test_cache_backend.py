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


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


def test_a_redis_that_is_down_is_a_cache_miss_not_an_error():
    """A real connection refused (no server on the port): reads give the default, writes do nothing."""
    cache = RedisCache(f"redis://127.0.0.1:{_closed_port()}/0", {"KEY_PREFIX": "down"})
    cache.set("key", "value", 30)
    cache.set_many({"a": 1}, 30)
    assert cache.get("key") is None and cache.get("key", "default") == "default"
    assert cache.get_many(["key", "a"]) == {}
    assert cache.add("key", "value", 30) is False and cache.touch("key") is False
    assert cache.has_key("key") is False and cache.delete("key") is False
    cache.delete_many(["key"])


def test_pages_are_served_while_redis_is_down(client, settings, db):
    down = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.CACHES = {"default": {"BACKEND": "newsroom.cache.RedisCache", "LOCATION": down}}
    for path in ("/", "/feed/rss/", "/api/v1/feed/"):
        assert client.get(path).status_code == 200, path

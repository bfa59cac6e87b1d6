"""A database that cannot be reached gives 503 with Retry-After (the JSON error shape under /api/), never a 500.

Nothing is mocked: each request runs in a thread of its own whose database connection really fails — pointed at
a port where nothing listens (PostgreSQL) or at a file that cannot be opened (SQLite), or, on PostgreSQL,
terminated by the server in the middle of the request, as a restart does.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import close_old_connections, connection, connections
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from knox.models import AuthToken

from newsroom.api.unavailable import RETRY_AFTER_SECONDS
from tests.factories import UserFactory
from tests.services import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # released: nothing listens there now


def _unreachable(settings_dict: dict[str, Any], tmp: Path) -> dict[str, Any]:
    if settings_dict["ENGINE"].endswith("postgresql"):
        return {**settings_dict, "HOST": "127.0.0.1", "PORT": str(_closed_port())}
    return {**settings_dict, "NAME": str(tmp / "no-such-folder" / "newsroom.sqlite3")}


def _in_thread(work: Callable[[], Any]) -> Any:
    """Runs `work` in a new thread, which has database connections of its own; closes them afterwards."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the request did not finish within 60 s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _get_without_database(tmp: Path, path: str, **headers: str) -> HttpResponse:
    def work() -> HttpResponse:
        dead = connections["default"]
        dead.settings_dict = _unreachable(dead.settings_dict, tmp)
        return Client(raise_request_exception=False).get(path, headers=headers)

    return _in_thread(work)


def _assert_api_503(response: HttpResponse) -> dict[str, Any]:
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["error"]["code"] == "service_unavailable"
    assert body["error"]["fields"] == {}
    assert body["error"]["message"]
    return body


def test_the_feed_answers_503_with_the_error_shape_when_the_database_is_unreachable(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="newsroom.api.unavailable"):
        response = _get_without_database(tmp_path, "/api/v1/feed/", accept_language="en")
    body = _assert_api_503(response)
    assert body["error"]["message"] == "The service is temporarily unavailable. Try again in a few seconds."
    assert any("answered 503" in r.getMessage() for r in caplog.records)
    # the site still works once the database is there again (this thread's connection was never broken)
    assert Client().get("/api/v1/feed/").status_code == 200


def test_a_signed_in_request_answers_503_too(tmp_path):
    _, token = AuthToken.objects.create(UserFactory())  # the token lookup is the first query
    _assert_api_503(_get_without_database(tmp_path, "/api/v1/me/", authorization=f"Bearer {token}"))


def test_a_page_outside_the_api_gets_a_short_plain_503(tmp_path):
    response = _get_without_database(tmp_path, "/feed/rss/", accept_language="en")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/plain")
    assert len(response.content) < 200


class _QueryingMiddleware:
    """A middleware inside ServiceUnavailableMiddleware that reads the database before the view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from newsroom.accounts.models import User

        User.objects.exists()
        return self.get_response(request)


def test_a_failure_in_an_inner_middleware_is_a_503_too(settings, tmp_path):
    position = settings.MIDDLEWARE.index("newsroom.api.unavailable.ServiceUnavailableMiddleware") + 1
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:position],
        f"{__name__}._QueryingMiddleware",
        *settings.MIDDLEWARE[position:],
    ]
    _assert_api_503(_get_without_database(tmp_path, "/api/v1/feed/"))


def test_other_errors_are_not_turned_into_503(settings):
    """Only an unreachable database is a 503: a bug stays a 500, as it should."""
    position = settings.MIDDLEWARE.index("newsroom.api.unavailable.ServiceUnavailableMiddleware") + 1
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:position],
        f"{__name__}._BrokenMiddleware",
        *settings.MIDDLEWARE[position:],
    ]
    assert Client(raise_request_exception=False).get("/api/v1/feed/").status_code == 500


class _BrokenMiddleware(_QueryingMiddleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        raise RuntimeError("a bug")


def test_a_connection_terminated_during_the_request_gives_503_then_the_next_request_reconnects():
    """A PostgreSQL restart ends every connection, possibly in the middle of a request: that request gets a 503,
    and the worker's next request opens a new connection (the broken one is dropped, not reused)."""
    require_postgres()
    killers: list[Any] = []

    def terminate_first_query(
        execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        db = context["connection"]
        if not getattr(db, "_terminated", False):
            db._terminated = True
            pid = db.connection.info.backend_pid
            with killers[0].cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                for _ in range(50):
                    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                    if cursor.fetchone()[0] == 0:
                        break
                    time.sleep(0.05)
        return execute(sql, params, many, context)

    def work() -> tuple[HttpResponse, HttpResponse]:
        killers.append(connections.create_connection("default"))  # another session, to end the request's one
        try:
            db = connections["default"]
            # persistent, as in production, so that the next request would reuse it if it were not dropped
            db.settings_dict = {**db.settings_dict, "CONN_MAX_AGE": 60}
            client = Client(raise_request_exception=False)
            with db.execute_wrapper(terminate_first_query):
                first = client.get("/api/v1/feed/")
            # what a server does when a request ends (the test client leaves it out): unusable connections go
            close_old_connections()
            return first, client.get("/api/v1/feed/")
        finally:
            killers[0].close()

    first, second = _in_thread(work)
    _assert_api_503(first)
    assert second.status_code == 200, second.content
    assert connection.vendor == "postgresql"


def test_a_cache_that_cannot_be_reached_is_a_miss_not_a_503():
    """Redis down: the rendered public pages live in its cache, which fails soft (newsroom/cache.py), so the
    feed is rendered afresh instead of failing."""
    import redis

    location = f"redis://127.0.0.1:{_closed_port()}/0"
    unreachable = {"BACKEND": "newsroom.cache.RedisCache", "LOCATION": location}
    with pytest.raises(redis.ConnectionError):  # the premise: Redis really is unreachable there
        redis.Redis.from_url(location, socket_connect_timeout=0.5).ping()
    with override_settings(CACHES={"default": unreachable}):
        response = Client(raise_request_exception=False).get("/api/v1/feed/")
    assert response.status_code == 200, response.content

"""Sweeps over every route of the URLconf (django.urls.get_resolver(): a new route is covered without editing
these tests):

- every API list × an unreadable `page_size` → 400 `invalid` naming it;
- every route × every time parameter (the OpenAPI schema's date-time parameters, plus `before` and `cursor`) ×
  times out of range, at the offsets' and the range's edges, on DST edges and naive → never a 5xx, and a 400
  wherever the route reads the parameter and the time is invalid;
- every date-time field of a request body (the schema's) × the same times;
- every API route × `Accept: text/html` → 406 `not_acceptable`, as docs/errors.md says;
- the moderation queue's admin changelist × its time fields and its filters × the same times → never a 5xx.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from moderation.admin.queue import QueueItemAdmin
from moderation.models import QueueItem
from newsroom.accounts.models import User
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import submit_and_approve

pytestmark = pytest.mark.django_db

# times a client may send: out of datetime's range once in UTC, unreadable, or a day or hour that does not exist
INVALID = [
    "9999-12-31T23:59:59-23:59",
    "9999-12-31T23:59:59.999999-00:01",
    "0001-01-01T00:00:00+23:59",
    "0001-01-01T00:00:00+00:01",
    "10000-01-01T00:00:00Z",
    "0000-12-31T00:00:00Z",
    "2026-02-30T10:00:00Z",
    "2026-12-04T24:00:00Z",
    "2026-12-04T12:00:00+24:00",
    "tomorrow",
]
# valid, at the edges: of the range, of the offsets (PostgreSQL itself takes at most ±15:59), of DST, naive
EDGES = [
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59+23:59",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00-23:59",
    "2026-12-04T12:00:00-23:59",
    "2026-12-04T12:00:00+15:59",
    "2026-03-29T02:30:00+01:00",  # in the gap of Europe's spring DST change
    "2010-03-28T02:30:00",  # naive, in the gap of Moscow's last spring change
    "2010-10-31T02:30:00",  # naive, in the fold of Moscow's last autumn change
    "9999-12-31T23:59:59",  # naive
    "0001-01-01T00:00:00",  # naive
]
TIME_NAMES_BESIDES_THE_SCHEMA = ("before", "cursor")


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


ROUTES = [
    (route, pattern)
    for route, pattern in _walk(get_resolver())
    if not route.startswith(("admin/", "^media/", "api/docs/", "api/schema/"))  # Django's own; files; docs
]
API_ROUTES = [(route, pattern) for route, pattern in ROUTES if route.startswith("api/")]


def _has_get(pattern: URLPattern) -> bool:
    view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
    return view is None or hasattr(view, "get")  # a function view answers every method


class World:
    """One published article and the people around it, to fill in every route's path."""

    def __init__(self, editor: User, chief: User) -> None:
        self.author = UserFactory(trust_level=3)
        self.article = submit_and_approve(ArticleFactory(author=self.author), editor)
        self.chief = chief

    def path(self, route: str) -> str:
        values = {
            "article_id": self.article.pk,
            "author_id": self.author.pk,
            "slug": self.article.slug,
            "category": self.article.category.slug,
        }

        def fill(match: re.Match[str]) -> str:
            return str(values.get(match.group(2), "1"))

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


@pytest.fixture
def world(editor: User, chief: User) -> World:
    return World(editor, chief)


def _clients(world: World, api: Callable[..., Any]) -> list[Any]:
    """A chief editor (who may see every editors' route) and the author (who sees their own articles)."""
    return [api(world.chief), api(world.author)]


# --- page_size -------------------------------------------------------------------------------------------------


def _is_list(response: Any) -> bool:
    if response.status_code != 200 or not response["Content-Type"].startswith("application/json"):
        return False
    body = response.json()
    return isinstance(body, list) or (isinstance(body, dict) and isinstance(body.get("results"), list))


def test_every_api_list_refuses_an_unreadable_page_size(world, api):
    lists = []
    for route, pattern in API_ROUTES:
        if not _has_get(pattern):
            continue
        path = world.path(route)
        client = next((c for c in _clients(world, api) if _is_list(c.get(path))), None)
        if client is None:
            continue
        lists.append(route)
        for size in ("-5", "0", "abc", "1e3", "٣"):
            response = client.get(path, {"page_size": size})
            assert response.status_code == 400, (route, size, response.content[:200])
            error = response.json()["error"]
            assert error["code"] == "invalid" and set(error["fields"]) == {"page_size"}, (route, size)
    # the sweep found the lists it is about (and more): it cannot pass by finding none
    assert {"api/v1/feed/", "api/v1/articles/", "api/v1/notifications/", "api/v1/moderation/queue/"} <= set(
        lists
    ) and {"api/v1/moderation/audit/", "api/v1/categories/"} <= set(lists)


# --- times in query parameters ---------------------------------------------------------------------------------


def _schema_time_parameters() -> set[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        parameter["name"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
        if parameter.get("schema", {}).get("format") == "date-time"
    }


def _cursor_forms(time: str) -> list[str]:
    """`time` in each cursor format the site gives out: the pages' (`<time>|<id>`), the audit trail's (base64url
    of `<time>|<kind>|<id>`) and DRF's (base64 of `p=<time>`)."""
    return [
        f"{time}|1",
        base64.urlsafe_b64encode(f"{time}|article|1".encode()).decode().rstrip("="),
        base64.b64encode(f"p={time}".encode()).decode(),
    ]


def _values(name: str, times: list[str]) -> list[str]:
    return [form for time in times for form in _cursor_forms(time)] if name in ("before", "cursor") else times


def test_every_route_and_time_parameter_refuses_invalid_times_and_takes_the_edges(world, api, client):
    names = _schema_time_parameters() | set(TIME_NAMES_BESIDES_THE_SCHEMA)
    assert {"since", "until"} <= names  # the audit trail's, from the schema
    readers: set[tuple[str, str]] = set()
    for route, pattern in ROUTES:
        if not _has_get(pattern):
            continue
        path = world.path(route)
        user = api(world.chief) if route.startswith("api/") else client
        for name in sorted(names):
            # a route reads the parameter if an unreadable value is refused; the others must merely not fail
            reads = user.get(path, {name: "garbage"}).status_code == 400
            invalid = _values(name, INVALID) if reads else _values(name, INVALID[:1])
            for value in invalid:
                response = user.get(path, {name: value})
                assert response.status_code < 500, (route, name, value)
                if reads:
                    readers.add((route, name))
                    assert response.status_code == 400, (route, name, value, response.status_code)
                    if route.startswith("api/") or response["Content-Type"].startswith("application/json"):
                        assert "code" in response.json()["error"], (route, name, value)
            for value in _values(name, EDGES) if reads else []:
                assert user.get(path, {name: value}).status_code < 500, (route, name, value)
    assert {
        ("", "before"),
        ("category/<slug:category>/", "before"),
        ("authors/<id:author_id>/", "before"),
        ("feed/json/", "before"),
        ("api/v1/feed/", "cursor"),
        ("api/v1/moderation/audit/", "cursor"),
        ("api/v1/moderation/audit/", "since"),
        ("api/v1/moderation/audit/export/", "until"),
    } <= readers


# --- times in request bodies -----------------------------------------------------------------------------------


def _schema_time_fields() -> set[tuple[str, str, str]]:
    """(method, path, field) of every date-time property of a request body in the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            for content in operation.get("requestBody", {}).get("content", {}).values():
                ref = content["schema"].get("$ref", "")
                properties = components.get(ref.split("/")[-1], {}).get("properties", {})
                for field, spec in properties.items():
                    if spec.get("format") == "date-time":
                        found.add((method, path, field))
    return found


def _approve(api: Any, chief: User, queued: Any, value: str) -> Any:
    article = queued()
    return api(chief).post(
        f"/api/v1/moderation/articles/{article.pk}/approve/", {"publish_at": value}, format="json"
    )


# how to send each body field a time: a fresh article per request, since a valid time makes the move
BODY_SENDERS: dict[tuple[str, str, str], Callable[..., Any]] = {
    ("post", "/api/v1/moderation/articles/{article_id}/approve/", "publish_at"): _approve,
}


def test_every_time_in_a_request_body_refuses_invalid_times_and_takes_the_edges(api, chief, queued):
    fields = _schema_time_fields()
    # a new date-time field in a body must be added to BODY_SENDERS, so that it is swept too
    assert fields == set(BODY_SENDERS)
    for key in sorted(fields):
        send = BODY_SENDERS[key]
        for value in INVALID:
            response = send(api, chief, queued, value)
            assert response.status_code == 400, (key, value, response.status_code)
            assert set(response.json()["error"]["fields"]) == {key[2]}, (key, value)
        for value in EDGES:
            response = send(api, chief, queued, value)
            assert response.status_code < 500, (key, value, response.status_code)


# --- Accept ----------------------------------------------------------------------------------------------------


def test_every_api_route_answers_accept_html_with_a_406(world, api):
    for route, _pattern in API_ROUTES:
        response = api(world.chief).get(world.path(route), HTTP_ACCEPT="text/html")
        assert response.status_code == 406, (route, response.status_code)
        assert response["Content-Type"] == "application/json" and response.json()["error"]["code"] == (
            "not_acceptable"
        ), route


# --- the moderation queue's admin filters ----------------------------------------------------------------------


def test_the_queue_admin_refuses_filter_times_out_of_range_with_a_400_page(client, chief, queued):
    """Django's admin takes a filter on any field of the model from the query; the queue's time fields (from the
    model) × the comparisons × the times: a 400 page when out of range, never a 5xx; the queue's own filters
    (their parameter names, from list_filter) given times: never a 5xx."""
    queued()
    chief.is_staff = True
    chief.save(update_fields=["is_staff"])
    client.force_login(chief)
    url = "/admin/moderation/queueitem/"
    assert client.get(url).status_code == 200
    fields = [f.name for f in QueueItem._meta.get_fields() if isinstance(f, models.DateTimeField)]
    assert "due_at" in fields
    out_of_range = INVALID[:4]
    for name in fields:
        for lookup in ("", "__gte", "__lt"):
            for value in [
                *out_of_range,
                "0001-01-01",
            ]:  # a naive year 1, read in Europe/Moscow: year 0 in UTC
                response = client.get(url, {f"{name}{lookup}": value})
                assert response.status_code == 400, (name, lookup, value, response.status_code)
            for value in [*INVALID[4:], EDGES[0], EDGES[2]]:
                assert client.get(url, {f"{name}{lookup}": value}).status_code < 500, (name, lookup, value)
    parameters = [getattr(f, "parameter_name", None) or f for f in QueueItemAdmin.list_filter]
    for parameter in parameters:
        for value in INVALID + EDGES:
            response = client.get(url, {str(parameter): value})
            assert response.status_code < 500, (parameter, value, response.status_code)


def test_every_admin_changelist_refuses_filter_times_out_of_range_with_a_400_page(client):
    """Every registered ModelAdmin (taken from the admin site, so a new one is swept too) × its time fields: an
    out-of-range filter time is a 400 page, never a 5xx."""
    from django.contrib import admin as django_admin

    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    swept = 0
    for model, model_admin in django_admin.site._registry.items():
        fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.DateTimeField)]
        if not fields:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, (url, type(model_admin).__name__)
        for name in fields:
            response = client.get(url, {f"{name}__gte": INVALID[0]})
            assert response.status_code == 400, (url, name, response.status_code)
            swept += 1
    assert swept >= 10

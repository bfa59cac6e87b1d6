"""Consistent refusals: out-of-range times in cursors and filters, unreadable page sizes, and the answers made
outside DRF's views (413, the sign-in lockout, Accept) are 4xx in the one error envelope — never a 500.

The regressions of the issue, one test each; tests/api/test_sweeps.py walks every route."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest
from rest_framework.renderers import JSONRenderer

from newsroom.api.inputs import utc_datetime
from newsroom.api.pagination import BadCursor, Keyset
from tests.conftest import error_code
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import submit_and_approve

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "9999-12-31T23:59:59-23:59"  # year 10000 once in UTC


def drf_cursor(position: str) -> str:
    """A cursor as DRF's CursorPagination writes one (the feed API's `cursor`)."""
    return base64.b64encode(f"p={position}".encode()).decode()


@pytest.fixture
def published(editor: Any) -> Any:
    article = submit_and_approve(ArticleFactory(author=UserFactory(trust_level=3)), editor)
    assert article.published_at is not None
    return article


# --- the examples --------------------------------------------------------------------------------------


def test_a_reader_page_cursor_out_of_range_is_a_400_page(client, published):
    response = client.get("/", {"before": f"{OUT_OF_RANGE}|1"})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "Курсор недействителен".encode() in response.content


def test_the_json_feed_cursor_out_of_range_is_a_400_in_the_error_envelope(client, published):
    response = client.get("/feed/json/", {"before": f"{OUT_OF_RANGE}|1"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert error_code(response) == "invalid_cursor"


@pytest.mark.parametrize("position", [OUT_OF_RANGE, "0001-01-01T00:00:00+23:59", "2026-12-04 10:00:00"])
def test_a_feed_api_cursor_decoding_to_a_time_out_of_range_or_naive_is_a_400(api, published, position):
    response = api().get("/api/v1/feed/", {"cursor": drf_cursor(position)})
    assert response.status_code == 400 and error_code(response) == "invalid_cursor"


def test_a_feed_api_cursor_that_is_no_cursor_is_a_400_not_a_404(api, published):
    response = api().get("/api/v1/feed/", {"cursor": "not base64 at all"})
    assert response.status_code == 400 and error_code(response) == "invalid_cursor"


def test_the_feed_api_still_pages_with_its_own_cursors(api, editor):
    for _ in range(3):
        submit_and_approve(ArticleFactory(author=UserFactory(trust_level=3)), editor)
    first = api().get("/api/v1/feed/", {"page_size": 2}).json()
    second = api().get(first["next"].split("testserver")[-1].split("example.org")[-1]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert {a["slug"] for a in first["results"]}.isdisjoint(a["slug"] for a in second["results"])


@pytest.mark.parametrize("value", [OUT_OF_RANGE, "0001-01-01T00:00:00+00:01", "2026-02-30T10:00:00Z"])
@pytest.mark.parametrize("name", ["since", "until"])
def test_audit_time_filters_out_of_range_are_a_400_naming_them(api, editor, name, value):
    response = api(editor).get("/api/v1/moderation/audit/", {name: value})
    assert response.status_code == 400 and set(response.json()["error"]["fields"]) == {name}


def test_publish_at_out_of_range_is_a_400_naming_it(api, chief, queued):
    article = queued()
    response = api(chief).post(
        f"/api/v1/moderation/articles/{article.pk}/approve/", {"publish_at": OUT_OF_RANGE}, format="json"
    )
    assert response.status_code == 400 and set(response.json()["error"]["fields"]) == {"publish_at"}


# --- the parsing underneath ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9999-12-31T23:59:59+23:59", datetime(9999, 12, 31, 0, 0, 59, tzinfo=UTC)),
        ("0001-01-01T00:00:00-23:59", datetime(1, 1, 1, 23, 59, tzinfo=UTC)),
        ("2026-12-04T12:00:00+15:59", datetime(2026, 12, 3, 20, 1, tzinfo=UTC)),
        ("2026-12-04T12:00:00", datetime(2026, 12, 4, 12, 0, tzinfo=UTC)),  # naive: UTC
    ],
)
def test_times_at_the_edges_of_the_range_are_read_in_utc(text, expected):
    parsed = utc_datetime(text)
    assert parsed == expected and parsed.utcoffset() is not None and not parsed.utcoffset()


@pytest.mark.parametrize(
    "text",
    [OUT_OF_RANGE, "0001-01-01T00:00:00+00:01", "2026-12-04T24:00:00Z", "2026-12-04T12:00:00+24:00", "x", ""],
)
def test_times_out_of_range_or_unreadable_are_value_errors(text):
    with pytest.raises(ValueError):
        utc_datetime(text)
    with pytest.raises(ValueError):
        utc_datetime("2026-12-04T12:00:00", naive=None)


@pytest.mark.parametrize(
    "cursor", [f"{OUT_OF_RANGE}|1", "2026-12-04T12:00:00|1", f"2026-12-04T12:00:00Z|{2**63}"]
)
def test_keyset_cursors_out_of_range_naive_or_overflowing_are_bad_cursors(cursor):
    with pytest.raises(BadCursor):
        Keyset("published_at").decode(cursor)


# --- page sizes ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["-5", "0", "abc", "1e3", "٣"])
@pytest.mark.parametrize("search", [{}, {"q": "жители"}])
def test_an_unreadable_page_size_is_a_400_on_the_feed_and_on_search_alike(api, published, search, size):
    response = api().get("/api/v1/feed/", {**search, "page_size": size})
    assert response.status_code == 400 and error_code(response) == "invalid"
    assert set(response.json()["error"]["fields"]) == {"page_size"}


@pytest.mark.parametrize("query", ["limit=0", "page_size=0&limit=0&offset=-1"])
def test_every_unreadable_paging_parameter_is_named(api, contributor, query):
    response = api(contributor, lang="en").get(f"/api/v1/articles/?{query}")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    names = {pair.split("=")[0] for pair in query.split("&")}
    fields = response.json()["error"]["fields"]
    assert (
        set(fields) == names and fields["limit"][0]["message"] == "A whole number of 1 or more is required."
    )


def test_credentials_are_asked_for_before_paging_is_read(api, contributor):
    # who may ask comes before what was asked: without credentials a private list is a 401, whatever the paging
    response = api().get("/api/v1/articles/?limit=0&offset=0")
    assert response.status_code == 401 and error_code(response) == "not_authenticated"


def test_a_write_with_unreadable_paging_is_refused_before_it_takes_effect(api, contributor):
    response = api(contributor).post(
        "/api/v1/articles/?page_size=0", {"title": "Заметка", "body": "Текст"}, format="json"
    )
    assert response.status_code == 400 and error_code(response) == "invalid"
    assert not contributor.articles.exists()


def test_a_method_the_route_has_no_handler_for_is_a_405_whatever_the_paging(api, contributor):
    for method in ("trace", "delete"):
        response = getattr(api(contributor), method)("/api/v1/articles/?limit=0")
        assert response.status_code == 405, method


def test_a_page_size_over_the_maximum_is_the_maximum(api, published):
    response = api().get("/api/v1/feed/", {"page_size": "1000"})
    assert response.status_code == 200 and len(response.json()["results"]) == 1


# --- answers made outside DRF's views --------------------------------------------------------------------------


def test_a_body_over_the_limit_is_a_413_in_the_envelope_naming_the_limit(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    response = api(lang="en").post("/api/v1/auth/login/", "x" * 2_700_000, content_type="application/json")
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "request_too_large" and error["limit"] == 2_621_440
    assert "2.5" in error["message"] and "MB" in error["message"]
    russian = api().post("/api/v1/auth/login/", "x" * 2_700_000, content_type="application/json").json()
    assert "2,5" in russian["error"]["message"] and "МБ" in russian["error"]["message"]


def test_too_many_fields_is_a_413_naming_the_limit(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"f{i}=1" for i in range(20))
    response = client.get(f"/api/v1/feed/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    assert response.json()["error"]["limit"] == 10 and "at most 10" in response.json()["error"]["message"]
    page = client.get(f"/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 413 and b"at most 10" in page.content


def test_the_lockout_answers_in_the_envelope_rendered_as_every_other_error(api, contributor):
    client = api()
    for _ in range(5):
        client.post(
            "/api/v1/auth/login/", {"email": contributor.email, "password": "wrong-pw-x"}, format="json"
        )
    locked = client.post("/api/v1/auth/login/", {"email": contributor.email, "password": "x"}, format="json")
    refused = api().get("/api/v1/feed/", {"author": "x"})  # an error DRF rendered
    assert locked.status_code == 429 and locked["Retry-After"]
    assert locked["Content-Type"] == refused["Content-Type"] == "application/json"
    error = locked.json()["error"]
    assert error["code"] == "locked_out" and set(error) == {"code", "message", "fields", "retry_after"}
    # the same JSON encoding as DRF's: UTF-8 text, not \u escapes
    assert locked.content == JSONRenderer().render(locked.json())
    assert "Слишком много".encode() in locked.content


def test_api_errors_made_by_django_are_rendered_as_drfs(client):
    missing = client.get("/api/v1/no-such-route/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert missing.content == JSONRenderer().render(missing.json())


def test_accept_html_on_an_api_route_is_a_406_as_documented(api):
    response = api().get("/api/v1/feed/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406 and response["Content-Type"] == "application/json"
    assert error_code(response) == "not_acceptable"

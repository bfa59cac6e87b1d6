"""The answers the API really gives match /api/schema/: each case here is a finding of the fuzzer (a list
documented as a bare array while it is a page, a field documented non-null that is null on a new draft, a relative
avatar URL documented as a URI, CSV documented as JSON, an HTML 404 under /api/), kept as a fast regression test
that runs in `make test`. The fuzzer itself (fuzz_api.py) runs in `make robustness`."""

from __future__ import annotations

import io
from typing import Any

import pytest
import requests
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsroom.wsgi import application
from tests.conftest import error_code
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", application)


def conforms(path: str, method: str, response: Any) -> None:
    operation = SCHEMA.find_operation_by_path(method.upper(), path)
    assert operation is not None, (method, path)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    headers: dict[str, list[str]] = {}
    for name, value in response.headers.items():
        headers.setdefault(name.lower(), []).append(value)
    request = requests.Request(method.upper(), f"http://testserver{path}").prepare()
    answer = schemathesis.Response(
        status_code=response.status_code,
        headers=headers,
        content=content,
        request=request,
        elapsed=0.0,
        verify=False,
    )
    operation.validate_response(answer)  # raises with the violations


def test_lists_are_documented_as_the_pages_they_are(api, contributor, chief):
    ArticleFactory(author=contributor)
    conforms("/api/v1/articles/", "get", api(contributor).get("/api/v1/articles/"))
    conforms("/api/v1/feed/", "get", api().get("/api/v1/feed/"))
    conforms("/api/v1/moderation/queue/", "get", api(chief).get("/api/v1/moderation/queue/"))
    applications = api(chief).get("/api/v1/editor-track/applications/")
    conforms("/api/v1/editor-track/applications/", "get", applications)
    assert set(applications.json()) == {"count", "next", "previous", "results"}


def test_a_new_empty_draft_matches_its_schema(api, contributor):
    response = api(contributor).post("/api/v1/articles/", {}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["category"] is None and body["revision"] is None and body["reject_reason"] == ""
    conforms("/api/v1/articles/", "post", response)


def test_the_avatar_url_is_absolute(api, contributor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (300, 300), (10, 120, 200)).save(out, "PNG")
    upload = SimpleUploadedFile("me.png", out.getvalue(), content_type="image/png")
    response = api(contributor).put("/api/v1/me/avatar/", {"avatar": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["avatar"].startswith(f"{settings.SITE_URL}/media/avatars/")  # never the Host
    conforms("/api/v1/me/avatar/", "put", response)
    conforms("/api/v1/me/", "get", api(contributor).get("/api/v1/me/"))


def test_the_audit_export_is_documented_as_csv(api, chief):
    response = api(chief).get("/api/v1/moderation/audit/export/")
    assert response["Content-Type"].startswith("text/csv")
    conforms("/api/v1/moderation/audit/export/", "get", response)


@pytest.mark.parametrize(
    "path", ["/api/v1/articles/abc/", "/api/v1/nothing-here/", "/api/v1/articles/1234567890123456789/"]
)
def test_an_api_path_that_matches_no_route_is_a_json_404(api, contributor, path):
    response = api(contributor).get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert error_code(response) == "not_found"


def test_errors_are_documented_with_the_error_envelope(api):
    response = api().get("/api/v1/articles/")
    assert response.status_code == 401
    conforms("/api/v1/articles/", "get", response)


@pytest.mark.parametrize("query", ["limit=-1", "limit=abc", "offset=null", "offset=1.5", "limit=²"])
def test_unreadable_page_parameters_are_a_400_naming_them(api, contributor, query):
    response = api(contributor).get(f"/api/v1/articles/?{query}")
    assert response.status_code == 400 and error_code(response) == "invalid"
    assert set(response.json()["error"]["fields"]) == {query.split("=")[0]}


def test_an_unknown_queue_scope_is_a_400(api, editor):
    response = api(editor).post("/api/v1/moderation/queue/claim-next/?scope=AAA")
    assert response.status_code == 400 and "scope" in response.json()["error"]["fields"]


@pytest.mark.parametrize("author", ["99999999999999999999999999", "²", "-1", "1e3"])
def test_an_author_filter_that_is_no_id_is_a_400(api, author):
    response = api().get("/api/v1/feed/", {"author": author})
    assert response.status_code == 400 and "author" in response.json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/api/v1/feed/?q=a%00b", "/api/v1/feed/?category=%00", "/search/?q=%00"])
def test_a_nul_character_in_the_query_is_a_400(client, path):
    """PostgreSQL text cannot hold NUL: found by the attack corpus on PostgreSQL as a DataError (500)."""
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert error_code(response) == "malformed_request"


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        ("1534-10-02T16:23:30-18:41", 200),
        ("0001-01-01T00:00:00+05:00", 400),
        ("9999-12-31T23:59:59-05:00", 400),
        ("2026-13-01T00:00", 400),
    ],
)
def test_audit_times_are_read_in_utc_or_refused(api, chief, moment, status):
    """Found by the fuzzer on PostgreSQL: an offset of -18:41 is valid ISO 8601 text that PostgreSQL refuses
    (DataError, 500); times are now moved to UTC first, and those that leave datetime's range there are a 400."""
    for path in ("/api/v1/moderation/audit/", "/api/v1/moderation/audit/export/"):
        response = api(chief).get(path, {"until": moment})
        assert response.status_code == status, (path, moment, response.status_code)
        if status == 400:
            assert "until" in response.json()["error"]["fields"]
        elif path.endswith("export/"):
            b"".join(response.streaming_content)  # the query runs while streaming

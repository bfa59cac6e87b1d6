"""Article writes are throttled per user: creating, saving (autosave too), submitting, uploading images. Past its
rate each route answers 429 in the project's error shape with Retry-After; reading is never throttled."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsroom import settings as project_settings
from tests.conftest import error_code
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import NEW_ARTICLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings: Any) -> Any:
    def set_rates(**scopes: str) -> None:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": scopes}

    return set_rates


def assert_throttled(response: Any) -> None:
    assert response.status_code == 429 and error_code(response) == "throttled"
    assert {"code", "message", "fields"} <= set(response.json()["error"])
    assert int(response["Retry-After"]) > 0


def test_the_default_write_rates_leave_room_for_autosave() -> None:
    rates = project_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["article_write"] == "120/min" and rates["media_upload"] == "30/min"


def test_creating_articles_is_throttled_reading_is_not(api: Any, contributor: Any, rates: Any) -> None:
    rates(article_write="2/min")
    client = api(contributor)
    for _ in range(2):
        assert client.post("/api/v1/articles/", NEW_ARTICLE, format="json").status_code == 201
    assert_throttled(client.post("/api/v1/articles/", NEW_ARTICLE, format="json"))
    for _ in range(3):
        assert client.get("/api/v1/articles/").status_code == 200
    # per user: another contributor still writes
    assert api(UserFactory()).post("/api/v1/articles/", NEW_ARTICLE, format="json").status_code == 201


def test_saving_and_autosaving_count_as_writes(api: Any, contributor: Any, rates: Any) -> None:
    rates(article_write="2/min")
    client = api(contributor)
    article = ArticleFactory(author=contributor)
    url = f"/api/v1/articles/{article.pk}/"
    first = client.patch(url, {"body": "раз"}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert first.status_code == 200
    second = client.patch(f"{url}?autosave=1", {"body": "два"}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert second.status_code == 200
    assert_throttled(client.patch(url, {"body": "три"}, format="json", HTTP_IF_MATCH=second["ETag"]))
    assert client.get(url).status_code == 200


def test_submitting_is_throttled(api: Any, contributor: Any, rates: Any) -> None:
    rates(article_write="1/min")
    client = api(contributor)
    first, second = ArticleFactory(author=contributor), ArticleFactory(author=contributor)
    assert client.post(f"/api/v1/articles/{first.pk}/submit/").status_code == 200
    assert_throttled(client.post(f"/api/v1/articles/{second.pk}/submit/"))


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_uploading_images_is_throttled_by_its_own_rate(
    api: Any, contributor: Any, rates: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    rates(media_upload="1/min", article_write="100/min")
    client = api(contributor)
    article = ArticleFactory(author=contributor)
    url = f"/api/v1/articles/{article.pk}/media/"
    assert client.post(url, {"file": _jpeg()}, format="multipart").status_code == 201
    assert_throttled(client.post(url, {"file": _jpeg()}, format="multipart"))
    assert client.get(url).status_code == 200

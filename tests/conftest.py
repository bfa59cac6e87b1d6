from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import TestCase
from knox.models import AuthToken
from rest_framework.test import APIClient

from newsroom.celery import app as celery_app
from tests.factories import ArticleFactory, EditorFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    # collected static files are not needed to render admin pages in tests
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]  # speed; hashing is Django's
    # no throttling unless a test sets a rate for its scope
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Throttle counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_tasks(request: pytest.FixtureRequest) -> Any:
    """Unit and API tests run tasks eagerly; integration tests switch to a real worker themselves."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


class CommittingAPIClient(APIClient):
    """Runs the on_commit hooks a request registered when the request ends, as a real commit would.

    Tests run inside a transaction that is rolled back, so without this no after-commit side effect (mail,
    check dispatch) would ever fire."""

    def request(self, **kwargs: Any) -> Any:
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**kwargs)


@pytest.fixture
def commit() -> Any:
    """`with commit(): service(...)` runs the service's after-commit hooks at the end of the block."""
    return lambda: TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def api() -> Callable[..., APIClient]:
    """api(user=None, lang="ru") -> an APIClient signed in with a real Bearer token."""

    def make(user: Any = None, lang: str = "ru") -> APIClient:
        client = CommittingAPIClient(HTTP_ACCEPT_LANGUAGE=lang)
        if user is not None:
            _, token = AuthToken.objects.create(user)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def contributor(db: Any) -> Any:
    return UserFactory()


@pytest.fixture
def editor(db: Any) -> Any:
    return EditorFactory()


@pytest.fixture
def draft(contributor: Any) -> Any:
    return ArticleFactory(author=contributor)


def error_code(response: Any) -> str:
    return response.json()["error"]["code"]

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import TestCase
from knox.models import AuthToken
from rest_framework.test import APIClient

from newsroom.accounts.roles import CHIEF_EDITOR, JUNIOR_EDITOR
from newsroom.celery import app as celery_app
from tests.factories import ArticleFactory, EditorFactory, UserFactory
from tests.helpers import submitted


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


def _run_tasks_eagerly() -> Iterator[None]:
    # the Celery app's own flag: settings.CELERY_TASK_ALWAYS_EAGER is read once, when the app is configured
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _eager_tasks(request: pytest.FixtureRequest) -> Iterator[None]:
    """Unit and API tests run tasks eagerly; integration tests switch to a real worker themselves, or ask for
    `eager_tasks`."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    yield from _run_tasks_eagerly()


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """For an integration test without a worker: its tasks run in-process, and nothing goes to the broker (whose
    default queue a developer's worker may be reading)."""
    yield from _run_tasks_eagerly()


# After-commit work is robust: a failing on_commit callback (robust=True) or signal receiver (send_robust) is
# logged, never raised, so the move that committed stands. These are the loggers that report such a failure:
# Django's on_commit on a real commit, and in captureOnCommitCallbacks (the `commit` fixture, the test client);
# Django's send_robust; and submissions.workflow._after_commit.
AFTER_COMMIT_LOGGERS = ("django.db.backends.base", "django.test", "django.dispatch", "submissions.workflow")


class _ErrorRecords(logging.Handler):
    def __init__(self, expected: bool) -> None:
        super().__init__(level=logging.ERROR)
        self.expected = expected  # the test provokes such failures on purpose
        self.records: list[logging.LogRecord] = []
        self.reported = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def fail_on_new_records(self) -> None:
        new, self.reported = self.records[self.reported :], len(self.records)
        if new and not self.expected:
            formatter = logging.Formatter("%(name)s: %(message)s")
            pytest.fail(
                "after-commit work failed during the test (logged, not raised):\n"
                + "\n".join(formatter.format(record) for record in new),
                pytrace=False,
            )


@pytest.fixture(autouse=True)
def _after_commit_errors_fail(request: pytest.FixtureRequest) -> Iterator[_ErrorRecords]:
    """A test during which after-commit work failed (an ERROR on AFTER_COMMIT_LOGGERS) fails, though the app
    only logs it. A test that provokes such a failure on purpose is marked `after_commit_errors`, or asks for the
    `after_commit_errors` fixture and asserts on the records itself."""
    handler = _ErrorRecords(
        expected=bool(request.node.get_closest_marker("after_commit_errors"))
        or "after_commit_errors" in request.fixturenames
    )
    loggers = [logging.getLogger(name) for name in AFTER_COMMIT_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        if not logger.isEnabledFor(logging.ERROR):
            logger.setLevel(logging.ERROR)
    try:
        yield handler
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
    handler.fail_on_new_records()  # what the fixtures' teardown logged


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """Fails the test itself (not its teardown) when after-commit work failed while it ran."""
    result = yield
    handler = getattr(item, "funcargs", {}).get("_after_commit_errors_fail")
    if handler is not None:
        handler.fail_on_new_records()
    return result


@pytest.fixture
def after_commit_errors(_after_commit_errors_fail: _ErrorRecords) -> list[logging.LogRecord]:
    """The after-commit failures logged during the test, for a test that provokes one and asserts on it."""
    return _after_commit_errors_fail.records


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
def chief(db: Any) -> Any:
    return UserFactory(role=CHIEF_EDITOR)


@pytest.fixture
def junior(db: Any) -> Any:
    return UserFactory(role=JUNIOR_EDITOR)


@pytest.fixture
def draft(contributor: Any) -> Any:
    return ArticleFactory(author=contributor)


@pytest.fixture
def queued() -> Callable[..., Any]:
    """queued(**article fields) -> an article by a fresh author (unless one is given), submitted and checked: in
    review, with its place in the queue."""

    def make(**kw: Any) -> Any:
        article = submitted(kw.pop("author", None) or UserFactory(), **kw)
        assert article.queue_key is not None
        return article

    return make


def error_code(response: Any) -> str:
    return response.json()["error"]["code"]

"""Idempotency-Key under a real race: many copies of one request at once, on PostgreSQL (SQLite serialises
every writer, so only a real database can show the unique claim doing its work)."""

import threading
from collections import Counter

import pytest
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from newsroom.api.models import IdempotencyKey
from submissions.models import Article, ArticleEvent
from submissions.states import Action
from tests.factories import UserFactory
from tests.helpers import NEW_ARTICLE as NEW
from tests.services import require_postgres

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 50


def test_fifty_simultaneous_retries_create_one_article():
    require_postgres()  # creating a draft starts no task: eager or not makes no difference here
    author = UserFactory()
    _, token = AuthToken.objects.create(author)
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, dict, bool]] = []
    crashes: list[BaseException] = []

    def send() -> None:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        try:
            barrier.wait()
            response = client.post("/api/v1/articles/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="race-1")
            results.append(
                (response.status_code, response.json(), response.has_header("Idempotent-Replayed"))
            )
        except BaseException as exc:  # a 500 raises in the test client: record it, do not lose it
            crashes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert crashes == []
    assert len(results) == THREADS
    statuses = Counter(code for code, _, _ in results)
    assert set(statuses) <= {201, 409}, statuses
    assert Article.objects.filter(author=author).count() == 1
    article = Article.objects.get(author=author)
    assert ArticleEvent.objects.filter(article=article, action=Action.CREATE).count() == 1
    originals = [body for code, body, replayed in results if code == 201 and not replayed]
    replays = [body for code, body, replayed in results if code == 201 and replayed]
    assert len(originals) == 1 and originals[0]["id"] == article.pk
    assert all(body == originals[0] for body in replays)
    assert all(body["error"]["code"] == "idempotency_in_flight" for code, body, _ in results if code == 409)
    row = IdempotencyKey.objects.get(user=author, key="race-1")
    assert row.state == "done" and row.response_status == 201
    print(
        f"\n{THREADS} requests: {len(originals)} original, {len(replays)} replays, {statuses[409]} in flight"
    )

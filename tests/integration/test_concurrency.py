"""Races that only a real database can show (SQLite serialises every writer)."""

import threading

import pytest
from django.db import connection

from newsroom.api.errors import ApplicationError
from submissions import workflow
from submissions.models import Article
from submissions.states import Status
from tests.factories import ArticleFactory, UserFactory
from tests.services import require_postgres

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_concurrent_submits_cannot_beat_the_daily_limit(eager_tasks):
    """A level-1 author (3 a day) with 2 submissions sends 4 more at once: exactly one gets through. The checks the
    submissions start run in-process (eager_tasks): there is no worker here, and nothing goes to the broker."""
    require_postgres()
    author = UserFactory()
    for _ in range(2):
        workflow.article_submit(actor=author, article_id=ArticleFactory(author=author).pk)
    drafts = [ArticleFactory(author=author) for _ in range(4)]
    barrier = threading.Barrier(len(drafts))
    outcomes: list[str] = []

    def submit(article_id: int) -> None:
        try:
            barrier.wait()
            workflow.article_submit(actor=author, article_id=article_id)
            outcomes.append("submitted")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(a.pk,)) for a in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["submission_rate_limited"] * 3 + ["submitted"]
    assert Article.objects.filter(author=author).exclude(status=Status.DRAFT).count() == 3

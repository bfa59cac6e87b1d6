"""100 PATCHes with the same If-Match on PostgreSQL, 40 at a time (PostgreSQL's default max_connections is 100, and
the suite's own connections count too): exactly one wins, the rest get 412, no lost update."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from submissions.models import Revision
from tests.factories import ArticleFactory, UserFactory
from tests.services import require_postgres

WAVE = 40

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_concurrent_patches_with_one_stale_etag(settings):
    require_postgres()
    author = UserFactory()
    article = ArticleFactory(author=author)
    _, token = AuthToken.objects.create(author)
    version_before = article.version
    etag = f'"v{version_before}"'
    revisions_before = Revision.objects.filter(article=article).count()
    barrier = threading.Barrier(WAVE)
    statuses: list[int] = []
    winners: list[str] = []

    def edit(n: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        try:
            if n < WAVE:
                barrier.wait()  # the first wave starts together
            title = f"Правка номер {n}"
            response = client.patch(
                f"/api/v1/articles/{article.pk}/", {"title": title}, format="json", HTTP_IF_MATCH=etag
            )
            statuses.append(response.status_code)
            if response.status_code == 200:
                winners.append(title)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WAVE) as pool:
        list(pool.map(edit, range(100)))
    assert len(statuses) == 100
    assert set(statuses) <= {200, 412}
    # every request carried the version current when they started, so the first to take the row wins: exactly
    # one 200 (none would mean the If-Match check refuses a current version, and a suite answering 412 to
    # everything would pass an "at most one")
    assert statuses.count(200) == 1 and statuses.count(412) == 99 and len(winners) == 1
    article.refresh_from_db()
    assert article.title == winners[0] and article.version == version_before + 1
    assert Revision.objects.filter(article=article).count() == revisions_before + 1

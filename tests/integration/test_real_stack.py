"""The whole path of a piece of news on PostgreSQL, Redis and a real Celery worker and beat (not eager)."""

import datetime as dt
import re
from urllib.parse import unquote

import feedparser
import pytest
from django.utils import timezone

from moderation.checks import REGISTRY
from newsroom.accounts.services import create_staff
from submissions import workflow
from submissions.models import Article
from submissions.states import Status
from tests.factories import PASSWORD, ArticleFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BODY = (
    "В воскресенье в городском парке прошёл благотворительный забег. Более восьмисот участников пробежали пять "
    "километров, а все собранные средства направят на ремонт детской больницы. Организаторы рассказали, что "
    "забег проводится уже в третий раз, и с каждым годом участников становится больше. Среди бегунов были "
    "школьники, пенсионеры и даже несколько семей с колясками. Следующий забег назначен на весну, "
    "а регистрация участников откроется в феврале на сайте городского спортивного клуба. Участие бесплатное."
)


def test_register_to_feed_through_a_real_worker(api, real_stack, client):
    real_stack.start_worker()

    # a reader registers and verifies the address with the mailed link
    anonymous = api()
    assert (
        anonymous.post(
            "/api/v1/auth/register/",
            {"email": "reporter@example.org", "password": PASSWORD, "display_name": "Репортёр"},
            format="json",
        ).status_code
        == 201
    )
    # the letter is composed and sent by the worker
    real_stack.wait_for(lambda: "token=" in real_stack.mail(), "the verification letter")
    token = unquote(re.search(r"token=(\S+)", real_stack.mail()).group(1))
    assert anonymous.post("/api/v1/auth/verify-email/", {"token": token}, format="json").status_code == 200
    login = anonymous.post(
        "/api/v1/auth/login/", {"email": "reporter@example.org", "password": PASSWORD}, format="json"
    )
    author = api()
    author.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['token']}")

    # writes and submits; the checks run in the worker process
    article = author.post(
        "/api/v1/articles/",
        {
            "title": "Благотворительный забег собрал восемьсот человек",
            "lead": "Деньги пойдут на больницу.",
            "body": BODY,
            "language": "ru",
            "category": "society",
            "rights_confirmed": True,
        },
        format="json",
    ).json()
    submitted = author.post(f"/api/v1/articles/{article['id']}/submit/")
    assert submitted.status_code == 200
    real_stack.wait_for(
        lambda: author.get(f"/api/v1/articles/{article['id']}/").json()["status"] == "in_review",
        "the worker to check the submission",
    )
    checks = author.get(f"/api/v1/articles/{article['id']}/checks/").json()
    assert [(c["check"], c["outcome"]) for c in checks] == [(name, "pass") for name in sorted(REGISTRY)]

    # an editor claims it and approves it
    create_staff(email="desk@example.org", password=PASSWORD, role="editor")
    token = anonymous.post(
        "/api/v1/auth/login/", {"email": "desk@example.org", "password": PASSWORD}, format="json"
    )
    desk = api()
    desk.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    claimed = desk.post("/api/v1/moderation/queue/claim-next/")
    assert claimed.status_code == 200 and claimed.json()["id"] == article["id"]
    approved = desk.post(f"/api/v1/moderation/articles/{article['id']}/approve/", {}, format="json")
    assert approved.json()["status"] == "published"

    # readers see it in the feed and in RSS
    slug = approved.json()["slug"]
    assert slug == "blagotvoritelnyi-zabeg-sobral-vosemsot-chelovek"
    assert [i["slug"] for i in api().get("/api/v1/feed/").json()["results"]] == [slug]
    assert api().get(f"/api/v1/feed/{slug}/").json()["body"] == BODY
    feed = feedparser.parse(client.get("/feed/rss/").content)
    assert [e.title for e in feed.entries] == ["Благотворительный забег собрал восемьсот человек"]


def test_beat_publishes_a_scheduled_article_and_releases_a_stale_claim(real_stack):
    real_stack.start_worker()
    author = UserFactory()
    editor = create_staff(email="chief@example.org", password=PASSWORD, role="editor")
    scheduled, claimed = ArticleFactory(author=author), ArticleFactory(author=author)
    for article in (scheduled, claimed):
        workflow.article_submit(actor=author, article_id=article.pk)
    real_stack.wait_for(
        lambda: (
            Article.objects.filter(pk__in=[scheduled.pk, claimed.pk], status=Status.IN_REVIEW).count() == 2
        ),
        "checks of both submissions",
    )
    workflow.article_approve(
        actor=editor, article_id=scheduled.pk, publish_at=timezone.now() + dt.timedelta(hours=1)
    )
    Article.objects.filter(pk=claimed.pk).update(
        claimed_by=editor, claim_expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert Article.objects.get(pk=scheduled.pk).status == Status.SCHEDULED
    # then the hour passes (test data), before any beat runs. Approving for two seconds ahead instead made the
    # test depend on the machine: past those seconds, approving publishes at once and it is never scheduled
    past = timezone.now() - dt.timedelta(seconds=1)
    Article.objects.filter(pk=scheduled.pk).update(publish_at=past)
    Article.objects.filter(pk=claimed.pk).update(claim_expires_at=past)

    real_stack.start_beat()
    real_stack.wait_for(
        lambda: Article.objects.get(pk=scheduled.pk).status == Status.PUBLISHED, "beat to publish", timeout=60
    )
    real_stack.wait_for(
        lambda: Article.objects.get(pk=claimed.pk).claimed_by_id is None,
        "beat to release the claim",
        timeout=60,
    )

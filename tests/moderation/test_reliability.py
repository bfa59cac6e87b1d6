"""Reliability rules that follow from the settings, and the content rules added for [4/8]."""

import pytest
from django.conf import settings

from moderation.checks.base import Snapshot
from moderation.checks.content_rules import ContentRules
from moderation.models import CheckResult
from submissions import workflow
from submissions.models import Article
from submissions.states import Status
from tests.factories import BODY_RU, ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_task_is_never_redelivered_while_it_may_still_run():
    """Redis redelivers an unacknowledged task after the visibility timeout. The longest a task can take, with
    every retry's backoff, must stay below it, or a slow task would run twice at once."""
    from moderation.tasks import run_check as task

    backoff_total = sum(
        min(task.retry_backoff_max, task.retry_backoff * 2**n) for n in range(task.max_retries)
    )
    runtime_total = (task.max_retries + 1) * settings.CELERY_TASK_TIME_LIMIT
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert backoff_total + runtime_total < visibility
    assert task.acks_late and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT


def snapshot(**overrides):
    values = {
        "revision_id": 1,
        "article_id": 1,
        "author_id": 1,
        "title": "Жители отстояли сквер у реки",
        "lead": "Лид.",
        "body": BODY_RU,
        "language": "ru",
        "category": "city",
    }
    return Snapshot(**{**values, **overrides})


def test_content_rules_capitals_repeats_and_sources():
    assert ContentRules().run(snapshot()).outcome == "pass"
    shouting = ContentRules().run(snapshot(body=BODY_RU.upper()))
    assert "too_many_capitals" in {f.code for f in shouting.findings}
    repeated = ContentRules().run(snapshot(body=BODY_RU + " Срочно!!!!!!"))
    assert "repeated_characters" in {f.code for f in repeated.findings}
    undeclared = ContentRules().run(snapshot(extra={"has_third_party_material": True, "sources": []}))
    assert undeclared.outcome == "fail" and "sources_missing" in {f.code for f in undeclared.findings}
    named = ContentRules().run(
        snapshot(
            extra={
                "has_third_party_material": True,
                "sources": [{"kind": "document", "url": "https://a.org"}],
            }
        )
    )
    assert named.outcome == "pass"


def test_checks_record_their_duration(commit):
    article = ArticleFactory()
    with commit():
        workflow.article_submit(actor=article.author, article_id=article.pk)
    rows = CheckResult.objects.filter(revision__article=article)
    assert rows and all(row.duration_ms is not None for row in rows)


def test_a_rolled_back_submit_dispatches_nothing(commit):
    article = ArticleFactory()
    with pytest.raises(RuntimeError), commit():
        from django.db import transaction

        with transaction.atomic():
            workflow.article_submit(actor=article.author, article_id=article.pk)
            raise RuntimeError("the request failed after the submit")
    assert not CheckResult.objects.exists()
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_a_crashing_check_is_recorded_as_error_and_the_article_still_reaches_editors(commit, monkeypatch):
    from moderation.checks import REGISTRY

    class Broken:
        name, version, weight = "broken", 1, 1.0

        def run(self, snapshot):
            raise ValueError("bug in a check")

    monkeypatch.setitem(REGISTRY, "broken", Broken())
    article = ArticleFactory()
    with commit():
        workflow.article_submit(actor=article.author, article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    row = CheckResult.objects.get(revision__article=article, check_name="broken")
    assert row.outcome == "error" and row.evidence == {"error": "ValueError"}


def test_rerun_checks_command_reruns_and_reports_timings(commit):
    from io import StringIO

    from django.core.management import call_command

    article = ArticleFactory()
    with commit():
        workflow.article_submit(actor=article.author, article_id=article.pk)
    before = {row.check_name: row.attempts for row in CheckResult.objects.filter(revision__article=article)}
    out = StringIO()
    call_command("rerun_checks", "--since", "2000-01-01", stdout=out)
    after = {row.check_name: row.attempts for row in CheckResult.objects.filter(revision__article=article)}
    assert all(after[name] == before[name] + 1 for name in before)
    assert "Re-ran" in out.getvalue() and "ms per revision" in out.getvalue()


def test_editors_see_evidence_and_timings_authors_do_not(api, commit, editor):
    article = ArticleFactory()
    with commit():
        workflow.article_submit(actor=article.author, article_id=article.pk)
    for_editor = api(editor).get(f"/api/v1/moderation/articles/{article.pk}/checks/").json()
    assert for_editor and all("evidence" in row and "duration_ms" in row for row in for_editor)
    for_author = api(article.author).get(f"/api/v1/articles/{article.pk}/checks/").json()
    assert for_author and all("evidence" not in row for row in for_author)

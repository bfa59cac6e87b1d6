import pytest

from moderation import runner
from moderation.checks import REGISTRY
from moderation.checks.base import Snapshot
from moderation.checks.content_rules import ContentRules
from moderation.models import CheckResult
from moderation.tasks import resume_stalled_checks, run_check
from submissions import workflow
from submissions.models import Article
from submissions.states import Status
from tests.factories import BODY_RU, ArticleFactory

pytestmark = pytest.mark.django_db


def snap(**kw):
    base = dict(
        revision_id=1,
        article_id=1,
        author_id=1,
        title="Нормальный заголовок новости",
        lead="Лид",
        body=BODY_RU,
        language="ru",
        category="city",
    )
    return Snapshot(**{**base, **kw})


def test_content_rules_pass_warn_fail():
    assert ContentRules().run(snap()).outcome == "pass"
    warn = ContentRules().run(snap(lead=""))
    assert warn.outcome == "warn" and [f.code for f in warn.findings] == ["missing_lead"]
    fail = ContentRules().run(snap(title="Коротко", body="Мало текста."))
    assert fail.outcome == "fail" and {f.code for f in fail.findings} == {"title_too_short", "body_too_short"}
    assert fail.score > warn.score > 0


def test_submission_is_checked_and_the_author_sees_localized_findings(api, contributor):
    article = ArticleFactory(author=contributor, lead="", body="Слишком короткий текст.")
    client = api(contributor)
    client.post(f"/api/v1/articles/{article.pk}/submit/")
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW and article.risk_score > 0.5
    ru = client.get(f"/api/v1/articles/{article.pk}/checks/").json()
    en = api(contributor, lang="en").get(f"/api/v1/articles/{article.pk}/checks/").json()
    assert (
        [r["check"] for r in ru] == sorted(REGISTRY) and ru[0]["outcome"] == "fail" and ru[0]["revision"] == 1
    )
    assert {f["code"] for f in ru[0]["findings"]} == {"body_too_short", "missing_lead"}
    assert "символов" in ru[0]["findings"][0]["message"] and "characters" in en[0]["findings"][0]["message"]


def test_a_redelivered_check_task_rewrites_its_row(contributor, commit):
    article = ArticleFactory(author=contributor)
    with commit():
        workflow.article_submit(actor=contributor, article_id=article.pk)
    article.refresh_from_db()
    run_check(article.current_revision_id, "content_rules")  # the broker delivers the same task again
    rows = CheckResult.objects.filter(revision=article.current_revision, check_name="content_rules")
    assert rows.count() == 1 and rows.get().attempts == 2
    assert CheckResult.objects.filter(revision=article.current_revision).count() == len(REGISTRY)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    assert article.events.filter(action="checks_complete").count() == 1


class Crashing:
    name, version, weight = "crashing", 1, 1.0

    def run(self, snapshot):
        raise RuntimeError("boom")


def test_a_crashing_check_is_recorded_as_error_and_never_blocks(contributor, commit, monkeypatch):
    monkeypatch.setitem(REGISTRY, "crashing", Crashing())
    article = ArticleFactory(author=contributor)
    with commit():
        workflow.article_submit(actor=contributor, article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    assert (
        CheckResult.objects.get(revision=article.current_revision, check_name="crashing").outcome == "error"
    )
    others = CheckResult.objects.filter(revision=article.current_revision).exclude(check_name="crashing")
    safe = 0.7  # an errored check counts 0.3
    for row in others:
        safe *= 1 - row.score
    assert article.risk_score == pytest.approx(1 - safe, abs=1e-4)


def test_checks_of_a_superseded_revision_do_not_move_the_article(contributor, commit):
    article = ArticleFactory(author=contributor)
    workflow.article_submit(actor=contributor, article_id=article.pk)  # hooks not run: checks "lost"
    article.refresh_from_db()
    old_revision = article.current_revision_id
    workflow.article_withdraw(actor=contributor, article_id=article.pk)
    assert runner.run_all_now(old_revision) is False
    assert Article.objects.get(pk=article.pk).status == Status.WITHDRAWN


def test_stalled_submissions_are_checked_again_by_beat(contributor, settings):
    article = ArticleFactory(author=contributor)
    workflow.article_submit(actor=contributor, article_id=article.pk)  # the dispatch after commit never ran
    assert Article.objects.get(pk=article.pk).status == Status.SUBMITTED
    settings.NEWSROOM = {**settings.NEWSROOM, "STALLED_CHECKS_AFTER": __import__("datetime").timedelta(0)}
    assert resume_stalled_checks() == 1
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW

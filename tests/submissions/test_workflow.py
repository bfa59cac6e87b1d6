"""The lifecycle table, move by move, straight against submissions.workflow."""

import datetime as dt

import pytest
from django.utils import timezone

from submissions import policy, workflow
from submissions.errors import InvalidTransition, NotFound
from submissions.models import Article, ArticleEvent
from submissions.states import TRANSITIONS, Action, Status
from tests.factories import ArticleFactory, EditorFactory

pytestmark = pytest.mark.django_db


def _call(action, article, author, editor):
    calls = {
        Action.SUBMIT: lambda: workflow.article_submit(actor=author, article_id=article.pk),
        Action.WITHDRAW: lambda: workflow.article_withdraw(actor=author, article_id=article.pk),
        Action.REQUEST_CHANGES: lambda: workflow.article_request_changes(
            actor=editor, article_id=article.pk, message="m"
        ),
        Action.APPROVE: lambda: workflow.article_approve(
            actor=editor, article_id=article.pk, publish_at=timezone.now() + dt.timedelta(days=1)
        ),
        Action.REJECT: lambda: workflow.article_reject(
            actor=editor, article_id=article.pk, reason_code="spam", message="m"
        ),
        Action.RETRACT: lambda: workflow.article_retract(actor=editor, article_id=article.pk, reason="m"),
    }
    return calls[action]()


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize(
    "action",
    [Action.SUBMIT, Action.WITHDRAW, Action.REQUEST_CHANGES, Action.APPROVE, Action.REJECT, Action.RETRACT],
)
def test_every_move_is_allowed_exactly_from_its_table_states(status, action, contributor):
    editor = EditorFactory(role="chief_editor")
    article = ArticleFactory(author=contributor)
    Article.objects.filter(pk=article.pk).update(status=status)
    sources, target = TRANSITIONS[action]
    events_before = ArticleEvent.objects.count()
    if status in sources:
        _call(action, article, contributor, editor)
        article.refresh_from_db()
        assert article.status == target or (action == Action.SUBMIT and article.status == Status.IN_REVIEW)
        event = ArticleEvent.objects.filter(article=article, action=action).get()
        assert (event.from_status, event.to_status) == (status, target)
    else:
        # a draft, or a draft withdrawn unsubmitted, is private to its author: to an editor it does not exist
        # (the same 404 as in the queue)
        editors_move = action not in (Action.SUBMIT, Action.WITHDRAW)
        article.refresh_from_db()
        refusal = NotFound if editors_move and not policy.seen_by_editors(article) else InvalidTransition
        with pytest.raises(refusal):
            _call(action, article, contributor, editor)
        article.refresh_from_db()
        assert article.status == status
        assert ArticleEvent.objects.count() == events_before


def test_submit_snapshots_a_numbered_revision(draft, contributor):
    workflow.article_submit(actor=contributor, article_id=draft.pk)
    draft.refresh_from_db()
    assert draft.current_revision.number == 1
    assert draft.current_revision.body == draft.body


def test_approve_now_publishes_with_a_transliterated_unique_slug(contributor, editor, commit):
    first = ArticleFactory(author=contributor, title="Новости дня: ёлка в центре")
    second = ArticleFactory(author=contributor, title="Новости дня: ёлка в центре")
    for article in (first, second):
        with commit():
            workflow.article_submit(actor=contributor, article_id=article.pk)
        workflow.article_approve(actor=editor, article_id=article.pk)
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED and article.published_at
    assert first.slug == "novosti-dnia-elka-v-tsentre"
    assert second.slug == "novosti-dnia-elka-v-tsentre-2"
    actions = list(ArticleEvent.objects.filter(article=first).values_list("action", flat=True))
    assert actions == ["submit", "checks_complete", "approve", "publish"]


def test_scheduled_article_is_published_by_the_beat_task_when_due(contributor, editor, commit):
    from submissions.tasks import publish_due

    article = ArticleFactory(author=contributor)
    with commit():
        workflow.article_submit(actor=contributor, article_id=article.pk)
    when = timezone.now() + dt.timedelta(hours=1)
    workflow.article_approve(actor=editor, article_id=article.pk, publish_at=when)
    article.refresh_from_db()
    assert article.status == Status.SCHEDULED
    assert publish_due() == 0
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - dt.timedelta(seconds=1))
    assert publish_due() == 1
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert publish_due() == 0  # idempotent

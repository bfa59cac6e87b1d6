"""What editors may see and act on, the same rule for every editor:

- an article exists for editors only once it has been submitted; a draft its author withdrew without ever
  submitting it stays private (API, revisions, timeline, queue filters, admin);
- an article with a first approval is for an editor who may give the second: a junior editor can neither claim it
  nor undo that approval by rejecting or sending it back;
- no one decides on their own article, chief editors included: not unschedule, retract or correct it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from submissions import workflow
from submissions.models import Article
from submissions.states import Status
from tests.conftest import error_code
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import submitted
from tests.robustness.conftest import count

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn_unsubmitted(contributor):
    article = ArticleFactory(author=contributor, title="Черновик, который никто не видел")
    workflow.article_withdraw(actor=contributor, article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Status.WITHDRAWN and article.submitted_at is None
    return article


def test_a_draft_withdrawn_unsubmitted_does_not_exist_for_editors(api, client, editor, withdrawn_unsubmitted):
    article_id = withdrawn_unsubmitted.pk
    as_editor = api(editor)
    for url in (
        f"/api/v1/moderation/articles/{article_id}/",
        f"/api/v1/moderation/articles/{article_id}/checks/",
        f"/api/v1/articles/{article_id}/revisions/",
        f"/api/v1/articles/{article_id}/timeline/",
    ):
        response = as_editor.get(url)
        assert response.status_code == 404 and error_code(response) == "not_found", url
    listed = as_editor.get("/api/v1/moderation/queue/", {"state": "withdrawn", "scope": "all"})
    assert listed.status_code == 200
    assert article_id not in [item["id"] for item in listed.json()["results"]]
    note = as_editor.post(f"/api/v1/moderation/articles/{article_id}/notes/", {"text": "?"}, format="json")
    assert note.status_code == 404

    client.force_login(editor)
    assert client.get(f"/admin/submissions/article/{article_id}/change/").status_code in (302, 404)
    assert withdrawn_unsubmitted.title not in client.get("/admin/submissions/article/").content.decode()


def test_an_article_withdrawn_after_submission_stays_visible_to_editors(api, editor, contributor):
    article = submitted(contributor)
    workflow.article_request_changes(actor=editor, article_id=article.pk, message="Добавьте источник.")
    workflow.article_withdraw(actor=contributor, article_id=article.pk)
    response = api(editor).get(f"/api/v1/moderation/articles/{article.pk}/")
    assert response.status_code == 200 and response.json()["status"] == Status.WITHDRAWN


def test_a_junior_can_neither_claim_nor_undo_a_first_approval(api, junior, queued):
    article = queued()
    first = UserFactory(role="junior_editor")
    workflow.article_approve(actor=first, article_id=article.pk)
    assert Article.objects.get(pk=article.pk).first_approved_by_id == first.pk
    as_junior = api(junior)
    for action, body in (
        ("claim", {}),
        ("reject", {"reason_code": "spam"}),
        ("request-changes", {"message": "Переделайте."}),
        ("approve", {}),
    ):
        response = as_junior.post(f"/api/v1/moderation/articles/{article.pk}/{action}/", body, format="json")
        assert response.status_code == 409 and error_code(response) == "awaiting_second_approval", action
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    assert article.first_approved_by_id == first.pk and article.claimed_by_id is None


def test_an_editor_still_gives_the_second_approval(api, editor, queued):
    article = queued()
    workflow.article_approve(actor=UserFactory(role="junior_editor"), article_id=article.pk)
    response = api(editor).post(f"/api/v1/moderation/articles/{article.pk}/approve/", {}, format="json")
    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED


def test_a_chief_editor_does_not_decide_on_their_own_article(api, chief, editor):
    own = submitted(chief)
    scheduled = submitted(chief)
    workflow.article_approve(actor=editor, article_id=own.pk)  # published at once
    workflow.article_approve(
        actor=editor, article_id=scheduled.pk, publish_at=timezone.now() + dt.timedelta(days=1)
    )
    as_chief = api(chief)
    for url, body in (
        (f"/api/v1/moderation/articles/{own.pk}/retract/", {"reason": "Ошибка."}),
        (f"/api/v1/moderation/articles/{own.pk}/corrections/", {"text": "Исправлено."}),
        (f"/api/v1/moderation/articles/{scheduled.pk}/unschedule/", {}),
    ):
        response = as_chief.post(url, body, format="json")
        assert response.status_code == 403 and error_code(response) == "conflict_of_interest", url
    assert Article.objects.get(pk=own.pk).status == Status.PUBLISHED
    assert Article.objects.get(pk=scheduled.pk).status == Status.SCHEDULED
    assert not own.corrections.exists()


def _article_routes() -> list[tuple[str, str]]:
    """(path, method) for every non-admin route of one article, from the URLconf: a new route is swept too."""
    from tests.test_permission_matrix import _routes

    fill = {"media_id": "1", "number": "1", "stage": "fact_check", "other": "1"}
    found = []
    for _name, method, pattern in _routes():
        route = str(pattern.pattern)
        if "<id:article_id>" not in route:
            continue
        path = route.replace("<id:article_id>", "{article_id}")
        for key, value in fill.items():
            for converter in ("id", "int", "slug", "str"):
                path = path.replace(f"<{converter}:{key}>", value)
        assert "<" not in path, f"a path parameter to fill in: {route}"
        found.append((path, method))
    return found


@pytest.mark.parametrize("role", ["editor", "junior", "chief"])
def test_no_article_route_reveals_or_changes_a_draft_withdrawn_unsubmitted(api, role, request):
    """The sweep: every route of one article, every method, as every kind of editor."""
    author = UserFactory()
    article = ArticleFactory(author=author, title="Никем не виденный черновик")
    workflow.article_withdraw(actor=author, article_id=article.pk)
    events = article.events.count()
    client = api(request.getfixturevalue(role))
    routes = _article_routes()
    assert len(routes) > 20
    for template, method in routes:
        path = "/api/v1/" + template.format(article_id=article.pk)
        response = getattr(client, method)(path, {}, format="json")
        count("editor reach: unsubmitted drafts probed (route x method)")
        assert response.status_code >= 400, (method, path, response.status_code)
        assert article.title not in response.content.decode(), (method, path)
    article.refresh_from_db()
    assert article.status == Status.WITHDRAWN and article.events.count() == events


def test_the_sweep_reaches_the_routes_it_names(api, editor):
    """A control for the sweep above: the same paths answer an editor about a submitted article (a wrong prefix
    would make every answer a 404 and the sweep pass for nothing)."""
    article = submitted(UserFactory())
    client = api(editor)
    answered = [
        template
        for template, method in _article_routes()
        if method == "get"
        and client.get("/api/v1/" + template.format(article_id=article.pk)).status_code == 200
    ]
    assert len(answered) >= 4, answered


def _post_everything(client, article_id: int) -> list[tuple[str, int]]:
    bodies = {
        "reject/": {"reason_code": "spam"},
        "request-changes/": {"message": "Переделайте."},
        "retract/": {"reason": "Ошибка."},
        "corrections/": {"text": "Исправлено."},
        "notes/": {"text": "Заметка."},
    }
    answers = []
    for template, method in _article_routes():
        if method != "post" or not template.startswith("moderation/"):
            continue
        body = next((b for suffix, b in bodies.items() if template.endswith(suffix)), {})
        path = "/api/v1/" + template.format(article_id=article_id)
        answers.append((path, client.post(path, body, format="json").status_code))
        count("editor reach: decisions tried on a conflicted article")
    return answers


def _state(article_id: int) -> tuple:
    article = Article.objects.get(pk=article_id)
    return (
        article.status,
        article.claimed_by_id,
        article.first_approved_by_id,
        article.events.count(),
        article.corrections.count(),
    )


def test_sweep_a_junior_changes_nothing_on_a_first_approved_article(api, junior, queued):
    article = queued()
    workflow.article_approve(actor=UserFactory(role="junior_editor"), article_id=article.pk)
    before = _state(article.pk)
    answers = _post_everything(api(junior), article.pk)
    assert len(answers) >= 8
    assert _state(article.pk) == before, answers


def test_sweep_a_chief_changes_nothing_on_their_own_articles(api, chief, editor):
    in_review = submitted(chief)
    published = submitted(chief)
    workflow.article_approve(actor=editor, article_id=published.pk)
    for article in (in_review, published):
        before = _state(article.pk)
        answers = _post_everything(api(chief), article.pk)
        assert _state(article.pk) == before, answers

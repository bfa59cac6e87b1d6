import datetime as dt

import pytest
from django.utils import timezone

from moderation.checks import REGISTRY
from moderation.tasks import release_expired_claims
from submissions.models import Article
from submissions.states import Status
from tests.conftest import error_code
from tests.factories import EditorFactory, UserFactory
from tests.helpers import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(contributor):
    """in_review(**kw) -> an article in review (checks run), by `contributor` unless an author is given (unlike the
    folder's `in_review`, whose articles each have a new author)."""

    def make(**kw):
        return submitted(kw.pop("author", contributor), **kw)

    return make


def test_queue_lists_in_review_by_risk_with_check_summary(api, editor, in_review):
    risky = in_review(body="Коротко.")
    calm = in_review()
    response = api(editor).get("/api/v1/moderation/queue/")
    assert response.status_code == 200
    items = response.json()["results"]
    assert [i["id"] for i in items] == [risky.pk, calm.pk]
    summary = {c["check"]: c for c in items[0]["checks"]}
    assert set(summary) == set(REGISTRY)
    assert summary["content_rules"]["outcome"] == "fail"
    assert items[0]["risk_score"] >= summary["content_rules"]["score"]  # one failing check is enough


def test_queue_query_count_does_not_grow_with_page_size(
    api, editor, in_review, django_assert_max_num_queries
):
    client = api(editor)
    for _ in range(2):
        in_review(author=UserFactory())
    with django_assert_max_num_queries(20) as small:
        client.get("/api/v1/moderation/queue/?limit=2")
    for _ in range(12):
        in_review(author=UserFactory())
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get("/api/v1/moderation/queue/?limit=14").json()["results"]) == 14


def test_claim_next_then_nothing_left(api, editor, in_review):
    article = in_review()
    client = api(editor)
    first = client.post("/api/v1/moderation/queue/claim-next/")
    assert first.status_code == 200 and first.json()["id"] == article.pk
    assert first.json()["claimed_by"]["id"] == editor.pk and first.json()["body"]
    assert client.post("/api/v1/moderation/queue/claim-next/").status_code == 204


def test_claim_next_never_hands_an_editor_their_own_article(api, editor, in_review):
    in_review(author=editor)
    assert api(editor).post("/api/v1/moderation/queue/claim-next/").status_code == 204


def test_a_claimed_article_is_closed_to_other_editors_until_released(api, editor, in_review):
    article = in_review()
    other = api(EditorFactory())
    api(editor).post(f"/api/v1/moderation/articles/{article.pk}/claim/")
    for path in ("claim", "approve", "release"):
        response = other.post(f"/api/v1/moderation/articles/{article.pk}/{path}/", {}, format="json")
        assert response.status_code == 409 and error_code(response) == "claimed_by_other", path
    assert api(editor).post(f"/api/v1/moderation/articles/{article.pk}/release/").status_code == 200
    assert other.post(f"/api/v1/moderation/articles/{article.pk}/claim/").status_code == 200


def test_expired_claims_are_released_by_beat(api, editor, in_review):
    article = in_review()
    api(editor).post(f"/api/v1/moderation/articles/{article.pk}/claim/")
    Article.objects.filter(pk=article.pk).update(claim_expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert release_expired_claims() == 1
    assert Article.objects.get(pk=article.pk).claimed_by is None


def test_approve_publishes_now(api, editor, in_review):
    article = in_review()
    response = api(editor).post(
        f"/api/v1/moderation/articles/{article.pk}/approve/", {"note": "ок"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "published" and response.json()["slug"]


def test_approve_with_a_time_schedules(api, editor, in_review):
    article = in_review()
    when = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    response = api(editor).post(
        f"/api/v1/moderation/articles/{article.pk}/approve/", {"publish_at": when}, format="json"
    )
    assert response.json()["status"] == "scheduled"


def test_a_draft_does_not_exist_for_editors_deciding(api, editor, draft):
    """A draft is private to its author: deciding on one is the 404 the queue and the article page give, not a
    409 that would tell the editor it exists and what state it is in."""
    bodies = {
        "approve": {},
        "reject": {"reason_code": "spam"},
        "request-changes": {"message": "Добавьте источники."},
        "claim": {},
        "notes": {"text": "Заметка."},
    }
    for decision, body in bodies.items():
        response = api(editor).post(
            f"/api/v1/moderation/articles/{draft.pk}/{decision}/", body, format="json"
        )
        assert response.status_code == 404 and error_code(response) == "not_found", decision
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_contributor_cannot_approve(api, in_review):
    article = in_review()
    response = api(UserFactory()).post(
        f"/api/v1/moderation/articles/{article.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 403 and error_code(response) == "permission_denied"
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


def test_an_editor_cannot_approve_their_own_article(api, editor, in_review):
    article = in_review(author=editor)
    response = api(editor).post(f"/api/v1/moderation/articles/{article.pk}/approve/", {}, format="json")
    assert response.status_code == 403 and error_code(response) == "conflict_of_interest"


def test_reject_needs_a_known_reason(api, editor, in_review):
    article = in_review()
    client = api(editor)
    bad = client.post(
        f"/api/v1/moderation/articles/{article.pk}/reject/", {"reason_code": "meh"}, format="json"
    )
    assert bad.status_code == 400 and error_code(bad) == "unknown_reason"
    assert set(bad.json()["error"]["fields"]) == {"reason_code"}
    ok = client.post(
        f"/api/v1/moderation/articles/{article.pk}/reject/",
        {"reason_code": "spam", "message": "Реклама."},
        format="json",
    )
    assert ok.json()["status"] == "rejected" and ok.json()["reject_reason"] == "spam"


def test_request_changes_then_the_author_edits_and_resubmits(api, editor, contributor, in_review):
    article = in_review()
    response = api(editor).post(
        f"/api/v1/moderation/articles/{article.pk}/request-changes/",
        {"message": "Добавьте источник."},
        format="json",
    )
    assert response.json()["status"] == "changes_requested"
    author = api(contributor)
    assert (
        author.patch(
            f"/api/v1/articles/{article.pk}/",
            {"lead": "Новый лид"},
            format="json",
            HTTP_IF_MATCH=author.get(f"/api/v1/articles/{article.pk}/")["ETag"],
        ).status_code
        == 200
    )
    # r1 the first submit, r2 the author's save, r3 the resubmit (every save is a revision)
    assert author.post(f"/api/v1/articles/{article.pk}/submit/").json()["revision"] == 3
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


def test_retract_is_for_chief_editors(api, editor, in_review):
    article = in_review()
    api(editor).post(f"/api/v1/moderation/articles/{article.pk}/approve/", {}, format="json")
    denied = api(editor).post(
        f"/api/v1/moderation/articles/{article.pk}/retract/", {"reason": "x"}, format="json"
    )
    assert denied.status_code == 403
    chief = api(EditorFactory(role="chief_editor"))
    response = chief.post(
        f"/api/v1/moderation/articles/{article.pk}/retract/", {"reason": "Ошибка"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "retracted"


def test_editors_do_not_see_drafts(api, editor, draft):
    assert api(editor).get(f"/api/v1/moderation/articles/{draft.pk}/").status_code == 404


def test_admin_actions_use_the_workflow(client, editor, in_review):
    approve_me, reject_me, own = in_review(), in_review(), in_review(author=editor)
    client.force_login(editor)
    page = client.get("/admin/submissions/article/?status__exact=in_review")
    assert page.status_code == 200 and approve_me.title in page.content.decode()
    client.post(
        "/admin/submissions/article/", {"action": "approve", "_selected_action": [approve_me.pk, own.pk]}
    )
    assert Article.objects.get(pk=approve_me.pk).status == Status.PUBLISHED
    assert Article.objects.get(pk=own.pk).status == Status.IN_REVIEW  # conflict of interest, reported
    form = client.post(
        "/admin/submissions/article/", {"action": "reject", "_selected_action": [reject_me.pk]}
    )
    assert form.status_code == 200 and b"reason_code" in form.content
    client.post(
        "/admin/submissions/article/",
        {
            "action": "reject",
            "_selected_action": [reject_me.pk],
            "apply": "1",
            "reason_code": "spam",
            "message": "x",
        },
    )
    assert Article.objects.get(pk=reject_me.pk).status == Status.REJECTED


def test_the_queue_routes_by_declared_and_detected_language(api, editor, in_review):
    russian = in_review(author=UserFactory())
    mislabelled = in_review(author=UserFactory(), language="en")  # a Russian text declared English
    client = api(editor)
    declared_en = [i["id"] for i in client.get("/api/v1/moderation/queue/?language=en").json()["results"]]
    assert declared_en == [mislabelled.pk]
    detected_ru = {
        i["id"] for i in client.get("/api/v1/moderation/queue/?detected_language=ru").json()["results"]
    }
    assert detected_ru == {russian.pk, mislabelled.pk}
    assert client.get("/api/v1/moderation/queue/?detected_language=en").json()["results"] == []

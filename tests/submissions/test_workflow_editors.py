"""The editor half of the lifecycle in submissions.workflow: appeals, two-step and staged approval, rejections with
reasons, scheduling and unscheduling, retraction and corrections, editorial edits, pending updates of published
articles, internal notes. Drives the moderation API (a thin layer over the workflow functions) and the workflow
itself; the author half is in test_workflow.py, the queue, claims, conflicts, audit and metrics in
tests/moderation/test_moderation_rules.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from newsroom.accounts.roles import EDITOR, JUNIOR_EDITOR
from submissions.models import (
    ArticleEvent,
    Category,
    Correction,
    RejectionReason,
    ReviewStage,
)
from submissions.states import Action, Status
from submissions.tasks import publish_due
from tests.conftest import error_code
from tests.factories import UserFactory
from tests.helpers import moderation_url as url
from tests.helpers import reject

pytestmark = pytest.mark.django_db


# --- appeals -------------------------------------------------------------------------------------------------------


def test_appeal_goes_to_the_front_for_another_editor_once(api, editor, queued):
    rejected = queued()
    waiting = [queued() for _ in range(2)]
    assert reject(api(editor), rejected).status_code == 200
    author = api(rejected.author)
    assert author.get(f"/api/v1/articles/{rejected.pk}/").json()["can_appeal"] is True
    assert author.post(f"/api/v1/articles/{rejected.pk}/appeal/", {}, format="json").status_code == 400
    response = author.post(
        f"/api/v1/articles/{rejected.pk}/appeal/", {"message": "Есть документы."}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "in_review"
    second = UserFactory(role=EDITOR)
    queue = [i["id"] for i in api(second).get("/api/v1/moderation/queue/").json()["results"]]
    assert queue[0] == rejected.pk and set(queue[1:]) == {a.pk for a in waiting}
    # the rejecting editor is not handed the appeal and cannot decide it
    assert api(editor).post("/api/v1/moderation/queue/claim-next/").json()["id"] != rejected.pk
    refused = api(editor).post(url(rejected, "approve/"), {}, format="json")
    assert refused.status_code == 403 and error_code(refused) == "appeal_needs_other_editor"
    assert api(second).post("/api/v1/moderation/queue/claim-next/").json()["id"] == rejected.pk
    assert reject(api(second), rejected).status_code == 200
    again = author.post(f"/api/v1/articles/{rejected.pk}/appeal/", {"message": "Ещё раз."}, format="json")
    assert again.status_code == 409 and error_code(again) == "appeal_used"
    stranger = api(UserFactory()).post(
        f"/api/v1/articles/{rejected.pk}/appeal/", {"message": "x"}, format="json"
    )
    assert stranger.status_code == 404


def test_only_a_rejection_can_be_appealed(api, queued):
    article = queued()
    response = api(article.author).post(
        f"/api/v1/articles/{article.pk}/appeal/", {"message": "x"}, format="json"
    )
    assert response.status_code == 409 and error_code(response) == "invalid_transition"


# --- multi-stage review --------------------------------------------------------------------------------------------


def test_a_junior_approval_needs_a_second_approval(api, editor, junior, queued):
    article = queued()
    response = api(junior).post(url(article, "approve/"), {"note": "Проверил."}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "in_review" and body["first_approved_by"]["id"] == junior.pk
    assert body["claimed_by"] is None
    assert ArticleEvent.objects.filter(article=article, action=Action.PRE_APPROVE, actor=junior).count() == 1
    other_junior = UserFactory(role=JUNIOR_EDITOR)
    again = api(other_junior).post(url(article, "approve/"), {}, format="json")
    assert again.status_code == 409 and error_code(again) == "awaiting_second_approval"
    assert (
        api(other_junior).post("/api/v1/moderation/queue/claim-next/").status_code == 204
    )  # not for juniors
    assert api(editor).post("/api/v1/moderation/queue/claim-next/").json()["id"] == article.pk
    final = api(editor).post(url(article, "approve/"), {}, format="json")
    assert final.json()["status"] == "published"
    approve = ArticleEvent.objects.get(article=article, action=Action.APPROVE)
    assert approve.actor == editor and approve.data["first_approved_by"] == junior.pk


def test_a_category_stage_must_be_completed_by_someone_else(api, editor, queued):
    stage = ReviewStage.objects.get(code="fact_check")
    stage.categories.add(Category.objects.get(slug="city"))
    article = queued()
    client = api(editor)
    item = client.get("/api/v1/moderation/queue/").json()["results"][0]
    assert item["pending_stages"] == ["fact_check"]
    blocked = client.post(url(article, "approve/"), {}, format="json")
    assert blocked.status_code == 409 and error_code(blocked) == "stages_pending"
    assert blocked.json()["error"]["stages"] == ["fact_check"]
    done = client.post(
        url(article, "stages/fact_check/complete/"), {"note": "Сверил с мэрией."}, format="json"
    )
    assert done.status_code == 200 and done.json()["pending_stages"] == []
    client.post(url(article, "stages/fact_check/complete/"), {}, format="json")  # idempotent
    assert ArticleEvent.objects.filter(article=article, action=Action.STAGE).count() == 1
    same = client.post(url(article, "approve/"), {}, format="json")
    assert same.status_code == 409 and error_code(same) == "stage_signer_cannot_approve"
    other = api(UserFactory(role=EDITOR)).post(url(article, "approve/"), {}, format="json")
    assert other.json()["status"] == "published"
    unknown = client.post(
        url(queued(category=Category.objects.get(slug="sport")), "stages/fact_check/complete/")
    )
    assert unknown.status_code == 404 and error_code(unknown) == "stage_not_required"


# --- decisions with reasons ----------------------------------------------------------------------------------------


def test_rejection_uses_the_reason_template_in_the_authors_language(api, editor, queued):
    ru_article = queued(title="Мост закрыт")
    english = UserFactory(language="en")
    en_article = queued(author=english, title="Bridge closed")
    client = api(editor)
    assert reject(client, ru_article, "unverifiable").status_code == 200
    assert reject(client, en_article, "unverifiable").status_code == 200
    messages = dict(ArticleEvent.objects.filter(action=Action.REJECT).values_list("article_id", "message"))
    assert messages[ru_article.pk].startswith("Материал «Мост закрыт» отклонён")
    assert messages[en_article.pk].startswith("“Bridge closed” was rejected")
    reasons = client.get("/api/v1/moderation/reasons/").json()
    assert {"spam", "illegal", "defamation", "privacy", "copyright"} <= {r["code"] for r in reasons}


def test_illegal_content_needs_a_legal_ground_and_reasons_are_managed(api, editor, queued):
    article = queued()
    client = api(editor)
    missing = reject(client, article, "illegal")
    assert missing.status_code == 400 and error_code(missing) == "legal_ground_required"
    RejectionReason.objects.filter(code="off_topic").update(is_active=False)
    assert error_code(reject(client, article, "off_topic")) == "unknown_reason"
    ok = reject(client, article, "illegal", legal_ground="ст. 15.3 149-ФЗ")
    assert ok.status_code == 200
    event = ArticleEvent.objects.get(article=article, action=Action.REJECT)
    assert (
        event.data == {"reason_code": "illegal", "legal_ground": "ст. 15.3 149-ФЗ"}
        and "15.3" in event.message
    )


# --- scheduling ----------------------------------------------------------------------------------------------------


def test_scheduled_publication_runs_once_and_chiefs_can_unschedule(api, editor, chief, queued):
    later = timezone.now() + timedelta(hours=3)
    article, other = queued(), queued()
    for a in (article, other):
        response = api(editor).post(url(a, "approve/"), {"publish_at": later.isoformat()}, format="json")
        assert response.json()["status"] == "scheduled"
    assert publish_due.delay().get() == 0
    refused = api(editor).post(url(other, "unschedule/"), {}, format="json")
    assert refused.status_code == 403
    back = api(chief).post(url(other, "unschedule/"), {"message": "Ждём комментарий."}, format="json")
    assert back.json()["status"] == "in_review" and back.json()["publish_at"] is None
    with time_machine.travel(later + timedelta(seconds=1), tick=False):
        assert publish_due.delay().get() == 1
        assert publish_due.delay().get() == 0  # a second beat finds nothing due
    assert ArticleEvent.objects.filter(article=article, action=Action.PUBLISH).count() == 1
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.slug


# --- retraction and corrections ------------------------------------------------------------------------------------


def published(api, editor, queued, **kw):
    article = queued(**kw)
    assert api(editor).post(url(article, "approve/"), {}, format="json").json()["status"] == "published"
    article.refresh_from_db()
    return article


def test_retraction_keeps_the_url_with_a_notice(api, editor, chief, queued):
    article = published(api, editor, queued)
    response = api(chief).post(url(article, "retract/"), {"reason": "Факты не подтвердились."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "retracted"
    page = api().get(f"/api/v1/feed/{article.slug}/")
    assert page.status_code == 200
    assert page.json()["status"] == "retracted"
    assert page.json()["retraction"]["reason"] == "Факты не подтвердились."
    assert article.slug not in {i["slug"] for i in api().get("/api/v1/feed/").json()["results"]}
    event = ArticleEvent.objects.get(article=article, action=Action.RETRACT)
    assert event.actor == chief and event.message == "Факты не подтвердились."


def test_corrections_are_dated_public_and_audited(api, editor, junior, queued):
    article = published(api, editor, queued)
    assert api(junior).post(url(article, "corrections/"), {"text": "x"}, format="json").status_code == 403
    response = api(editor).post(
        url(article, "corrections/"), {"text": "Мост откроют 5-го, а не 15-го."}, format="json"
    )
    assert response.status_code == 201
    page = api().get(f"/api/v1/feed/{article.slug}/").json()
    assert [c["text"] for c in page["corrections"]] == ["Мост откроют 5-го, а не 15-го."]
    assert page["corrections"][0]["published_at"]
    assert ArticleEvent.objects.filter(article=article, action=Action.CORRECT, actor=editor).count() == 1
    unpublished = queued()
    refused = api(editor).post(url(unpublished, "corrections/"), {"text": "x"}, format="json")
    assert refused.status_code == 409 and not Correction.objects.filter(article=unpublished).exists()


# --- editorial edits and pending updates ---------------------------------------------------------------------------


def test_an_authors_edit_of_a_published_article_waits_for_review(api, editor, queued):
    article = published(api, editor, queued, title="Мост откроют в декабре")
    author = api(article.author)
    etag = author.get(f"/api/v1/articles/{article.pk}/")["ETag"]
    locked = author.patch(
        f"/api/v1/articles/{article.pk}/", {"category": "sport"}, format="json", HTTP_IF_MATCH=etag
    )
    assert locked.status_code == 400 and error_code(locked) == "locked_after_publication"
    response = author.patch(
        f"/api/v1/articles/{article.pk}/",
        {"title": "Мост откроют в январе"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    assert response.json()["pending_update"]["title"] == "Мост откроют в январе"
    assert response.json()["title"] == "Мост откроют в декабре"
    assert (
        api().get(f"/api/v1/feed/{article.slug}/").json()["title"] == "Мост откроют в декабре"
    )  # still live
    item = api(editor).get("/api/v1/moderation/queue/").json()["results"][0]
    assert (item["id"], item["kind"], item["status"]) == (article.pk, "update", "published")
    detail = api(editor).get(url(article)).json()
    changed = detail["pending_update"]["diff"]["fields"]["title"]
    assert {"op": "insert", "text": "январе"} in changed and {"op": "delete", "text": "декабре"} in changed
    approved = api(editor).post(url(article, "approve/"), {}, format="json")
    assert approved.status_code == 200 and approved.json()["pending_update"] is None
    assert api().get(f"/api/v1/feed/{article.slug}/").json()["title"] == "Мост откроют в январе"
    assert ArticleEvent.objects.filter(article=article, action=Action.UPDATE_APPROVE).count() == 1
    article.refresh_from_db()
    assert article.queue_key is None and article.status == Status.PUBLISHED


def test_a_rejected_update_leaves_the_published_text(api, editor, queued):
    article = published(api, editor, queued, title="Мост откроют в декабре")
    author = api(article.author)
    etag = author.get(f"/api/v1/articles/{article.pk}/")["ETag"]
    author.patch(
        f"/api/v1/articles/{article.pk}/", {"body": "Всё отменили."}, format="json", HTTP_IF_MATCH=etag
    )
    assert reject(api(editor), article, "unverifiable").status_code == 200
    article.refresh_from_db()
    assert (
        article.pending_revision is None
        and article.status == Status.PUBLISHED
        and "Всё отменили" not in article.body
    )
    assert (
        ArticleEvent.objects.get(article=article, action=Action.UPDATE_REJECT).data["reason_code"]
        == "unverifiable"
    )


def test_editorial_edit_is_a_revision_the_author_sees_as_a_diff(api, editor, queued):
    article = queued(title="Мост откроют в декабре")
    client = api(editor)
    etag = client.get(url(article))["ETag"]
    edited = client.patch(url(article), {"title": "Мост откроют в январе"}, format="json", HTTP_IF_MATCH=etag)
    assert edited.status_code == 200
    author = api(article.author)
    revisions = author.get(f"/api/v1/articles/{article.pk}/revisions/").json()
    last, previous = revisions[-1]["number"], revisions[-2]["number"]
    diff = author.get(f"/api/v1/articles/{article.pk}/revisions/{previous}/diff/{last}/").json()
    assert {"op": "insert", "text": "январе"} in diff["fields"]["title"]


# --- notes ---------------------------------------------------------------------------------------------------------


def test_internal_notes_never_reach_the_author(api, editor, queued):
    article = queued()
    client = api(editor)
    note = client.post(url(article, "notes/"), {"text": "Позвонить в мэрию."}, format="json")
    assert note.status_code == 201 and note.json()["editor"]["id"] == editor.pk
    assert [n["text"] for n in client.get(url(article, "notes/")).json()] == ["Позвонить в мэрию."]
    timeline = api(article.author).get(f"/api/v1/articles/{article.pk}/timeline/").content.decode()
    assert "Позвонить в мэрию" not in timeline
    assert (
        "Позвонить в мэрию" not in api(article.author).get(f"/api/v1/articles/{article.pk}/").content.decode()
    )
    own = queued(author=editor)
    assert client.post(url(own, "notes/"), {"text": "x"}, format="json").status_code == 403

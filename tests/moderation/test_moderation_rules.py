"""[5/8] moderation rules: priority, leases, conflicts of interest, the audit trail and the metrics. Drives the
REST API, moderation.services and the workflow functions; nothing here writes audit rows by hand. The decisions
themselves (appeals, two-step and staged review, reasons, scheduling, retraction and corrections, editorial edits,
pending updates, notes) are tested beside submissions.workflow, in tests/submissions/test_workflow_editors.py."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from moderation import services
from moderation.tasks import release_expired_claims
from newsroom.accounts.models import RoleChange
from newsroom.accounts.roles import EDITOR
from submissions import workflow
from submissions.models import (
    Article,
    ArticleEvent,
    Category,
    ConflictDeclaration,
    ReviewStage,
    Tag,
)
from submissions.states import Action, Status
from tests.conftest import error_code
from tests.factories import UserFactory
from tests.helpers import moderation_url as url
from tests.helpers import reject

pytestmark = pytest.mark.django_db


# --- priority ------------------------------------------------------------------------------------------------------


def test_queue_order_follows_the_documented_priority(api, editor, queued):
    city = queued()  # 24 h SLA
    incident = queued(category=Category.objects.get(slug="incidents"))  # 4 h SLA: due sooner
    risky = queued(body="Коротко.")  # content rules fail: the risk moves it forward
    newcomer = UserFactory(trust_level=1)
    trusted = UserFactory(trust_level=3)
    by_trusted, by_newcomer = queued(author=trusted), queued(author=newcomer)
    ids = [i["id"] for i in api(editor).get("/api/v1/moderation/queue/").json()["results"]]
    assert ids.index(incident.pk) < ids.index(city.pk)
    assert ids.index(risky.pk) < ids.index(city.pk)
    assert ids.index(by_newcomer.pk) < ids.index(by_trusted.pk)  # less trust: looked at sooner
    keys = list(Article.objects.filter(pk__in=ids).order_by("queue_key", "id").values_list("pk", flat=True))
    assert ids == keys
    incident.refresh_from_db()
    assert incident.due_at - incident.submitted_at <= timedelta(hours=4, minutes=1)


def test_queue_shows_checks_trust_record_and_time_left(api, editor, queued):
    article = queued()
    item = api(editor).get("/api/v1/moderation/queue/").json()["results"][0]
    assert item["id"] == article.pk and item["kind"] == "review"
    assert {"check", "outcome", "score"} <= set(item["checks"][0])
    assert {"trust_level", "trust_reason", "record"} <= set(item["author"])
    assert 0 < item["time_left_seconds"] <= 24 * 3600 / 1.15 + 5 and item["overdue"] is False
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        late = api(editor).get("/api/v1/moderation/queue/?overdue=true").json()["results"]
        assert (
            [i["id"] for i in late] == [article.pk]
            and late[0]["overdue"]
            and late[0]["time_left_seconds"] < 0
        )
    assert api(editor).get("/api/v1/moderation/queue/?overdue=true").json()["results"] == []


def test_queue_filters(api, editor, queued):
    ru = queued(region="moscow")
    en = queued(language="en", title="Bridge opens", category=Category.objects.get(slug="economy"))
    client = api(editor)

    def ids(query):
        response = client.get(f"/api/v1/moderation/queue/?{query}")
        assert response.status_code == 200, response.content
        return {i["id"] for i in response.json()["results"]}

    assert ids("language=en") == {en.pk}
    assert ids("category=economy") == {en.pk}
    assert ids("region=Moscow") == {ru.pk}
    services.claim(actor=editor, article_id=ru.pk)
    assert ids("claimed=true") == {ru.pk} and ids("claimed=false") == {en.pk}
    assert ids("state=in_review") == {ru.pk, en.pk} and ids("appeal=true") == set()
    assert client.get("/api/v1/moderation/queue/?claimed=maybe").status_code == 400


def test_working_languages_and_sections_are_the_default_scope(api, editor, queued):
    ru = queued()
    en = queued(language="en", title="Bridge opens")
    client = api(editor)
    response = client.put(
        "/api/v1/moderation/me/", {"languages": ["en"], "categories": ["city"]}, format="json"
    )
    assert response.json() == {"languages": ["en"], "categories": ["city"]}
    assert [i["id"] for i in client.get("/api/v1/moderation/queue/").json()["results"]] == [en.pk]
    assert {i["id"] for i in client.get("/api/v1/moderation/queue/?scope=all").json()["results"]} == {
        ru.pk,
        en.pk,
    }
    assert client.post("/api/v1/moderation/queue/claim-next/").json()["id"] == en.pk
    assert client.post("/api/v1/moderation/queue/claim-next/").status_code == 204  # nothing else in scope
    assert client.post("/api/v1/moderation/queue/claim-next/?scope=all").json()["id"] == ru.pk
    bad = client.put("/api/v1/moderation/me/", {"categories": ["nope"]}, format="json")
    assert bad.status_code == 400 and error_code(bad) == "unknown_category"


def test_queue_listing_runs_a_constant_number_of_queries(api, editor, queued):
    client = api(editor)
    ConflictDeclaration.objects.create(editor=editor, tag=Tag.objects.create(name="спорт"))
    stage = ReviewStage.objects.get(code="fact_check")
    stage.categories.add(Category.objects.get(slug="city"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/moderation/queue/?limit=100").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        queued()
    few = count()
    for _ in range(10):
        queued()
    assert count() == few


# --- leases --------------------------------------------------------------------------------------------------------


def test_lease_is_renewable_and_expires_on_a_moved_clock(api, editor, queued, settings):
    article = queued()
    other = UserFactory(role=EDITOR)
    client = api(editor)
    claimed = client.post("/api/v1/moderation/queue/claim-next/").json()
    assert claimed["id"] == article.pk
    article.refresh_from_db()
    assert article.claim_expires_at - timezone.now() == pytest.approx(
        timedelta(minutes=20), abs=timedelta(seconds=5)
    )
    # the other editor is never handed it and cannot decide it
    assert api(other).post("/api/v1/moderation/queue/claim-next/").status_code == 204
    refused = api(other).post(url(article, "approve/"), {}, format="json")
    assert refused.status_code == 409 and error_code(refused) == "claimed_by_other"
    with time_machine.travel(timezone.now() + timedelta(minutes=15), tick=False):
        assert (
            client.post(url(article, "claim/"), {}, format="json").status_code == 200
        )  # renewed while working
    article.refresh_from_db()
    first_end = article.claim_expires_at
    assert first_end > timezone.now() + timedelta(minutes=30)
    with time_machine.travel(first_end + timedelta(seconds=1), tick=False):
        assert release_expired_claims.delay().get() == 1
        article.refresh_from_db()
        assert article.claimed_by is None
        assert api(other).post("/api/v1/moderation/queue/claim-next/").json()["id"] == article.pk
    release = ArticleEvent.objects.filter(article=article, action=Action.RELEASE).get()
    assert release.actor is None and release.data == {"expired": True, "editor": editor.pk}


def test_chief_editor_takes_over_a_claim_and_it_is_logged(api, editor, chief, queued):
    article = queued()
    services.claim(actor=editor, article_id=article.pk)
    plain = api(UserFactory(role=EDITOR)).post(url(article, "claim/"), {"take_over": True}, format="json")
    assert plain.status_code == 409 and error_code(plain) == "claimed_by_other"
    response = api(chief).post(url(article, "claim/"), {"take_over": True}, format="json")
    assert response.status_code == 200 and response.json()["claimed_by"]["id"] == chief.pk
    event = ArticleEvent.objects.get(article=article, action=Action.TAKE_OVER)
    assert event.actor == chief and event.data["from"] == editor.pk
    refused = api(editor).post(url(article, "approve/"), {}, format="json")
    assert refused.status_code == 409 and error_code(refused) == "claimed_by_other"


# --- conflicts of interest -----------------------------------------------------------------------------------------


def test_no_decision_on_ones_own_article(api, queued):
    editor_author = UserFactory(role=EDITOR)
    article = queued(author=editor_author)
    client = api(editor_author)
    assert client.post("/api/v1/moderation/queue/claim-next/").status_code == 204
    for tail, body in (("approve/", {}), ("claim/", {}), ("request-changes/", {"message": "x"})):
        response = client.post(url(article, tail), body, format="json")
        assert response.status_code == 403 and error_code(response) == "conflict_of_interest"
    assert reject(client, article).status_code == 403


@pytest.mark.parametrize("kind", ["author", "category", "tag"])
def test_a_declared_conflict_is_enforced(api, editor, queued, kind):
    article = queued()
    article.tags.add(Tag.objects.create(name="стройка"))
    body = {
        "author": {"author": article.author_id},
        "category": {"category": "city"},
        "tag": {"tag": "Стройка"},
    }[kind]
    client = api(editor)
    declared = client.post("/api/v1/moderation/conflicts/", {**body, "reason": "сосед"}, format="json")
    assert declared.status_code == 201, declared.content
    assert client.post("/api/v1/moderation/queue/claim-next/").status_code == 204  # never handed
    assert article.pk not in {
        i["id"] for i in client.get("/api/v1/moderation/queue/?scope=all").json()["results"]
    }
    for tail in ("claim/", "approve/"):
        response = client.post(url(article, tail), {}, format="json")
        assert response.status_code == 403 and error_code(response) == "declared_conflict"
    withdrawn = client.post(f"/api/v1/moderation/conflicts/{declared.json()['id']}/withdraw/")
    assert withdrawn.json()["withdrawn_at"] is not None
    assert client.post("/api/v1/moderation/queue/claim-next/").json()["id"] == article.pk


def test_conflict_input_names_exactly_one_thing(api, editor):
    response = api(editor).post(
        "/api/v1/moderation/conflicts/", {"category": "city", "tag": "x"}, format="json"
    )
    assert response.status_code == 400
    other = UserFactory(role=EDITOR)
    mine = ConflictDeclaration.objects.create(editor=other, category=Category.objects.get(slug="city"))
    assert api(editor).post(f"/api/v1/moderation/conflicts/{mine.pk}/withdraw/").status_code == 404


# --- the audit trail -----------------------------------------------------------------------------------------------


def test_audit_rows_cannot_be_updated_or_deleted_at_the_database(queued, chief):
    article = queued()
    events = ArticleEvent.objects.filter(article=article)
    assert events.count() >= 2
    for attempt in (
        lambda: events.update(message="rewritten"),
        lambda: events.delete(),
        lambda: ArticleEvent.objects.filter(pk=events.first().pk)._raw_delete(connection.alias),
        lambda: connection.cursor().execute("UPDATE submissions_articleevent SET action = 'approve'"),
    ):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            attempt()
    change = RoleChange.objects.create(user=UserFactory(), role=EDITOR, granted=True, actor=chief)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        RoleChange.objects.filter(pk=change.pk).update(granted=False)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        RoleChange.objects.filter(pk=change.pk)._raw_delete(connection.alias)
    assert ArticleEvent.objects.filter(article=article, message="rewritten").count() == 0


def test_audit_lists_every_kind_of_event_with_filters_and_a_cursor(api, editor, chief, queued):
    article = queued()
    services.claim(actor=editor, article_id=article.pk)
    workflow.article_note(actor=editor, article_id=article.pk, text="Заметка")
    workflow.article_approve(actor=editor, article_id=article.pk)
    target = UserFactory()
    api(chief).post(f"/api/v1/staff/users/{target.pk}/roles/", {"grant": ["junior_editor"]}, format="json")
    client = api(editor)
    rows = client.get(f"/api/v1/moderation/audit/?article={article.pk}").json()["results"]
    actions = [r["action"] for r in rows]
    assert (
        actions[:4] == ["publish", "approve", "note", "claim"] and actions[-1] == "submit"
    )  # factory drafts have no create event
    assert all(r["article"]["id"] == article.pk for r in rows)
    roles = client.get(f"/api/v1/moderation/audit/?kind=role&user={target.pk}").json()["results"]
    assert [(r["action"], r["data"], r["actor"]["id"]) for r in roles] == [
        ("role_grant", {"role": "junior_editor"}, chief.pk)
    ]
    mine = client.get(f"/api/v1/moderation/audit/?actor={editor.pk}&action=note").json()["results"]
    assert [r["message"] for r in mine] == ["Заметка"]
    # walk everything two rows at a time: every row once, newest first
    seen, cursor = [], None
    while True:
        page = client.get(
            "/api/v1/moderation/audit/?limit=2" + (f"&cursor={cursor}" if cursor else "")
        ).json()
        seen += page["results"]
        cursor = page["next"]
        if not cursor:
            break
    everything = client.get("/api/v1/moderation/audit/?limit=200").json()["results"]
    assert [r["id"] for r in seen] == [r["id"] for r in everything]
    assert len({r["id"] for r in seen}) == ArticleEvent.objects.count() + RoleChange.objects.count()
    assert client.get("/api/v1/moderation/audit/?cursor=garbage").status_code == 400
    assert client.get("/api/v1/moderation/audit/?since=yesterday").status_code == 400


def test_audit_csv_export_is_for_chief_editors(api, editor, chief, queued):
    article = queued()
    workflow.article_note(actor=editor, article_id=article.pk, text='=HYPERLINK("http://evil")')
    assert api(editor).get("/api/v1/moderation/audit/export/").status_code == 403
    response = api(chief).get(f"/api/v1/moderation/audit/export/?article={article.pk}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["action"] for r in rows} >= {"submit", "checks_complete", "note"}
    note = next(r for r in rows if r["action"] == "note")
    assert note["message"].startswith("'=")  # no formula injection in a spreadsheet


# --- metrics -------------------------------------------------------------------------------------------------------


def test_stats(api, editor, queued):
    start = timezone.now()
    fast, slow, waiting = queued(), queued(), queued()
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        workflow.article_approve(actor=editor, article_id=fast.pk)
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        workflow.article_reject(actor=editor, article_id=slow.pk, reason_code="spam")
    with time_machine.travel(start + timedelta(days=2), tick=False):
        stats = api(editor).get("/api/v1/moderation/stats/").json()
    assert stats["queue"]["by_status"]["in_review"] == 1 and stats["queue"]["waiting"] == 1
    assert stats["overdue"] == 1
    ttd = stats["time_to_decision_seconds"]
    assert ttd["count"] == 2
    assert ttd["median"] == pytest.approx((600 + 7200) / 2, abs=30)
    assert 600 < ttd["p90"] <= 7200 + 30
    (row,) = stats["decisions_per_editor"]
    assert (row["editor"]["id"], row["approve"], row["reject"], row["total"]) == (editor.pk, 1, 1, 2)
    assert waiting.pk


def test_claim_next_prefers_an_expired_lease_of_higher_priority_and_records_the_claim(editor, queued):
    """claim-next takes the better of the top unclaimed article and the top expired lease (two index walks on
    PostgreSQL, one on SQLite): an expired lease at the head of the queue is handed out before anything behind
    it, without waiting for the beat task to free it."""
    first, second = sorted([queued(), queued()], key=lambda a: (a.queue_key, a.pk))
    other = UserFactory(role=EDITOR)
    taken = services.claim_next(editor, scope="all")
    assert taken is not None and taken.pk == first.pk and taken.claimed_by_id == editor.pk
    assert services.claim_next(other, scope="all").pk == second.pk  # the held lease is skipped
    first.refresh_from_db()
    with time_machine.travel(first.claim_expires_at + timedelta(seconds=1), tick=False):
        third = UserFactory(role=EDITOR)
        again = services.claim_next(third, scope="all")
        assert again is not None and again.pk == first.pk
        # second's lease, taken a moment later, has expired too: it comes next, then nothing is left
        assert services.claim_next(UserFactory(role=EDITOR), scope="all").pk == second.pk
        assert services.claim_next(UserFactory(role=EDITOR), scope="all") is None
    first.refresh_from_db()
    assert first.claimed_by_id == third.pk
    event = ArticleEvent.objects.filter(article=first, action=Action.CLAIM, actor=third).get()
    assert event.from_status == event.to_status == Status.IN_REVIEW
    assert event.data == {"until": first.claim_expires_at.isoformat(), "renewal": False}

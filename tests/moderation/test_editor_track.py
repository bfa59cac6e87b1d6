"""The editor track: applying, shadow reviews scored against real decisions, chief editors' grant/decline."""

import pytest

from moderation import track
from moderation.models import EditorApplication, ShadowReview
from newsroom.accounts.models import RoleChange, User
from newsroom.accounts.roles import user_roles
from submissions import workflow
from submissions.models import ArticleEvent
from submissions.states import Status
from tests.conftest import error_code
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    """A level-2 contributor, eligible for the track."""
    return UserFactory(trust_level=2, trust_reason="member")


@pytest.fixture
def applicant(api, member):
    response = api(member).post(
        "/api/v1/editor-track/apply/", {"motivation": "Хочу помогать."}, format="json"
    )
    assert response.status_code == 201
    return member


def verdict(client, article, decision, reason_code="", note=""):
    return client.post(
        f"/api/v1/editor-track/shadow/{article.pk}/verdict/",
        {"decision": decision, "reason_code": reason_code, "note": note},
        format="json",
    )


# --- applying -----------------------------------------------------------------------------------------------------


def test_level_1_cannot_apply(api, contributor):
    response = api(contributor).post("/api/v1/editor-track/apply/", {}, format="json")
    assert response.status_code == 403
    assert error_code(response) == "trust_level_too_low"
    assert response.json()["error"]["required"] == 2
    assert not EditorApplication.objects.exists()


def test_level_2_applies_once(api, member):
    client = api(member)
    first = client.post("/api/v1/editor-track/apply/", {"motivation": "Хочу помогать."}, format="json")
    assert first.status_code == 201
    body = first.json()
    assert body["state"] == "open" and body["motivation"] == "Хочу помогать."
    assert body["applicant"] == {"id": member.pk, "display_name": member.display_name, "trust_level": 2}
    assert body["stats"]["reviews"] == 0 and body["stats"]["accuracy"] is None
    again = client.post("/api/v1/editor-track/apply/", {}, format="json")
    assert again.status_code == 409 and error_code(again) == "already_applied"
    assert EditorApplication.objects.filter(user=member).count() == 1


def test_an_editor_cannot_apply(api, editor):
    editor.trust_level = 3
    editor.save()
    response = api(editor).post("/api/v1/editor-track/apply/", {}, format="json")
    assert response.status_code == 409 and error_code(response) == "already_editor"


def test_anonymous_cannot_apply(api):
    response = api().post("/api/v1/editor-track/apply/", {}, format="json")
    assert response.status_code == 401


def test_me_tells_eligibility(api, contributor, member):
    low = api(contributor).get("/api/v1/editor-track/me/").json()
    assert low == {"eligible": False, "min_trust_level": 2, "application": None}
    assert api(member).get("/api/v1/editor-track/me/").json()["eligible"] is True


# --- shadow reviews -----------------------------------------------------------------------------------------------


def test_shadow_next_hides_the_author_and_skips_own_articles(api, applicant, in_review):
    in_review(author=applicant)  # their own: never handed to them
    other = in_review()
    client = api(applicant)
    response = client.post("/api/v1/editor-track/shadow/next/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == other.pk
    assert body["body"] == other.body and body["revision"] == 1
    assert "author" not in body
    assert other.author.display_name not in response.content.decode()
    assert other.author.email not in response.content.decode()
    assert verdict(client, other, "approve").status_code == 201
    assert client.post("/api/v1/editor-track/shadow/next/").status_code == 204


def test_shadow_article_detail_hides_the_author_and_refuses_own(api, applicant, in_review):
    other, own = in_review(), in_review(author=applicant)
    client = api(applicant)
    response = client.get(f"/api/v1/editor-track/shadow/{other.pk}/")
    assert response.status_code == 200 and "author" not in response.json()
    assert other.author.display_name not in response.content.decode()
    assert client.get(f"/api/v1/editor-track/shadow/{own.pk}/").status_code == 404
    assert verdict(client, own, "approve").status_code == 404


def test_shadow_next_with_nothing_in_review_is_204(api, applicant, in_review):
    ArticleFactory()  # a draft is not for review
    assert api(applicant).post("/api/v1/editor-track/shadow/next/").status_code == 204


def test_non_applicant_cannot_shadow_review(api, member, in_review):
    article = in_review()
    client = api(member)
    response = client.post("/api/v1/editor-track/shadow/next/")
    assert response.status_code == 403 and error_code(response) == "not_an_applicant"
    response = verdict(client, article, "approve")
    assert response.status_code == 403 and error_code(response) == "not_an_applicant"


def test_verdict_is_recorded_and_changes_nothing_on_the_article(api, applicant, in_review):
    article = in_review()
    events_before = ArticleEvent.objects.filter(article=article).count()
    client = api(applicant)
    response = verdict(client, article, "reject", "spam", "Похоже на рекламу.")
    assert response.status_code == 201
    body = response.json()
    assert body["article"] == article.pk and body["revision"] == 1
    assert (body["decision"], body["reason_code"], body["note"]) == ("reject", "spam", "Похоже на рекламу.")
    assert body["score"] is None and body["scored_at"] is None
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    assert article.claimed_by_id is None
    assert ArticleEvent.objects.filter(article=article).count() == events_before

    again = verdict(client, article, "approve")
    assert again.status_code == 409 and error_code(again) == "already_reviewed"
    assert ShadowReview.objects.filter(reviewer=applicant).count() == 1


def test_reject_verdict_needs_a_reason(api, applicant, in_review):
    article = in_review()
    client = api(applicant)
    response = verdict(client, article, "reject")
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert "reason_code" in response.json()["error"]["fields"]
    assert verdict(client, article, "reject", "nonsense").status_code == 400
    assert verdict(client, article, "maybe").status_code == 400
    assert not ShadowReview.objects.exists()


def test_approve_verdict_drops_a_reason(api, applicant, in_review):
    article = in_review()
    response = verdict(api(applicant), article, "approve", "spam")
    assert response.status_code == 201 and response.json()["reason_code"] == ""


# --- scoring ------------------------------------------------------------------------------------------------------


def decide(client, article, decision, reason_code=""):
    base = f"/api/v1/moderation/articles/{article.pk}"
    if decision == "approve":
        response = client.post(f"{base}/approve/", {}, format="json")
    elif decision == "reject":
        response = client.post(
            f"{base}/reject/", {"reason_code": reason_code, "message": "Нет."}, format="json"
        )
    else:
        response = client.post(f"{base}/request-changes/", {"message": "Доработайте."}, format="json")
    assert response.status_code == 200, response.content
    return response


def test_scoring_against_the_editors_decisions(api, applicant, editor, in_review):
    a, b, c, d = (in_review() for _ in range(4))
    shadow = api(applicant)
    assert verdict(shadow, a, "approve").status_code == 201
    assert verdict(shadow, b, "reject", "spam").status_code == 201
    assert verdict(shadow, c, "reject", "spam").status_code == 201
    assert verdict(shadow, d, "approve").status_code == 201
    application = EditorApplication.objects.get(user=applicant)
    assert track.stats_for(application).pending == 4

    desk = api(editor)
    decide(desk, a, "approve")
    decide(desk, b, "reject", "spam")
    decide(desk, c, "reject", "duplicate")
    decide(desk, d, "request_changes")

    reviews = {r.article_id: r for r in ShadowReview.objects.filter(reviewer=applicant)}
    assert [reviews[x.pk].score for x in (a, b, c, d)] == [1.0, 1.0, 0.5, 0.0]
    assert [reviews[x.pk].decision_agrees for x in (a, b, c, d)] == [True, True, True, False]
    assert [reviews[x.pk].reason_agrees for x in (a, b, c, d)] == [None, True, False, None]
    assert (reviews[c.pk].editor_decision, reviews[c.pk].editor_reason_code) == ("reject", "duplicate")
    assert reviews[d.pk].editor_decision == "request_changes"

    expected = {
        "reviews": 4,
        "scored": 4,
        "pending": 0,
        "accuracy": 0.625,
        "decision_agreement": 0.75,
        "reason_agreement": 0.5,
    }
    assert track.stats_for(application).as_dict() == expected
    me = shadow.get("/api/v1/editor-track/me/").json()
    assert me["eligible"] is True
    assert me["application"]["id"] == application.pk
    assert me["application"]["stats"] == expected
    assert {r["article"] for r in me["application"]["recent_disagreements"]} == {c.pk, d.pk}

    # a verdict on an article still in review waits for the editor
    e = in_review()
    assert verdict(shadow, e, "approve").status_code == 201
    stats = track.stats_for(application)
    assert (stats.reviews, stats.scored, stats.pending, stats.accuracy) == (5, 4, 1, 0.625)
    assert ShadowReview.objects.get(article=e).score is None


def test_scoring_is_per_revision(api, applicant, editor, in_review, commit):
    """A verdict on revision 1 is scored by the decision on revision 1, not by a later one."""
    article = in_review()
    shadow = api(applicant)
    assert verdict(shadow, article, "approve").status_code == 201
    decide(api(editor), article, "request_changes")
    with commit():
        workflow.article_submit(actor=article.author, article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW and article.current_revision.number == 2
    assert verdict(shadow, article, "reject", "spam").status_code == 201
    decide(api(editor), article, "approve")
    first, second = ShadowReview.objects.filter(article=article).order_by("revision__number")
    assert (first.editor_decision, first.score) == ("request_changes", 0.0)
    assert (second.editor_decision, second.score) == ("approve", 0.0)


# --- chief editors ------------------------------------------------------------------------------------------------


def scored_reviews(api, applicant, editor, in_review, n):
    shadow, desk = api(applicant), api(editor)
    for _ in range(n):
        article = in_review()
        assert verdict(shadow, article, "approve").status_code == 201
        decide(desk, article, "approve")


def test_chief_lists_applications_with_stats(api, applicant, editor, chief, in_review):
    article = in_review()
    assert verdict(api(applicant), article, "reject", "spam").status_code == 201
    decide(api(editor), article, "approve")
    response = api(chief).get("/api/v1/editor-track/applications/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 1
    row = results[0]
    assert row["applicant"]["id"] == applicant.pk and row["state"] == "open"
    assert row["stats"]["scored"] == 1 and row["stats"]["accuracy"] == 0.0
    assert [r["article"] for r in row["recent_disagreements"]] == [article.pk]
    assert row["recent_disagreements"][0]["editor_decision"] == "approve"
    assert api(chief).get("/api/v1/editor-track/applications/?state=granted").json()["results"] == []


@pytest.mark.parametrize("who", ["editor", "contributor"])
def test_only_chiefs_list_applications(api, applicant, who, request):
    user = request.getfixturevalue(who)
    response = api(user).get("/api/v1/editor-track/applications/")
    assert response.status_code == 403


def test_grant_needs_enough_scored_reviews(api, applicant, editor, chief, in_review, settings):
    application = EditorApplication.objects.get(user=applicant)
    scored_reviews(api, applicant, editor, in_review, 4)
    assert settings.NEWSROOM["EDITOR_TRACK_MIN_SCORED"] > 4
    client = api(chief)
    response = client.post(f"/api/v1/editor-track/applications/{application.pk}/grant/", {}, format="json")
    assert response.status_code == 409 and error_code(response) == "not_enough_reviews"
    assert response.json()["error"]["scored"] == 4
    assert user_roles(User.objects.get(pk=applicant.pk)) == ["contributor"]

    settings.NEWSROOM = {**settings.NEWSROOM, "EDITOR_TRACK_MIN_SCORED": 4}
    response = client.post(
        f"/api/v1/editor-track/applications/{application.pk}/grant/", {"note": "Хорошо."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "granted"
    user = User.objects.get(pk=applicant.pk)
    assert "junior_editor" in user_roles(user)
    assert user.is_staff
    change = RoleChange.objects.get(user=user, role="junior_editor")
    assert change.granted is True and change.actor_id == chief.pk
    application.refresh_from_db()
    assert application.state == EditorApplication.State.GRANTED and application.decided_by_id == chief.pk

    again = client.post(f"/api/v1/editor-track/applications/{application.pk}/grant/", {}, format="json")
    assert again.status_code == 409 and error_code(again) == "application_closed"
    assert RoleChange.objects.filter(user=user).count() == 1


def test_decline_gives_no_role(api, applicant, chief):
    application = EditorApplication.objects.get(user=applicant)
    client = api(chief)
    response = client.post(
        f"/api/v1/editor-track/applications/{application.pk}/decline/", {"note": "Рано."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "declined" and response.json()["decision_note"] == "Рано."
    user = User.objects.get(pk=applicant.pk)
    assert user_roles(user) == ["contributor"] and not user.is_staff
    assert not RoleChange.objects.filter(user=user).exists()
    grant = client.post(f"/api/v1/editor-track/applications/{application.pk}/grant/", {}, format="json")
    assert grant.status_code == 409 and error_code(grant) == "application_closed"
    # a declined applicant is no longer one
    assert api(applicant).post("/api/v1/editor-track/shadow/next/").status_code == 403


def test_editors_cannot_grant(api, applicant, editor, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "EDITOR_TRACK_MIN_SCORED": 0}
    application = EditorApplication.objects.get(user=applicant)
    response = api(editor).post(
        f"/api/v1/editor-track/applications/{application.pk}/grant/", {}, format="json"
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.state == EditorApplication.State.OPEN


def test_chief_sees_an_application_with_its_verdicts_in_the_admin(client):
    chief = UserFactory(role="chief_editor")
    applicant = UserFactory(trust_level=2)
    application = EditorApplication.objects.create(user=applicant, motivation="Хочу помогать")
    article = ArticleFactory(author=UserFactory())
    workflow.article_submit(actor=article.author, article_id=article.pk)
    article.refresh_from_db()
    ShadowReview.objects.create(
        application=application,
        reviewer=applicant,
        article=article,
        revision=article.current_revision,
        decision="reject",
        reason_code="spam",
    )
    client.force_login(chief)
    page = client.get(f"/admin/moderation/editorapplication/{application.pk}/change/")
    assert page.status_code == 200
    assert "Хочу помогать" in page.content.decode() and "спам или реклама" in page.content.decode()


def test_the_applications_list_costs_the_same_queries_for_many(api, django_assert_max_num_queries):
    chief = UserFactory(role="chief_editor")
    client = api(chief)
    EditorApplication.objects.create(user=UserFactory(trust_level=2))
    with django_assert_max_num_queries(30) as one:
        client.get("/api/v1/editor-track/applications/")
    for _ in range(10):
        EditorApplication.objects.create(user=UserFactory(trust_level=2))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get("/api/v1/editor-track/applications/").json()["results"]) == 11


def test_chief_grants_and_declines_from_the_admin_list(client, chief, applicant):
    """The admin's bulk actions call the same track services; a refusal names the applicant, not a 500."""
    from django.contrib.messages import get_messages

    application = EditorApplication.objects.get(user=applicant)
    client.force_login(chief)
    url = "/admin/moderation/editorapplication/"
    data = {"_selected_action": [application.pk], "index": "0"}
    granted = client.post(url, {**data, "action": "grant"}, follow=True)
    assert granted.status_code == 200
    refusals = [str(m) for m in get_messages(granted.wsgi_request)]
    assert any(applicant.email in text for text in refusals), refusals  # not enough scored reviews yet
    application.refresh_from_db()
    assert application.state == EditorApplication.State.OPEN

    declined = client.post(url, {**data, "action": "decline"}, follow=True)
    assert declined.status_code == 200
    application.refresh_from_db()
    assert application.state == EditorApplication.State.DECLINED
    assert application.decided_by == chief

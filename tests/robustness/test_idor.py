"""Object-level authorisation (IDOR): every id-taking endpoint, called by someone of the same role with another
person's ids, is refused (403/404 with a documented code) and changes nothing.

The permission matrix (tests/test_permission_matrix.py) checks each role against each route; this checks each
route against other people's objects: a contributor with another contributor's draft, image, revision,
notification and session; an image of one article addressed through another article; an editor with a draft
nobody submitted, another editor's conflict declaration and the staff routes. `test_every_id_taking_route_is_tried`
keeps the table complete as routes are added.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from knox.models import AuthToken

from moderation.models import EditorApplication, ShadowReview
from newsroom.accounts.models import Notification
from submissions import workflow
from submissions.models import Article, ConflictDeclaration, Media
from submissions.states import RejectReason
from tests.factories import ArticleFactory, EditorFactory, UserFactory
from tests.robustness.conftest import count
from tests.robustness.test_attack_corpora import assert_documented_refusal
from tests.robustness.worlds import draft_with_image_and_two_submitted, jpeg
from tests.test_permission_matrix import _routes

pytestmark = pytest.mark.django_db

# routes whose ids are public by design: anyone may read a published article, an author page, a category
PUBLIC = {
    "feed-article",
    "author",
    "web-article",
    "web-category",
    "web-author",
    "feed-rss-category",
    "feed-atom-category",
    "feed-rss-author",
    "feed-atom-author",
    "media",  # unguessable server-chosen names; in production the web server or object storage serves them
    "language",  # takes a language code, not anyone's object
    # the editor track shows applicants other people's articles in review, author hidden: that is its purpose (the
    # API's editor-track cases below are the refusals: no open application, one's own article)
    "studio-editor-track-shadow",
    "studio-editor-track-verdict",
}


@pytest.fixture
def owners(commit, settings, tmp_path):
    """A's objects, and the strangers who try them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    a = UserFactory(trust_level=3)
    draft, image, submitted, rejected = draft_with_image_and_two_submitted(
        a, filename="a.jpg", caption="A's caption"
    )
    senior = EditorFactory()
    with commit():
        workflow.article_reject(actor=senior, article_id=rejected.pk, reason_code=RejectReason.LOW_QUALITY)
    notification = Notification.objects.create(user=a, kind="approve", key="idor", title="t")
    AuthToken.objects.create(a)
    a_session = AuthToken.objects.filter(user=a).first().digest[:32]
    application = EditorApplication.objects.create(user=a)
    verdict = ShadowReview.objects.create(
        application=application,
        reviewer=a,
        article=submitted,
        revision=Article.objects.get(pk=submitted.pk).current_revision,
        decision="approve",
    )
    conflict = ConflictDeclaration.objects.create(editor=senior, author_id=UserFactory().pk)
    b = UserFactory(trust_level=3)
    b_draft = ArticleFactory(author=b)
    return {
        "a": a,
        "b": b,
        "b_draft": b_draft,
        "stranger_editor": EditorFactory(),
        "draft": draft,
        "image": image,
        "submitted": submitted,
        "rejected": rejected,
        "notification": notification,
        "session": a_session,
        "conflict": conflict,
        "verdict": verdict,
    }


def _cases(o: dict[str, Any]) -> list[tuple[str, str, str, str, Any]]:
    """(route name, who, method, url, body): who is "b" (a contributor) or "editor" (an uninvolved editor)."""
    d, s, r, img = o["draft"].pk, o["submitted"].pk, o["rejected"].pk, o["image"].pk
    cases: list[tuple[str, str, str, str, Any]] = []
    for article in (d, s):
        cases += [
            ("article-detail", "b", "get", f"/api/v1/articles/{article}/", None),
            ("article-detail", "b", "patch", f"/api/v1/articles/{article}/", {"title": "B was here"}),
            ("article-submit", "b", "post", f"/api/v1/articles/{article}/submit/", {}),
            ("article-withdraw", "b", "post", f"/api/v1/articles/{article}/withdraw/", {}),
            ("article-media", "b", "get", f"/api/v1/articles/{article}/media/", None),
            ("article-revisions", "b", "get", f"/api/v1/articles/{article}/revisions/", None),
            ("article-revision", "b", "get", f"/api/v1/articles/{article}/revisions/1/", None),
            ("article-revision-diff", "b", "get", f"/api/v1/articles/{article}/revisions/1/diff/1/", None),
            ("article-checks", "b", "get", f"/api/v1/articles/{article}/checks/", None),
            ("article-timeline", "b", "get", f"/api/v1/articles/{article}/timeline/", None),
            ("editor-track-shadow-article", "b", "get", f"/api/v1/editor-track/shadow/{article}/", None),
            (
                "editor-track-shadow-verdict",
                "b",
                "post",
                f"/api/v1/editor-track/shadow/{article}/verdict/",
                {"decision": "approve"},
            ),
        ]
    upload = SimpleUploadedFile("b.jpg", jpeg(), content_type="image/jpeg")
    b_draft = o["b_draft"].pk
    cases += [
        ("article-appeal", "b", "post", f"/api/v1/articles/{r}/appeal/", {"message": "B appeals"}),
        ("article-media", "b", "post", f"/api/v1/articles/{d}/media/", {"file": upload}),
        ("article-media-detail", "b", "patch", f"/api/v1/articles/{d}/media/{img}/", {"caption": "B"}),
        ("article-media-detail", "b", "delete", f"/api/v1/articles/{d}/media/{img}/", None),
        # A's image through B's own article
        ("article-media-detail", "b", "patch", f"/api/v1/articles/{b_draft}/media/{img}/", {"caption": "B"}),
        ("article-media-detail", "b", "delete", f"/api/v1/articles/{b_draft}/media/{img}/", None),
        ("notification-read", "b", "post", f"/api/v1/notifications/{o['notification'].pk}/read/", {}),
        ("me-session", "b", "delete", f"/api/v1/me/sessions/{o['session']}/", None),
        ("staff-user-roles", "editor", "get", f"/api/v1/staff/users/{o['a'].pk}/roles/", None),
        (
            "staff-user-roles",
            "editor",
            "post",
            f"/api/v1/staff/users/{o['a'].pk}/roles/",
            {"grant": ["editor"]},
        ),
        (
            "moderation-conflict-withdraw",
            "editor",
            "post",
            f"/api/v1/moderation/conflicts/{o['conflict'].pk}/withdraw/",
            {},
        ),
        ("editor-track-grant", "editor", "post", "/api/v1/editor-track/applications/1/grant/", {}),
        ("editor-track-decline", "editor", "post", "/api/v1/editor-track/applications/1/decline/", {}),
    ]
    # the site's pages, signed in by session: another person's article, its history, their verdict
    for article in (d, s):
        cases += [
            ("studio-edit", "b", "get", f"/studio/{article}/", None),
            ("studio-edit", "b", "post", f"/studio/{article}/", {"action": "save", "title": "B was here"}),
            ("studio-edit", "b", "post", f"/studio/{article}/", {"action": "submit"}),
            ("studio-withdraw", "b", "get", f"/studio/{article}/withdraw/", None),
            ("studio-withdraw", "b", "post", f"/studio/{article}/withdraw/", {}),
            ("studio-timeline", "b", "get", f"/studio/{article}/timeline/", None),
        ]
    cases.append(
        ("studio-editor-track-review", "b", "get", f"/studio/editor-track/reviews/{o['verdict'].pk}/", None)
    )
    cases.append(
        ("studio-notification-read", "b", "post", f"/studio/notifications/{o['notification'].pk}/read/", {})
    )
    # editors: a draft nobody submitted is not theirs to see or decide
    for name, method, suffix, body in [
        ("moderation-article", "get", "", None),
        ("moderation-article", "patch", "", {"title": "E"}),
        ("moderation-checks", "get", "checks/", None),
        ("moderation-claim", "post", "claim/", {}),
        ("moderation-release", "post", "release/", {}),
        ("moderation-approve", "post", "approve/", {}),
        ("moderation-reject", "post", "reject/", {"reason_code": "spam", "message": "x"}),
        ("moderation-request-changes", "post", "request-changes/", {"message": "x"}),
        ("moderation-retract", "post", "retract/", {"reason": "x"}),
        ("moderation-unschedule", "post", "unschedule/", {}),
        ("moderation-corrections", "post", "corrections/", {"text": "x"}),
        ("moderation-notes", "get", "notes/", None),
        ("moderation-notes", "post", "notes/", {"text": "x"}),
        ("moderation-stage-complete", "post", "stages/fact_check/complete/", {}),
    ]:
        cases.append((name, "editor", method, f"/api/v1/moderation/articles/{d}/{suffix}", body))
    return cases


def _snapshot(o: dict[str, Any]) -> Any:
    articles = list(
        Article.objects.filter(author=o["a"])
        .order_by("pk")
        .values_list("pk", "status", "title", "version", "claimed_by")
    )
    images = list(Media.objects.filter(article__author=o["a"]).values_list("pk", "caption", "article_id"))
    return (
        articles,
        images,
        Notification.objects.get(pk=o["notification"].pk).read_at,
        AuthToken.objects.filter(user=o["a"]).count(),
        ConflictDeclaration.objects.get(pk=o["conflict"].pk).withdrawn_at,
        sorted(o["a"].roles.values_list("name", flat=True)) if hasattr(o["a"], "roles") else None,
        o["a"].notes.count() if hasattr(o["a"], "notes") else None,
    )


def test_every_id_taking_route_is_tried(owners):
    tried = {name for name, *_ in _cases(owners)}
    id_routes = {name for name, _m, pattern in _routes() if pattern.pattern.regex.groupindex}
    assert id_routes - PUBLIC - tried == set()


def test_other_peoples_ids_are_refused_and_nothing_changes(api, owners):
    clients = {"b": api(owners["b"]), "editor": api(owners["stranger_editor"])}
    for who, user in (("b", owners["b"]), ("editor", owners["stranger_editor"])):
        clients[who].force_login(
            user
        )  # the site's pages know people by their session, the API by their token
    before = _snapshot(owners)
    refused = []
    for name, who, method, url, body in _cases(owners):
        client = clients[who]
        multipart = body is not None and any(hasattr(v, "read") for v in body.values())
        if body is None:
            response = getattr(client, method)(url)
        elif not url.startswith("/api/"):  # a page's form
            response = getattr(client, method)(url, body)
        else:
            response = getattr(client, method)(url, body, format="multipart" if multipart else "json")
        count("idor attempts")
        if not url.startswith("/api/"):  # the site's own 404 page: no such article for this person
            assert response.status_code == 404, (name, method, url, response.status_code)
            refused.append(404)
            continue
        assert response.status_code in (403, 404, 409), (
            name,
            who,
            method,
            url,
            response.status_code,
            response.content[:200],
        )
        assert_documented_refusal(response)
        refused.append(response.status_code)
    assert _snapshot(owners) == before
    assert owners["image"].file.storage.exists(owners["image"].file.name)

"""Every route in the URLconf × every role → the status it must answer.

The table below is the authorisation contract. A route (or an HTTP method of it) missing from the table fails
`test_every_route_has_an_expectation`, so a new endpoint cannot land without a rule. Requests carry an empty body:
for a role that may act, the answer is then the endpoint's validation error (or its success where none is needed);
for a role that may not, 401 (anonymous) or 403/404 (signed in). The admin decides per model, identically for all
views of a model, so it is covered by its index and every registered model's changelist.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from moderation.models import EditorApplication
from newsroom.accounts.models import Notification
from newsroom.accounts.roles import CHIEF_EDITOR, EDITOR, JUNIOR_EDITOR
from submissions import workflow
from submissions.models import ConflictDeclaration
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "contributor", "junior_editor", "editor", "chief_editor")
STAFF = ("junior_editor", "editor", "chief_editor")


def _all(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def _signed_in(status: int, anonymous: int = 401) -> dict[str, int]:
    return {**_all(status), "anonymous": anonymous}


def _page(status: int) -> dict[str, int]:
    """A page for members: a guest is sent to sign in."""
    return {**_all(status), "anonymous": 302}


def _editors(status: int, others: int = 403) -> dict[str, int]:
    return {"anonymous": 401, "contributor": others, **dict.fromkeys(STAFF, status)}


def _chief(status: int, others: int = 403) -> dict[str, int]:
    return {
        "anonymous": 401,
        "contributor": others,
        "junior_editor": others,
        "editor": others,
        "chief_editor": status,
    }


# (route name, method) -> role -> status
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("auth-register", "post"): _all(400),
    ("auth-verify-email", "post"): _all(400),
    ("auth-resend-verification", "post"): _all(400),
    ("auth-login", "post"): _all(400),
    ("auth-logout", "post"): _signed_in(204),
    ("auth-password-reset", "post"): _all(400),
    ("auth-password-reset-confirm", "post"): _all(400),
    ("me", "get"): _signed_in(200),
    ("me", "patch"): _signed_in(200),
    ("me", "delete"): _signed_in(400),  # the password is required
    ("me-avatar", "put"): _signed_in(400),
    ("me-avatar", "delete"): _signed_in(200),
    ("me-sessions", "get"): _signed_in(200),
    ("me-sessions", "delete"): _signed_in(204),
    ("me-session", "delete"): _signed_in(404),
    ("me-export", "get"): _signed_in(200),
    ("staff-user-roles", "get"): _chief(200),
    ("staff-user-roles", "post"): _chief(200),
    ("category-list", "get"): _all(200),
    ("article-list", "get"): _signed_in(200),
    ("article-list", "post"): _signed_in(201),  # everyone signed in here is a contributor too
    # another author's article does not exist for anyone but its author (editors use the moderation routes)
    ("article-detail", "get"): _signed_in(404),
    ("article-detail", "patch"): _signed_in(404),
    ("article-submit", "post"): _signed_in(404),
    ("article-withdraw", "post"): _signed_in(404),
    ("article-checks", "get"): _signed_in(404),
    # images: the author's own article only
    ("article-media", "get"): _signed_in(404),
    ("article-media", "post"): _signed_in(404),
    ("article-media-detail", "patch"): _signed_in(404),
    ("article-media-detail", "delete"): _signed_in(404),
    # history: the author, and editors once submitted (the article here is in review)
    ("article-revisions", "get"): _editors(200, others=404),
    ("article-revision", "get"): _editors(200, others=404),
    ("article-revision-diff", "get"): _editors(200, others=404),
    ("article-timeline", "get"): _editors(200, others=404),
    ("moderation-queue", "get"): _editors(200),
    ("moderation-claim-next", "post"): _editors(200),
    ("moderation-article", "get"): _editors(200),
    ("moderation-checks", "get"): _editors(200),
    ("moderation-article", "patch"): _editors(428),  # If-Match required
    ("moderation-claim", "post"): _editors(200),
    ("moderation-release", "post"): _editors(200),
    ("moderation-approve", "post"): _editors(200),
    ("moderation-reject", "post"): _editors(400),  # a reason code is required
    ("moderation-request-changes", "post"): _editors(400),
    ("moderation-retract", "post"): _chief(400),  # the reason is required
    ("moderation-unschedule", "post"): _chief(409),  # the article is in review, not scheduled
    ("moderation-corrections", "post"): {**_editors(400), "junior_editor": 403},  # seniors; text required
    ("moderation-notes", "get"): _editors(200),
    ("moderation-notes", "post"): _editors(400),
    ("moderation-stage-complete", "post"): _editors(404),  # the stage does not apply to this category
    ("moderation-reasons", "get"): _editors(200),
    ("moderation-me", "get"): _editors(200),
    ("moderation-me", "put"): _editors(200),
    ("moderation-conflicts", "get"): _editors(200),
    ("moderation-conflicts", "post"): _editors(400),  # one of author, category, tag
    ("moderation-conflict-withdraw", "post"): _editors(404),  # not theirs
    ("moderation-audit", "get"): _editors(200),
    ("moderation-audit-export", "get"): _chief(200),
    ("moderation-stats", "get"): _editors(200),
    ("article-appeal", "post"): _signed_in(404),
    ("notifications", "get"): _signed_in(200),
    ("notification-read", "post"): _signed_in(404),  # another user's
    ("notifications-read-all", "post"): _signed_in(200),
    ("editor-track-apply", "post"): {**_editors(409), "contributor": 403},  # editors: already_editor; trust 1
    ("editor-track-me", "get"): _signed_in(200),
    ("editor-track-shadow-next", "post"): _signed_in(403),  # not_an_applicant
    ("editor-track-shadow-article", "get"): _signed_in(403),
    ("editor-track-shadow-verdict", "post"): _signed_in(403),
    ("editor-track-applications", "get"): _chief(200),
    ("editor-track-grant", "post"): _chief(409),  # not enough scored reviews
    ("editor-track-decline", "post"): _chief(200),
    ("feed", "get"): _all(200),
    ("feed-article", "get"): _all(200),
    ("author", "get"): _all(200),
    ("schema", "get"): _all(200),
    ("api-docs", "get"): _all(200),
    ("feed-rss", "get"): _all(200),
    ("feed-atom", "get"): _all(200),
    ("feed-json", "get"): _all(200),
    ("feed-corrections", "get"): _all(200),
    ("feed-rss-category", "get"): _all(200),
    ("feed-atom-category", "get"): _all(200),
    ("feed-rss-author", "get"): _all(200),
    ("feed-atom-author", "get"): _all(200),
    ("web-home", "get"): _all(200),
    ("web-search", "get"): _all(200),
    ("web-article", "get"): _all(200),
    ("web-category", "get"): _all(200),
    ("web-author", "get"): _all(200),
    ("sitemap", "get"): _all(200),
    ("robots", "get"): _all(200),
    ("security-txt", "get"): _all(404),  # no SECURITY_CONTACTS set (tests/publishing/test_pages.py sets them)
    ("verify-email", "get"): _all(302),  # the old address of the letters' link: sent to /account/verify/
    ("reset-password", "get"): _all(302),
    ("healthz", "get"): _all(200),
    ("media", "get"): _all(404),  # no such file
    ("language", "get"): _all(302),  # back to the page
    # the site's pages: people are known by their session (302: a guest is sent to /account/login/); someone
    # else's article, verdict or shadow review is a 404; a POST-only page answers GET with 405
    ("account-signup", "get"): _all(200),
    ("account-login", "get"): _all(200),
    ("account-logout", "get"): _all(405),
    ("account-verify", "get"): _all(200),  # no token: the page explains, and offers a new letter
    ("account-password-reset", "get"): _all(200),
    ("account-password-reset-confirm", "get"): _all(400),  # no link
    ("account-profile", "get"): _page(200),
    ("account-delete", "get"): _page(200),
    ("studio-home", "get"): _page(200),
    ("studio-new", "get"): _page(200),
    ("studio-edit", "get"): _page(404),
    ("studio-withdraw", "get"): _page(404),
    ("studio-timeline", "get"): _page(404),
    ("studio-notifications", "get"): _page(200),
    ("studio-notification-read", "get"): _all(405),
    ("studio-notifications-read-all", "get"): _all(405),
    ("studio-preview", "get"): _page(405),
    ("studio-resend-verification", "get"): _page(405),
    ("studio-editor-track", "get"): _page(200),
    ("studio-editor-track-apply", "get"): _all(405),
    ("studio-editor-track-shadow", "get"): _page(302),  # no open application: back to the track's page
    ("studio-editor-track-verdict", "get"): _all(405),
    ("studio-editor-track-review", "get"): _page(404),
}

# admin: model -> role -> status of its changelist (302: sent to the admin login)
_NOT_STAFF = {"anonymous": 302, "contributor": 302}
ADMIN: dict[str, dict[str, int]] = {
    "index": {**_NOT_STAFF, **dict.fromkeys(STAFF, 200)},
    "submissions.article": {**_NOT_STAFF, **dict.fromkeys(STAFF, 200)},
    "submissions.category": {**_NOT_STAFF, **dict.fromkeys(STAFF, 200)},
    "moderation.checkresult": {**_NOT_STAFF, **dict.fromkeys(STAFF, 200)},
    "moderation.editorapplication": {**_NOT_STAFF, "junior_editor": 403, "editor": 403, "chief_editor": 200},
    "accounts.user": {**_NOT_STAFF, "junior_editor": 403, "editor": 403, "chief_editor": 200},
    "moderation.lexiconentry": {**_NOT_STAFF, "junior_editor": 403, "editor": 403, "chief_editor": 200},
    "accounts.rolechange": {**_NOT_STAFF, "junior_editor": 403, "editor": 403, "chief_editor": 200},
    "moderation.queueitem": {**_NOT_STAFF, **dict.fromkeys(STAFF, 200)},
    "submissions.rejectionreason": {**_NOT_STAFF, "junior_editor": 403, "editor": 403, "chief_editor": 200},
    "submissions.reviewstage": {**_NOT_STAFF, "junior_editor": 403, "editor": 403, "chief_editor": 200},
    "submissions.conflictdeclaration": {
        **_NOT_STAFF,
        "junior_editor": 403,
        "editor": 403,
        "chief_editor": 200,
    },
    "channels.channel": {**_NOT_STAFF, "junior_editor": 403, "editor": 403, "chief_editor": 200},
    "channels.delivery": {**_NOT_STAFF, "junior_editor": 403, "editor": 403, "chief_editor": 200},
    "channels.publication": {**_NOT_STAFF, "junior_editor": 403, "editor": 403, "chief_editor": 200},
    # superusers only
    "auth.group": {**_NOT_STAFF, **dict.fromkeys(STAFF, 403)},
    "knox.authtoken": {**_NOT_STAFF, **dict.fromkeys(STAFF, 403)},
    "axes.accessattempt": {**_NOT_STAFF, **dict.fromkeys(STAFF, 403)},
    "axes.accesslog": {**_NOT_STAFF, **dict.fromkeys(STAFF, 403)},
    "axes.accessfailurelog": {**_NOT_STAFF, **dict.fromkeys(STAFF, 403)},
}


def _routes() -> list[tuple[str, str, Any]]:
    """(name, method, pattern) for every non-admin route; methods from the view class (GET for plain views)."""
    found = []

    def walk(patterns: list, namespace: str | None = None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace != "admin":
                view_class = getattr(pattern.callback, "view_class", None)
                methods = (
                    [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)]
                    if view_class
                    else ["get"]
                )
                found.extend((pattern.name or str(pattern.pattern), m, pattern) for m in methods)

    walk(get_resolver().url_patterns)
    return found


def test_every_route_has_an_expectation():
    routes = {(name, method) for name, method, _ in _routes()}
    assert routes - MATRIX.keys() == set(), "routes without an expectation in MATRIX"
    assert MATRIX.keys() - routes == set(), "expectations for routes that no longer exist"
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert registered == ADMIN.keys() - {"index"}, "admin models without an expectation in ADMIN"
    for expected in (*MATRIX.values(), *ADMIN.values()):
        assert set(expected) == set(ROLES)


@pytest.fixture
def world(commit):
    """The objects the id-taking routes point at, none of them owned by the requesting users."""
    author = UserFactory(display_name="Третий автор")
    in_review = ArticleFactory(author=author)
    with commit():
        workflow.article_submit(actor=author, article_id=in_review.pk)
    publisher = UserFactory(role=EDITOR)
    published = ArticleFactory(author=UserFactory())
    with commit():
        workflow.article_submit(actor=published.author, article_id=published.pk)
    with commit():
        workflow.article_approve(actor=publisher, article_id=published.pk)
    published.refresh_from_db()
    applicant = UserFactory(trust_level=2)
    application = EditorApplication.objects.create(user=applicant)
    return {
        "article_id": in_review.pk,
        "slug": published.slug,
        "author_id": published.author_id,
        "user_id": author.pk,
        "application_id": application.pk,
        "stage": "fact_check",
        "category": "city",
        "conflict_id": ConflictDeclaration.objects.create(editor=publisher, author_id=author.pk).pk,
        "notification_id": Notification.objects.create(
            user=publisher, kind="approve", key="matrix", title="t"
        ).pk,
        "session_id": "0" * 32,
        "number": 1,
        "media_id": 1,
        "other": 1,
        "path": "avatars/none.webp",
        "code": "en",
        "review_id": 1,
    }


def _user(role: str) -> Any:
    if role == "anonymous":
        return None
    if role == "contributor":
        return UserFactory()
    return UserFactory(
        role={"junior_editor": JUNIOR_EDITOR, "editor": EDITOR, "chief_editor": CHIEF_EDITOR}[role]
    )


def _url(pattern: Any, world: dict[str, Any]) -> str:
    from django.urls import reverse

    if pattern.name:
        return reverse(pattern.name, kwargs={k: world[k] for k in pattern.pattern.regex.groupindex})
    raise AssertionError(f"unnamed route {pattern.pattern}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "pattern"), _routes(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_route_answers_each_role_as_the_matrix_says(api, world, role, name, method, pattern):
    expected = MATRIX[(name, method)][role]
    user = _user(role)
    client = api(user)
    url = _url(pattern, world)
    if user is not None and not url.startswith("/api/"):
        client.force_login(user)  # the site's pages know people by their session, the API by their token
    parsers = getattr(getattr(pattern.callback, "view_class", None), "parser_classes", [])
    multipart = any(parser.media_type == "multipart/form-data" for parser in parsers)
    if method == "get":
        response = client.get(url)
    else:  # an empty body, in the form the endpoint reads
        response = getattr(client, method)(url, {}, format="multipart" if multipart else "json")
    assert response.status_code == expected, f"{role} {method.upper()} {url}: {response.content[:300]!r}"
    assert response.status_code < 500


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", sorted(ADMIN))
def test_admin_answers_each_role_as_the_matrix_says(client, role, model):
    from django.urls import reverse

    user = _user(role)
    if user is not None:
        client.force_login(user)
    if model == "index":
        url = reverse("admin:index")
    else:
        app_label, model_name = model.split(".")
        url = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert client.get(url).status_code == ADMIN[model][role]

"""Trust levels: the pure rules, how the level follows the record, and what each level allows."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from newsroom.accounts.models import User
from newsroom.accounts.trust import TrustRecord, compute
from submissions import workflow
from submissions.models import Article, ArticleEvent
from submissions.states import Action, Status
from submissions.tasks import recompute_trust_levels
from submissions.trust import record_of, trust_recompute
from tests.conftest import error_code
from tests.factories import BODY_RU, PASSWORD, ArticleFactory, UserFactory
from tests.helpers import submitted

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r"/account/verify/\?token=(\S+)")


# --- the rules ------------------------------------------------------------------------------------------------------


def record(**kw):
    values = {
        "email_verified": True,
        "account_age_days": 0,
        "approved": 0,
        "rejected": 0,
        "changes_requested": 0,
        "sanctions_90d": 0,
        "sanctions_180d": 0,
    }
    return TrustRecord(**{**values, **kw})


TRUSTED = {"account_age_days": 90, "approved": 15, "rejected": 2}  # 15/17 = 0.882


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # an unconfirmed address keeps anyone at 0, even with a long record
        ({"email_verified": False, **TRUSTED}, (0, "email_unverified")),
        ({"email_verified": False}, (0, "email_unverified")),
        # a sanction in the last 90 days keeps anyone at 0
        ({**TRUSTED, "sanctions_90d": 1, "sanctions_180d": 1}, (0, "recent_sanction")),
        ({"sanctions_90d": 1, "sanctions_180d": 1}, (0, "recent_sanction")),
        # verified and new
        ({}, (1, "verified")),
        # level 2: 14 days, 3 approved, ratio >= 0.6
        ({"account_age_days": 14, "approved": 3}, (2, "member")),
        ({"account_age_days": 14, "approved": 3, "rejected": 2}, (2, "member")),  # exactly 0.6
        ({"account_age_days": 13, "approved": 3}, (1, "verified")),  # a day too young
        ({"account_age_days": 14, "approved": 2}, (1, "verified")),  # one approval short
        ({"account_age_days": 14, "approved": 3, "rejected": 3}, (1, "verified")),  # 0.5 < 0.6
        ({"account_age_days": 400, "approved": 6, "rejected": 5}, (1, "verified")),  # 0.545
        # changes requested do not count against the ratio
        ({"account_age_days": 14, "approved": 3, "changes_requested": 10}, (2, "member")),
        # level 3: 90 days, 15 approved, ratio >= 0.85, no sanction in 180 days
        (TRUSTED, (3, "trusted")),
        ({"account_age_days": 90, "approved": 17, "rejected": 3}, (3, "trusted")),  # exactly 0.85
        ({**TRUSTED, "account_age_days": 89}, (2, "member")),
        ({**TRUSTED, "approved": 14, "rejected": 0}, (2, "member")),
        ({"account_age_days": 90, "approved": 15, "rejected": 3}, (2, "member")),  # 0.833 < 0.85
        # a sanction 100 days ago: out of the 90-day window, inside the 180-day one
        ({**TRUSTED, "sanctions_180d": 1}, (2, "member")),
    ],
)
def test_compute_level_boundaries(values, expected):
    assert compute(record(**values)) == expected


def test_approval_ratio_of_an_empty_record_is_zero():
    assert record().approval_ratio == 0.0
    assert record(approved=3, rejected=1).as_dict()["approval_ratio"] == 0.75


# --- the level follows the record -------------------------------------------------------------------------------


@pytest.fixture
def veteran(db):
    """A verified contributor who joined 30 days ago, still at level 1 (no record yet)."""
    return UserFactory(date_joined=timezone.now() - timedelta(days=30))


def submit(user, commit, **kw):
    """Creates and submits an article as `user` (a fresh copy: the level may have changed); -> in_review."""
    return submitted(User.objects.get(pk=user.pk), **kw)


def approved_articles(user, editor, commit, n):
    for _ in range(n):
        article = submit(user, commit)
        with commit():
            workflow.article_approve(actor=editor, article_id=article.pk)


def test_level_follows_decisions_and_sanctions_age_out(veteran, editor, commit):
    assert (veteran.trust_level, veteran.trust_reason) == (1, "verified")
    for n in range(1, 4):
        approved_articles(veteran, editor, commit, 1)
        veteran.refresh_from_db()
        assert veteran.trust_record["approved"] == n
        assert veteran.trust_level == (2 if n == 3 else 1)
    assert (veteran.trust_level, veteran.trust_reason) == (2, "member")
    assert veteran.trust_record == {
        "email_verified": True,
        "account_age_days": 30,
        "approved": 3,
        "rejected": 0,
        "changes_requested": 0,
        "sanctions_90d": 0,
        "sanctions_180d": 0,
        "approval_ratio": 1.0,
    }

    spam = submit(veteran, commit)
    with commit():
        workflow.article_reject(actor=editor, article_id=spam.pk, reason_code="spam", message="Реклама.")
    veteran.refresh_from_db()
    assert (veteran.trust_level, veteran.trust_reason) == (0, "recent_sanction")
    assert veteran.trust_record["rejected"] == 1 and veteran.trust_record["sanctions_90d"] == 1

    later = timezone.now() + timedelta(days=91)
    user = trust_recompute(veteran.pk, now=later)
    assert user is not None
    veteran.refresh_from_db()
    assert veteran.trust_level != 0
    # 121 days, 3 of 4 approved, the sanction still within 180 days: back to a member
    assert (veteran.trust_level, veteran.trust_reason) == (2, "member")
    assert veteran.trust_record["sanctions_90d"] == 0 and veteran.trust_record["sanctions_180d"] == 1
    assert veteran.trust_computed_at == later


def test_a_rejection_for_quality_is_not_a_sanction(veteran, editor, commit):
    article = submit(veteran, commit)
    with commit():
        workflow.article_reject(
            actor=editor, article_id=article.pk, reason_code="low_quality", message="Слабо."
        )
    veteran.refresh_from_db()
    assert (veteran.trust_level, veteran.trust_reason) == (1, "verified")
    assert record_of(veteran).rejected == 1 and record_of(veteran).sanctions_90d == 0


def test_changes_requested_are_counted_apart(veteran, editor, commit):
    article = submit(veteran, commit)
    with commit():
        workflow.article_request_changes(actor=editor, article_id=article.pk, message="Добавьте источник.")
    veteran.refresh_from_db()
    assert veteran.trust_record["changes_requested"] == 1
    assert veteran.trust_record["approved"] == veteran.trust_record["rejected"] == 0


def test_confirming_the_email_moves_a_registrant_from_0_to_1(api):
    response = api().post(
        "/api/v1/auth/register/",
        {"email": "newbie@example.org", "password": PASSWORD, "display_name": "Новичок"},
        format="json",
    )
    assert response.status_code == 201
    user = User.objects.get(email="newbie@example.org")
    assert user.trust_level == 0
    token = unquote(TOKEN_RE.search(mail.outbox[0].body).group(1))
    verified = api().post("/api/v1/auth/verify-email/", {"token": token}, format="json")
    assert verified.status_code == 200
    user.refresh_from_db()
    assert (user.trust_level, user.trust_reason) == (1, "verified")
    assert user.trust_computed_at is not None


def test_nightly_task_recomputes_every_user(editor, commit):
    young = UserFactory()
    approved_articles(young, editor, commit, 3)
    young.refresh_from_db()
    assert (young.trust_level, young.trust_reason) == (1, "verified")  # too new for level 2
    User.objects.filter(pk=young.pk).update(date_joined=timezone.now() - timedelta(days=20))
    unverified = UserFactory(email_verified_at=None)
    User.objects.filter(pk=unverified.pk).update(trust_level=3, trust_reason="trusted")  # stale

    done = recompute_trust_levels()

    assert done == User.objects.filter(deleted_at__isnull=True).count()
    assert done >= 3
    young.refresh_from_db()
    unverified.refresh_from_db()
    assert (young.trust_level, young.trust_reason) == (2, "member")
    assert (unverified.trust_level, unverified.trust_reason) == (0, "email_unverified")


# --- what each level allows ---------------------------------------------------------------------------------------


def submit_via_api(client, article):
    return client.post(f"/api/v1/articles/{article.pk}/submit/")


def test_level_1_may_submit_three_a_day_then_429(api, contributor):
    client = api(contributor)
    for _ in range(3):
        assert submit_via_api(client, ArticleFactory(author=contributor)).status_code == 200
    fourth = ArticleFactory(author=contributor)
    response = submit_via_api(client, fourth)
    assert response.status_code == 429
    assert error_code(response) == "submission_rate_limited"
    body = response.json()["error"]
    assert body["retry_after"] > 0
    assert body["retry_after"] <= 24 * 3600 + 1
    assert body["limit"] == 3 and body["level"] == 1
    fourth.refresh_from_db()
    assert fourth.status == Status.DRAFT
    assert not fourth.revisions.exists()
    assert not ArticleEvent.objects.filter(article=fourth, action=Action.SUBMIT).exists()

    contributor.trust_level = 2
    contributor.save()
    assert submit_via_api(client, fourth).status_code == 200
    fourth.refresh_from_db()
    assert fourth.status != Status.DRAFT


def test_submissions_older_than_a_day_do_not_count(api, contributor):
    client = api(contributor)
    # the audit trail is append-only: the three submissions are made a day ago on a moved clock
    with time_machine.travel(timezone.now() - timedelta(days=1, minutes=1), tick=False):
        for _ in range(3):
            assert submit_via_api(client, ArticleFactory(author=contributor)).status_code == 200
    assert submit_via_api(client, ArticleFactory(author=contributor)).status_code == 200


def test_a_sanctioned_user_cannot_submit(api):
    sanctioned = UserFactory(trust_level=0, trust_reason="recent_sanction")
    article = ArticleFactory(author=sanctioned)
    response = submit_via_api(api(sanctioned), article)
    assert response.status_code == 403
    assert error_code(response) == "submissions_suspended"
    article.refresh_from_db()
    assert article.status == Status.DRAFT


THREE_LINKS = "Подробности: http://a.example.org/x, https://b.example.org/y и www.c.example.org."
TWO_LINKS = "Подробности: https://www.a.example.org/x и http://b.example.org/y."


def test_level_1_may_have_two_links(api, contributor):
    client = api(contributor)
    too_many = ArticleFactory(author=contributor, body=f"{THREE_LINKS} {BODY_RU}")
    response = submit_via_api(client, too_many)
    assert response.status_code == 400
    assert error_code(response) == "too_many_links"
    assert response.json()["error"]["limit"] == 2
    assert response.json()["error"]["fields"]["body"][0]["code"] == "too_many_links"
    too_many.refresh_from_db()
    assert too_many.status == Status.DRAFT
    assert submit_via_api(client, ArticleFactory(author=contributor, body=TWO_LINKS)).status_code == 200


def test_links_in_title_and_lead_count_too(api, contributor):
    article = ArticleFactory(
        author=contributor, title="Смотрите www.a.example.org", lead="и https://b.example.org", body=TWO_LINKS
    )
    response = submit_via_api(api(contributor), article)
    assert response.status_code == 400 and error_code(response) == "too_many_links"


def test_level_2_may_have_ten_links(api, contributor):
    contributor.trust_level = 2
    contributor.save()
    client = api(contributor)
    ten = " ".join(f"https://s{i}.example.org" for i in range(10))
    assert submit_via_api(client, ArticleFactory(author=contributor, body=ten)).status_code == 200
    eleven = " ".join(f"https://s{i}.example.org" for i in range(11))
    response = submit_via_api(client, ArticleFactory(author=contributor, body=eleven))
    assert response.status_code == 400 and error_code(response) == "too_many_links"


# --- editors see the author's trust ---------------------------------------------------------------------------------


def test_queue_shows_author_trust_and_record(api, editor, commit, settings):
    settings.NEWSROOM = {
        **settings.NEWSROOM,
        "TRUST_LIMITS": {**settings.NEWSROOM["TRUST_LIMITS"], 1: (10, 2)},
    }
    author = UserFactory()
    for decide in (
        lambda pk: workflow.article_approve(actor=editor, article_id=pk),
        lambda pk: workflow.article_reject(
            actor=editor, article_id=pk, reason_code="duplicate", message="Было."
        ),
        lambda pk: workflow.article_request_changes(actor=editor, article_id=pk, message="Уточните."),
    ):
        article = submit(author, commit)
        with commit():
            decide(article.pk)
    waiting = submit(author, commit)
    newcomer = UserFactory()
    fresh = submit(newcomer, commit)

    response = api(editor).get("/api/v1/moderation/queue/")
    assert response.status_code == 200
    items = {item["id"]: item for item in response.json()["results"]}
    assert set(items) == {waiting.pk, fresh.pk}
    assert items[waiting.pk]["author"] == {
        "id": author.pk,
        "display_name": author.display_name,
        "trust_level": 1,
        "trust_reason": "verified",
        "record": {"approved": 1, "rejected": 1, "changes_requested": 1},
    }
    assert items[fresh.pk]["author"]["trust_level"] == 1
    assert items[fresh.pk]["author"]["trust_reason"] == "verified"
    assert items[fresh.pk]["author"]["record"] == {"approved": 0, "rejected": 0, "changes_requested": 0}
    assert Article.objects.filter(author=author, status=Status.IN_REVIEW).count() == 1


def test_queue_priority_weighs_newer_authors_first():
    from newsroom.accounts.trust import queue_priority

    weights = [queue_priority(level) for level in range(4)]
    assert weights == sorted(weights, reverse=True) and len(set(weights)) == 4
    assert queue_priority(2) == 1.0  # a member is neutral

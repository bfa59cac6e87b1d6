"""The claim while the review page is open (moderation/admin/lease.py) and the audit trail in words
(moderation/admin/trail.py): renewing one's lease, refusing another editor's, releasing only the lease the page saw,
and events described for the editor instead of raw codes and JSON."""

import datetime as dt
import json

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from moderation import services
from newsroom.accounts.models import User
from submissions import workflow
from submissions.models import Article, ArticleEvent
from submissions.states import Action
from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db

ARTICLES = "/admin/submissions/article/"


def lease_url(article):
    return f"{ARTICLES}{article.pk}/review/claim/"


def review_url(article):
    return f"{ARTICLES}{article.pk}/review/"


def signed(user, **kw):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru", **kw)
    client.force_login(user)
    return client


def held(article):
    return Article.objects.values_list("claimed_by_id", "claim_expires_at").get(pk=article.pk)


def age(article, minutes):
    """Moves the article's lease back in time, as if it had been taken `minutes` ago."""
    Article.objects.filter(pk=article.pk).update(
        claim_expires_at=timezone.now() + dt.timedelta(minutes=20 - minutes)
    )


def test_the_page_carries_the_lease_for_its_script_and_renews_it_on_opening(editor, in_review):
    article = in_review()
    client = signed(editor)
    first = client.get(review_url(article))
    assert [str(m) for m in get_messages(first.wsgi_request)] == ["Вы взяли материал в работу."]
    _, until = held(article)
    content = first.content.decode()
    assert f'data-lease-url="{lease_url(article)}"' in content
    assert f'data-lease-until="{until.isoformat()}"' in content
    assert 'data-lease-renew="600"' in content  # half the 20-minute lease
    age(article, 15)
    _, aged = held(article)
    again = client.get(review_url(article))
    owner, renewed = held(article)
    assert owner == editor.pk and renewed > aged + dt.timedelta(minutes=14)
    assert f'data-lease-until="{renewed.isoformat()}"' in again.content.decode()
    # a renewal is no new claim: the page says nothing of it, the trail records it as one
    assert [str(m) for m in get_messages(again.wsgi_request)] == []
    claims = ArticleEvent.objects.filter(article=article, action=Action.CLAIM).order_by("id")
    assert [e.data["renewal"] for e in claims] == [False, True]


def test_renew_extends_ones_own_lease(editor, in_review):
    article = in_review()
    services.claim(actor=editor, article_id=article.pk)
    age(article, 12)
    _, before = held(article)
    answer = signed(editor).post(lease_url(article), {"op": "renew"})
    assert answer.status_code == 200
    body = answer.json()
    owner, until = held(article)
    assert owner == editor.pk and until > before + dt.timedelta(minutes=11)
    assert body["until"] == until.isoformat()
    assert "ещё" in body["message"]  # «Вы держите материал ещё 20 минут.»


def test_renew_refuses_another_editors_live_claim_and_changes_nothing(editor, in_review):
    article = in_review()
    other = EditorFactory()
    services.claim(actor=other, article_id=article.pk)
    before = held(article)
    answer = signed(editor).post(lease_url(article), {"op": "renew"})
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "claimed_by_other"
    assert held(article) == before


def test_release_ends_only_the_lease_the_page_saw(editor, in_review):
    article = in_review()
    client = signed(editor)
    services.claim(actor=editor, article_id=article.pk)
    _, seen = held(article)
    # the page was reloaded: the new page renewed the lease; the old page's beacon arrives afterwards
    age(article, 5)
    services.claim(actor=editor, article_id=article.pk)
    stale = client.post(lease_url(article), {"op": "release", "until": seen.isoformat()})
    assert stale.status_code == 200 and stale.json() == {"released": False}
    owner, current = held(article)
    assert owner == editor.pk
    # the page the editor really leaves names the current lease: it ends
    left = client.post(lease_url(article), {"op": "release", "until": current.isoformat()})
    assert left.json() == {"released": True}
    assert held(article) == (None, None)
    assert ArticleEvent.objects.filter(article=article, action=Action.RELEASE, actor=editor).count() == 1


def test_release_never_ends_another_editors_claim(editor, in_review):
    article = in_review()
    other = EditorFactory()
    services.claim(actor=other, article_id=article.pk)
    before = held(article)
    answer = signed(editor).post(lease_url(article), {"op": "release", "until": before[1].isoformat()})
    assert answer.json() == {"released": False}
    assert held(article) == before


@pytest.mark.parametrize(
    "data, status, code",
    [
        ({"op": "steal"}, 400, "invalid"),
        ({}, 400, "invalid"),
        ({"op": "release", "until": "not a time"}, 200, None),
    ],
)
def test_bad_requests_are_4xx_with_a_code_or_change_nothing(editor, in_review, data, status, code):
    article = in_review()
    services.claim(actor=editor, article_id=article.pk)
    before = held(article)
    answer = signed(editor).post(lease_url(article), data)
    assert answer.status_code == status
    if code:
        assert answer.json()["error"]["code"] == code
        assert answer.json()["error"]["fields"]["op"][0]["code"] == "invalid_choice"
    assert held(article) == before


def test_the_lease_needs_a_post_an_editor_a_csrf_token_and_an_article(editor, contributor, in_review, draft):
    article = in_review()
    assert signed(editor).get(lease_url(article)).status_code == 405
    to_login = signed(contributor).post(lease_url(article), {"op": "renew"})
    assert to_login.status_code == 302 and to_login["Location"].startswith("/admin/login/")
    assert (
        signed(editor, enforce_csrf_checks=True).post(lease_url(article), {"op": "renew"}).status_code == 403
    )
    assert held(article) == (None, None)
    for wrong in ("999999", "9" * 30, "abc"):
        answer = signed(editor).post(f"{ARTICLES}{wrong}/review/claim/", {"op": "renew"})
        assert answer.status_code == 404, wrong
        assert answer.json()["error"]["code"] == "not_found"
    # a draft is not in the queue: nothing to claim
    answer = signed(editor).post(lease_url(draft), {"op": "renew"})
    # drafts stay the author's
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    assert held(draft) == (None, None)


# --- the audit trail in words -------------------------------------------------------------------------------------


def test_the_trail_says_what_each_event_means(editor, in_review):
    article = in_review()
    client = signed(editor)
    client.get(review_url(article))  # claims it
    workflow.article_reject(actor=editor, article_id=article.pk, reason_code="duplicate")
    page = client.get(review_url(article))
    details = dict((e.action, text) for e, text in page.context["events"])
    assert details[Action.CLAIM].startswith("до ")  # «до 04.12.2026 18:40»
    assert details[Action.REJECT] == "причина: Повтор уже опубликованной новости"
    assert details[Action.CHECKS_COMPLETE].startswith("проверки: ")
    assert "Ссылки — " in details[Action.CHECKS_COMPLETE]  # the checks by name, their outcomes in Russian
    assert details[Action.SUBMIT] == "версия 1"


def test_the_change_forms_trail_shows_no_raw_codes_or_json(editor, in_review):
    article = in_review()
    services.claim(actor=editor, article_id=article.pk)
    services.release(actor=editor, article_id=article.pk)
    page = signed(User.objects.get(pk=editor.pk)).get(f"{ARTICLES}{article.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert f"{article.pk}: submit" not in content and f"{article.pk}: claim" not in content
    for event in ArticleEvent.objects.filter(article=article).exclude(data={}):
        assert json.dumps(event.data) not in content
        assert '"renewal"' not in content and "&quot;renewal&quot;" not in content
    assert "отправлена" in content and "до " in content and "проверки: " in content

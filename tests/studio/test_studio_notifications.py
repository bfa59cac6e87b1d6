"""The notifications page (/studio/notifications/, newsroom.studio.notifications): the member's own notifications,
newest first, in keyset pages, unread ones marked in words; "mark as read" one by one and all at once, as POST forms
that redirect back without JavaScript and answer fragments to htmx; the header's unread count follows."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from django.utils import timezone

from newsroom.accounts.models import Notification
from submissions import workflow
from tests import helpers
from tests.factories import UserFactory
from tests.helpers import submitted

pytestmark = pytest.mark.django_db

PAGE = "/studio/notifications/"
READ_ALL = "/studio/notifications/read-all/"


def read_url(notification: Notification) -> str:
    return f"/studio/notifications/{notification.pk}/read/"


def signed_in(user: Any, lang: str = "en", **kwargs: Any) -> Client:
    return helpers.signed_in(user, lang, **kwargs)


def text_of(html: str) -> str:
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" (?=[:;,.])", "", words)


def notify(
    user: Any, n: int, *, article: int | None = None, read: bool = False, **fields: Any
) -> Notification:
    data = {"article": article, "action": "approve"} if article else {}
    return Notification.objects.create(
        user=user,
        kind=fields.pop("kind", "approve"),
        key=f"test:{user.pk}:{n}",
        title=fields.pop("title", f"Уведомление {n}"),
        body=fields.pop("body", f"Текст уведомления {n}"),
        data=fields.pop("data", data),
        created_at=timezone.now() - timedelta(minutes=100 - n),
        read_at=timezone.now() if read else None,
        **fields,
    )


def badge(html: str) -> str | None:
    """The unread count in the header's account nav, or None when it shows none."""
    nav = re.search(r'<nav class="account-nav".*?</nav>', html, re.S)
    assert nav is not None
    found = re.search(r'<span class="badge"[^>]*>(\d+)</span>', nav.group(0))
    return found.group(1) if found else None


def items(html: str) -> list[str]:
    return re.findall(r'<li class="notification[^"]*" id="notification-(\d+)"', html)


# --- what the page shows ------------------------------------------------------------------------------------------


def test_a_decision_arrives_and_leads_to_the_articles_timeline(commit, contributor, editor):
    article = submitted(contributor, title="Мост <b>откроют</b> в декабре")
    with commit():
        workflow.article_request_changes(
            actor=editor, article_id=article.pk, message="Добавьте <script>x</script>"
        )
    [notification] = Notification.objects.filter(user=contributor)
    response = signed_in(contributor, "ru").get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/studio/{article.pk}/timeline/"' in html
    assert "Мост &lt;b&gt;откроют&lt;/b&gt;" in html and "<b>откроют</b>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
    words = text_of(html)
    assert "Новое" in words and "Отметить прочитанным" in words and "История материала" in words
    assert "1 непрочитанное уведомление" in words
    assert badge(html) == "1"
    assert f'action="{read_url(notification)}"' in html


def test_newest_first_unread_marked_in_words_and_only_ones_own(contributor):
    other = UserFactory()
    notify(other, 1, title="Чужое уведомление")
    old = notify(contributor, 1, article=11, read=True)
    new = notify(contributor, 2, article=12)
    html = signed_in(contributor).get(PAGE).content.decode()
    assert items(html) == [str(new.pk), str(old.pk)]
    assert "Чужое уведомление" not in html
    [new_item] = re.findall(rf'<li [^>]*id="notification-{new.pk}".*?</li>', html, re.S)
    [old_item] = re.findall(rf'<li [^>]*id="notification-{old.pk}".*?</li>', html, re.S)
    assert ">New<" in new_item and "Mark as read" in new_item
    assert ">New<" not in old_item and "Mark as read" not in old_item and ">Read<" in old_item
    assert 'href="/studio/12/timeline/"' in new_item and "See the article&#x27;s history" in new_item


def test_an_editors_digest_leads_to_the_moderation_queue(editor):
    notify(editor, 1, kind="overdue_digest", data={"articles": [5, 6], "total": 2, "slot": 1})
    html = signed_in(editor).get(PAGE).content.decode()
    assert 'href="/admin/moderation/queueitem/"' in html and "Open the moderation queue" in html


def test_a_notification_without_an_article_has_no_link(contributor):
    notify(contributor, 1, data={"article": "12; drop"})
    html = signed_in(contributor).get(PAGE).content.decode()
    assert "/timeline/" not in html and "See the article" not in html


def test_no_notifications_yet(contributor):
    words = text_of(signed_in(contributor).get(PAGE).content.decode())
    assert "No notifications yet." in words
    assert "Mark all as read" not in words


def test_pages_of_twenty_newest_first_with_a_cursor(contributor):
    made = [notify(contributor, n) for n in range(25)]
    client = signed_in(contributor)
    first = client.get(PAGE).content.decode()
    assert items(first) == [str(n.pk) for n in reversed(made)][:20]
    [older] = re.findall(r'<a rel="next" href="([^"]+)"', first)
    second = client.get(unescape(older)).content.decode()
    assert items(second) == [str(n.pk) for n in reversed(made)][20:]
    assert 'rel="next"' not in second and f'href="{PAGE}"' in second


@pytest.mark.parametrize("cursor", ["nonsense", "9999-99-99|1", "2024-01-01T00:00:00+00:00|0", "%00"])
def test_a_bad_cursor_is_a_400_page_not_a_500(contributor, cursor):
    response = signed_in(contributor).get(PAGE, {"before": cursor})
    assert response.status_code == 400
    assert "This link to a page of notifications is not valid" in text_of(response.content.decode())


def test_the_page_in_russian(contributor):
    notify(contributor, 1, article=3)
    html = signed_in(contributor, "ru").get(PAGE).content.decode()
    words = text_of(html)
    for russian in ("Уведомления", "Новое", "Отметить прочитанным", "Отметить все прочитанными"):
        assert russian in words
    for english in ("Mark as read", ">New<", "unread notification", "See the article"):
        assert english not in html


def test_htmx_is_a_static_script_and_nothing_is_inline(contributor):
    notify(contributor, 1, article=3)
    response = signed_in(contributor).get(PAGE)
    html = response.content.decode()
    assert "Content-Security-Policy" in response
    assert re.search(r'<script src="/static/django_htmx/htmx-2[^"]*\.js"', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\sstyle=|\son[a-z]+=|hx-on|js:", html)
    assert '"includeIndicatorStyles": false' in unescape(html)


# --- marking read -------------------------------------------------------------------------------------------------


def test_mark_one_read_without_javascript_redirects_back_and_the_count_follows(contributor):
    first, second = notify(contributor, 1, article=1), notify(contributor, 2, article=2)
    client = signed_in(contributor)
    assert badge(client.get(PAGE).content.decode()) == "2"
    response = client.post(read_url(first))
    assert response.status_code == 302 and response["Location"] == PAGE
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    html = client.get(PAGE).content.decode()
    assert badge(html) == "1"
    assert "1 unread notification" in text_of(html)
    # again: nothing changes, the first time stays
    when = first.read_at
    assert client.post(read_url(first)).status_code == 302
    first.refresh_from_db()
    assert first.read_at == when


def test_mark_read_keeps_the_page_the_member_was_on(contributor):
    made = [notify(contributor, n) for n in range(25)]
    client = signed_in(contributor)
    [older] = re.findall(r'<a rel="next" href="[^"]*before=([^"]+)"', client.get(PAGE).content.decode())
    response = client.post(read_url(made[0]), {"before": unquote(unescape(older))})
    assert response.status_code == 302 and response["Location"].startswith(f"{PAGE}?before=")
    assert client.post(read_url(made[1]), {"before": "forged"})["Location"] == PAGE


def test_mark_one_read_with_htmx_swaps_the_item_and_the_header(contributor):
    first, _second = notify(contributor, 1, article=1), notify(contributor, 2, article=2)
    response = signed_in(contributor).post(read_url(first), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="notification" id="notification-{first.pk}">')
    assert ">New<" not in html and "Mark as read" not in html
    # the header's link, out of band, with the new count; and the "mark all" count
    assert '<a id="notifications-link" href="/studio/notifications/" hx-swap-oob="true">' in html
    assert re.search(r'<span class="badge" aria-label="1 unread">1</span>', html)
    assert '<div id="mark-all" hx-swap-oob="true">' in html and "1 unread notification" in text_of(html)
    # the page's own forms target what the fragments replace
    page_html = signed_in(contributor).get(PAGE).content.decode()
    assert f'hx-target="#notification-{_second.pk}" hx-swap="outerHTML"' in page_html
    assert 'id="notifications"' in page_html and 'hx-target="#notifications"' in page_html


def test_mark_the_last_one_read_with_htmx_clears_the_badge(contributor):
    only = notify(contributor, 1, article=1)
    html = signed_in(contributor).post(read_url(only), HTTP_HX_REQUEST="true").content.decode()
    assert 'class="badge"' not in html
    assert '<div id="mark-all" hx-swap-oob="true"></div>' in html


def test_mark_all_read(contributor):
    mine = [notify(contributor, n, article=n + 1) for n in range(3)]
    others = notify(UserFactory(), 9)
    client = signed_in(contributor)
    response = client.post(READ_ALL)
    assert response.status_code == 302 and response["Location"] == PAGE
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).exists()
    others.refresh_from_db()
    assert others.read_at is None
    html = client.get(PAGE).content.decode()
    assert badge(html) is None and "Mark all as read" not in html and ">New<" not in html


def test_mark_all_read_with_htmx_swaps_the_list_and_the_header(contributor):
    notify(contributor, 1, article=1)
    notify(contributor, 2, article=2)
    html = signed_in(contributor).post(READ_ALL, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<section id="notifications"')
    assert len(items(html)) == 2 and ">New<" not in html and "Mark all as read" not in html
    assert (
        'id="notifications-link" href="/studio/notifications/" hx-swap-oob="true"' in html
        and 'class="badge"' not in html
    )


def test_another_members_notification_is_not_found_and_stays_unread(contributor):
    theirs = notify(UserFactory(), 1)
    client = signed_in(contributor)
    assert client.post(read_url(theirs)).status_code == 404
    assert client.post("/studio/notifications/999999999/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- access and forgery -------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(contributor):
    notification = notify(contributor, 1)
    client = Client()
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"] == f"/account/login/?next={PAGE}"
    for url in (read_url(notification), READ_ALL):
        response = client.post(url)
        assert response.status_code == 302 and response["Location"] == f"/account/login/?next={PAGE}"
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_marks_need_the_csrf_token(contributor):
    notification = notify(contributor, 1)
    client = signed_in(contributor, enforce_csrf_checks=True)
    assert client.post(read_url(notification)).status_code == 403
    assert client.post(READ_ALL).status_code == 403
    assert client.post(read_url(notification), HTTP_HX_REQUEST="true").status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None
    html = client.get(PAGE).content.decode()
    [token] = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[:1]
    assert client.post(read_url(notification), {"csrfmiddlewaretoken": token}).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_marks_answer_only_post(contributor):
    notification = notify(contributor, 1)
    client = signed_in(contributor)
    assert client.get(read_url(notification)).status_code == 405
    assert client.get(READ_ALL).status_code == 405
    assert client.post(PAGE).status_code == 405


# --- cost -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 50])
def test_the_page_and_the_marks_cost_the_same_with_1_and_50(contributor, django_assert_max_num_queries, size):
    made = [notify(contributor, n, article=n + 1) for n in range(size)]
    client = signed_in(contributor)
    with django_assert_max_num_queries(4):  # session, user, one page of rows, the header's unread count
        response = client.get(PAGE)
    assert len(items(response.content.decode())) == min(size, 20)
    with django_assert_max_num_queries(5):
        assert client.post(read_url(made[0]), HTTP_HX_REQUEST="true").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.post(READ_ALL, HTTP_HX_REQUEST="true").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.post(READ_ALL).status_code == 302

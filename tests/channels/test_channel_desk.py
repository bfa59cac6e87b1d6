"""The channel desk (/admin/channels/publication/): per publication, its delivery in every channel (sent, failed
with the error, pending, retrying), and for channels posted by hand the post to paste and the "posted" mark."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from newsroom.channels import services
from newsroom.channels.models import Channel, ChannelKind, Delivery, DeliveryStatus, EventKind, ManualPost
from submissions import workflow
from submissions.links import article_url
from submissions.models import Article
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import submit_and_approve

pytestmark = pytest.mark.django_db

DESK = "/admin/channels/publication/"
BOT_TOKEN = "123456789:AAEfakeTokenForTestsOnly_abcdefghijk"


@pytest.fixture
def published(editor: Any) -> Any:
    def make(**fields: Any) -> Article:
        article = submit_and_approve(ArticleFactory(author=UserFactory(), **fields), editor)
        assert article.status == "published"
        return article

    return make


@pytest.fixture
def manual() -> Channel:
    return Channel.objects.create(name="WhatsApp", kind=ChannelKind.MANUAL)


def signed_in(user: Any, **kwargs: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ru", **kwargs)
    client.force_login(user)
    return client


def told(article: Article) -> dict[str, Delivery]:
    """Channels added after the publication are told of it as the workflow's receiver tells them (the tasks it
    enqueues after commit never run here: the test sets what the attempts left)."""
    services.queue_event(article.pk, EventKind.PUBLISH)
    return {d.channel.name: d for d in Delivery.objects.filter(article=article).select_related("channel")}


def text(response: Any) -> str:
    return response.content.decode().replace("\xa0", " ")


def test_the_desk_shows_each_channels_delivery_state(chief, published):
    article = published()
    Channel.objects.create(
        name="Telegram", kind=ChannelKind.TELEGRAM, bot_token=BOT_TOKEN, chat_id="@newsroom"
    )
    Channel.objects.create(name="Hook A", kind=ChannelKind.WEBHOOK, url="https://a.example.org/hook")
    Channel.objects.create(name="Hook B", kind=ChannelKind.WEBHOOK, url="https://b.example.org/hook")
    Channel.objects.create(name="Hook C", kind=ChannelKind.WEBHOOK, url="https://c.example.org/hook")
    deliveries = told(article)
    now = timezone.now()
    Delivery.objects.filter(pk=deliveries["Telegram"].pk).update(
        status=DeliveryStatus.SENT, attempts=1, sent_at=now, remote_id="42"
    )
    Delivery.objects.filter(pk=deliveries["Hook A"].pk).update(
        status=DeliveryStatus.FAILED, attempts=6, last_error="HTTP 500 from the receiver <b>"
    )
    Delivery.objects.filter(pk=deliveries["Hook B"].pk).update(attempts=2, last_error="timed out")
    client = signed_in(chief)

    listing = client.get(DESK)
    assert listing.status_code == 200
    assert [a.pk for a in listing.context["cl"].result_list] == [article.pk]
    row = text(listing)
    for expected in (
        "Telegram: отправлено",
        "Hook A: не доставлено",
        "Hook B: повторная попытка",
        "Hook C: ожидает",
    ):
        assert expected in row
    assert 'href="/static/channels/desk.css"' in row

    page = client.get(f"{DESK}{article.pk}/change/")
    assert page.status_code == 200
    content = text(page)
    assert escape("HTTP 500 from the receiver <b>") in content and "<b>\n" not in content
    assert "timed out" in content and "следующая попытка" in content
    states = {row.channel.name: row.state for row in page.context["rows"]}
    assert states == {"Hook A": "failed", "Hook B": "retrying", "Hook C": "pending", "Telegram": "sent"}


def test_a_channel_posted_by_hand_gets_the_post_to_paste_and_no_delivery(chief, published, manual):
    article = published(lead="Коротко о главном & важном.")
    assert not Delivery.objects.filter(channel=manual).exists()  # nothing is sent to it
    page = signed_in(chief).get(f"{DESK}{article.pk}/change/")
    assert page.status_code == 200
    content = text(page)
    expected = f"{article.title}\n\n{article.lead}\n\n{article_url(article)}"
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", content, re.S)
    assert textarea is not None and textarea.group(1) == escape(expected)
    assert "readonly" in textarea.group(0) and 'class="channel-text"' in textarea.group(0)
    # the copy button: hidden until the static script shows it; no inline script, no inline style or handler
    assert re.search(
        r'<button type="button" class="button channel-copy" data-copy="channel-text-\d+"', content
    )
    assert 'src="/static/channels/desk.js"' in content
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", content)
    assert not re.search(r'\son\w+="', content) and 'style="' not in content
    assert "Готовый пост" in content and "Отметить как опубликованное" in content
    listing = text(signed_in(chief).get(DESK))
    assert "WhatsApp: опубликовать вручную" in listing


def test_the_posted_mark_is_a_post_with_csrf_that_records_who_and_when(chief, published, manual):
    article = published()
    url = f"{DESK}{article.pk}/change/"
    client = signed_in(chief, enforce_csrf_checks=True)
    assert client.post(url, {"channel": manual.pk}).status_code == 403  # no CSRF token
    assert not ManualPost.objects.exists()
    client.get(url)
    token = client.cookies["csrftoken"].value
    before = timezone.now()
    response = client.post(url, {"channel": manual.pk, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == url
    post = ManualPost.objects.get()
    assert (post.channel, post.article_id, post.posted_by) == (manual, article.pk, chief)
    assert before <= post.posted_at <= timezone.now()
    page = text(client.get(url))
    assert f"Опубликовал(а) {escape(chief.display_name)}" in page
    assert "Отметить как опубликованное" not in page
    assert "WhatsApp: опубликовано вручную" in text(client.get(DESK))
    # a second mark (a double click) keeps the first
    again = client.post(url, {"channel": manual.pk, "csrfmiddlewaretoken": token}, follow=True)
    assert ManualPost.objects.get() == post
    assert "первая отметка остаётся" in text(again)


@pytest.mark.parametrize("channel", ["", "abc", "telegram", "inactive", "999999999"])
def test_a_bad_mark_is_a_clear_error_and_records_nothing(chief, published, manual, channel):
    article = published()
    values = {
        "telegram": lambda: (
            Channel.objects.create(
                name="Telegram", kind=ChannelKind.TELEGRAM, bot_token=BOT_TOKEN, chat_id="@newsroom"
            ).pk
        ),
        "inactive": lambda: Channel.objects.create(name="Old", kind=ChannelKind.MANUAL, is_active=False).pk,
    }
    value = values[channel]() if channel in values else channel
    response = signed_in(chief).post(f"{DESK}{article.pk}/change/", {"channel": value})
    assert response.status_code == 400
    content = text(response)
    assert 'class="errorlist"' in content
    assert ("Обязательное поле" in content) if channel == "" else ("Выберите действующий канал" in content)
    assert not ManualPost.objects.exists()
    assert "Отметить как опубликованное" in content  # the form is still there


def test_a_retracted_article_is_shown_but_not_marked(chief, published, manual):
    article = published()
    workflow.article_retract(actor=chief, article_id=article.pk, reason="ошибка в фактах")
    page = signed_in(chief).get(f"{DESK}{article.pk}/change/")
    assert page.status_code == 200 and "отозвана" in text(page)
    refused = signed_in(chief).post(f"{DESK}{article.pk}/change/", {"channel": manual.pk})
    assert refused.status_code == 400 and not ManualPost.objects.exists()


def test_only_who_may_manage_channels(client, chief, editor, junior, contributor, published, manual):
    article = published()
    url = f"{DESK}{article.pk}/change/"
    for user in (editor, junior):
        other = signed_in(user)
        assert other.get(DESK).status_code == 403
        assert other.get(url).status_code == 403
        assert other.post(url, {"channel": manual.pk}).status_code == 403
    assert not ManualPost.objects.exists()
    for response in (client.get(url), signed_in(contributor).get(url)):
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    # what is not a publication is not on the desk
    draft = ArticleFactory(author=UserFactory())
    desk = signed_in(chief)
    assert desk.get(f"{DESK}{draft.pk}/change/").status_code == 404
    assert desk.post(f"{DESK}{draft.pk}/change/", {"channel": manual.pk}).status_code == 404
    assert desk.get(f"{DESK}abc/change/").status_code in (302, 404)
    assert not ManualPost.objects.exists()
    index = desk.get("/admin/").content.decode()
    assert f'href="{DESK}"' in index
    assert f'href="{DESK}"' not in signed_in(editor).get("/admin/").content.decode()


@pytest.mark.parametrize("count", [1, 50])
def test_the_desk_costs_the_same_queries_for_1_and_50(
    chief, published, manual, count, django_assert_max_num_queries
):
    articles = [published() for _ in range(count)]
    Channel.objects.create(name="Hook", kind=ChannelKind.WEBHOOK, url="https://a.example.org/hook")
    for article in articles:
        told(article)
    client = signed_in(chief)
    client.get(DESK)
    with django_assert_max_num_queries(10):
        response = client.get(DESK)
    assert len(response.context["cl"].result_list) == count
    assert text(response).count("Hook: ожидает") == count

"""Channels: published news reaches Telegram and signed webhooks through the outbox.

A real HTTP server on 127.0.0.1 (port 0) stands in for the Telegram Bot API and for a webhook receiver: nothing
leaves the machine. Articles are published, corrected, updated and retracted through submissions.workflow with
the `commit` fixture, so the after-commit signals, the receivers and the (eager) tasks all run for real."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from newsroom.channels import services, telegram, transport
from newsroom.channels.models import (
    Channel,
    ChannelKind,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    EventKind,
)
from newsroom.channels.tasks import send_delivery, send_pending_deliveries
from submissions import workflow
from submissions.models import Article, Media
from submissions.signals import article_published
from submissions.states import Status
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import submit_and_approve

pytestmark = pytest.mark.django_db

BOT_TOKEN = "123456789:AAEfakeTokenForTestsOnly_abcdefghijk"


# --- the stand-in server -------------------------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: list[tuple[str, str]]
    body: bytes
    status: int  # what the stand-in answered

    @property
    def method(self) -> str:  # the Bot API method, or the last path segment of a webhook
        return self.path.rstrip("/").rsplit("/", 1)[-1]

    @property
    def data(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        return found[0] if found else None


class StandIn:
    """Telegram API (POST /bot<token>/<method>) and a webhook receiver (any other path) in one server. Answers
    can be scripted per method; otherwise Telegram calls succeed with a fresh message_id, webhooks with 200."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.scripts: dict[str, list[tuple[int, Any]]] = defaultdict(list)
        self.next_message_id = 500
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, answer = stand_in.answer(self.path)
                payload = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                with stand_in.lock:
                    stand_in.received.append(Received(self.path, list(self.headers.items()), body, status))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def script(self, method: str, *answers: tuple[int, Any]) -> None:
        self.scripts[method].extend(answers)

    def answer(self, path: str) -> tuple[int, Any]:
        method = path.rstrip("/").rsplit("/", 1)[-1]
        with self.lock:
            if self.scripts[method]:
                return self.scripts[method].pop(0)
            if path.startswith("/bot"):
                self.next_message_id += 1
                return 200, {"ok": True, "result": {"message_id": self.next_message_id, "chat": {"id": -100}}}
        return 200, b'{"received": true}'

    def calls(self, method: str, *, ok: bool | None = None) -> list[Received]:
        return [
            r for r in self.received if r.method == method and (ok is None or (200 <= r.status < 300) == ok)
        ]

    def close(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=5)


@pytest.fixture
def stand_in(settings: Any) -> Any:
    server = StandIn()
    settings.TELEGRAM_API_BASE = server.url
    settings.CHANNELS = {**settings.CHANNELS, "ALLOW_LOOPBACK": True, "TIMEOUT": 5.0}
    yield server
    server.close()


@pytest.fixture
def tg(stand_in: StandIn) -> Channel:
    return Channel.objects.create(
        name="Telegram", kind=ChannelKind.TELEGRAM, bot_token=BOT_TOKEN, chat_id="@newsroom_channel"
    )


@pytest.fixture
def hook(stand_in: StandIn) -> Channel:
    return Channel.objects.create(
        name="Partner", kind=ChannelKind.WEBHOOK, url=f"{stand_in.url}/hooks/newsroom"
    )


@pytest.fixture
def publish(editor: Any) -> Any:
    """publish(**article fields) -> an article submitted by its author and approved (published) by an editor."""

    def make(**fields: Any) -> Article:
        article = submit_and_approve(new_article(author=UserFactory(), **fields), editor)
        assert article.status == Status.PUBLISHED
        return article

    return make


def ru(message: str) -> str:
    """A channel text in Russian (the articles' language here), whether or not the catalogue has it yet."""
    with translation.override("ru"):
        return translation.gettext(message)


def new_article(**fields: Any) -> Article:
    return cast(Article, ArticleFactory(**fields))


def built_article(**fields: Any) -> Article:
    return cast(Article, ArticleFactory.build(**fields))


def make_due(delivery: Delivery) -> None:
    """Moves the clock of a backoff forward without sleeping: the delivery is due now."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, exactly as docs/channels.md gives it."""
    timestamp = headers.get("X-Newsroom-Timestamp", "")
    signature = headers.get("X-Newsroom-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return hmac.compare_digest(signature, "sha256=" + expected.hexdigest())


# --- Telegram ------------------------------------------------------------------------------------------------------


def test_a_failing_api_is_retried_with_backoff_and_the_post_goes_out_once(stand_in, tg, publish, settings):
    stand_in.script("sendMessage", (500, {"ok": False, "description": "Internal"}), (502, b"bad gateway"))
    article = publish(title="Мост <откроют> & не только")
    delivery = Delivery.objects.get(channel=tg, article=article)
    assert (delivery.kind, delivery.status, delivery.attempts) == (
        EventKind.PUBLISH,
        DeliveryStatus.PENDING,
        1,
    )
    # the first backoff: 30 s (the eager countdown task found it not yet due and left it alone)
    assert timedelta(seconds=25) < delivery.next_attempt_at - timezone.now() <= timedelta(seconds=30)
    assert "500" in delivery.last_error
    assert send_delivery.delay(delivery.pk).get() is None  # not due yet: nothing sent
    assert len(stand_in.calls("sendMessage")) == 1

    make_due(delivery)
    assert send_delivery.delay(delivery.pk).get() == DeliveryStatus.PENDING  # 502: again later
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert timedelta(seconds=55) < delivery.next_attempt_at - timezone.now() <= timedelta(seconds=60)

    make_due(delivery)
    assert send_pending_deliveries.delay().get() == 1  # beat's safety net sends what is due
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 3, "")
    assert delivery.remote_id == str(stand_in.next_message_id) and delivery.sent_at is not None
    assert send_delivery.delay(delivery.pk).get() is None  # idempotent: a sent delivery is never sent again
    assert send_pending_deliveries.delay().get() == 0

    assert len(stand_in.calls("sendMessage", ok=True)) == 1
    assert len(stand_in.calls("sendMessage")) == 3
    log = list(DeliveryAttempt.objects.filter(delivery=delivery).order_by("id"))
    assert [(a.succeeded, a.http_status) for a in log] == [(False, 500), (False, 502), (True, 200)]
    sent = stand_in.calls("sendMessage", ok=True)[0]
    assert sent.path == f"/bot{BOT_TOKEN}/sendMessage"
    assert sent.data["chat_id"] == "@newsroom_channel" and sent.data["parse_mode"] == "HTML"
    link = f"{settings.SITE_URL}/news/{article.slug}/"
    assert sent.data["text"] == (
        f'<b>Мост &lt;откроют&gt; &amp; не только</b>\n\n{article.lead}\n\n<a href="{link}">{ru("Read more")}</a>'
    )


def test_retraction_edits_the_original_post_to_the_notice(stand_in, tg, publish, chief, commit):
    article = publish()
    post = Delivery.objects.get(channel=tg, article=article, kind=EventKind.PUBLISH)
    with commit():
        workflow.article_retract(actor=chief, article_id=article.pk, reason="Факты <не> подтвердились.")
    retraction = Delivery.objects.get(channel=tg, article=article, kind=EventKind.RETRACTION)
    assert retraction.status == DeliveryStatus.SENT and retraction.remote_id == post.remote_id
    [edit] = stand_in.calls("editMessageText")
    assert edit.data["message_id"] == int(post.remote_id) and edit.data["chat_id"] == "@newsroom_channel"
    assert "Факты &lt;не&gt; подтвердились." in edit.data["text"]
    assert f"<s>{telegram.escape(article.title)}</s>" in edit.data["text"]
    assert len(stand_in.calls("sendMessage", ok=True)) == 1  # only the post itself


def test_a_retraction_that_cannot_edit_the_post_replies_to_it(stand_in, tg, publish, chief, commit):
    article = publish()
    post = Delivery.objects.get(channel=tg, article=article, kind=EventKind.PUBLISH)
    stand_in.script(
        "editMessageText",
        (400, {"ok": False, "error_code": 400, "description": "Bad Request: message can't be edited"}),
    )
    with commit():
        workflow.article_retract(actor=chief, article_id=article.pk, reason="Снято по просьбе героя.")
    retraction = Delivery.objects.get(channel=tg, article=article, kind=EventKind.RETRACTION)
    assert retraction.status == DeliveryStatus.SENT
    reply = stand_in.calls("sendMessage")[-1]
    assert reply.data["reply_parameters"]["message_id"] == int(post.remote_id)
    assert "Снято по просьбе героя." in reply.data["text"]
    assert retraction.remote_id == str(stand_in.next_message_id)
    assert "can't be edited" in DeliveryAttempt.objects.get(delivery=retraction).error


def test_a_correction_is_a_reply_to_the_post(stand_in, tg, publish, editor, commit):
    article = publish()
    post = Delivery.objects.get(channel=tg, article=article, kind=EventKind.PUBLISH)
    with commit():
        correction = workflow.article_correct(actor=editor, article_id=article.pk, text="Мост откроют 5-го.")
    delivery = Delivery.objects.get(channel=tg, kind=EventKind.CORRECTION)
    assert delivery.correction == correction and delivery.status == DeliveryStatus.SENT
    reply = stand_in.calls("sendMessage")[-1]
    assert reply.data["reply_parameters"]["message_id"] == int(post.remote_id)
    assert f"<b>{ru('Correction')}</b>" in reply.data["text"] and "Мост откроют 5-го." in reply.data["text"]
    with commit():
        workflow.article_correct(actor=editor, article_id=article.pk, text="И ещё одно.")
    assert Delivery.objects.filter(channel=tg, kind=EventKind.CORRECTION).count() == 2
    assert len(stand_in.calls("sendMessage")) == 3  # the post and two replies, none repeated


def test_an_approved_update_edits_the_post(stand_in, tg, publish, editor, commit):
    article = publish(title="Мост откроют в декабре")
    post = Delivery.objects.get(channel=tg, article=article, kind=EventKind.PUBLISH)
    with commit():
        workflow.article_propose_update(
            actor=article.author, article_id=article.pk, title="Мост откроют в январе"
        )
    with commit():
        workflow.article_approve(actor=editor, article_id=article.pk)
    update = Delivery.objects.get(channel=tg, article=article, kind=EventKind.UPDATE)
    assert update.status == DeliveryStatus.SENT and update.revision_id is not None
    [edit] = stand_in.calls("editMessageText")
    assert edit.data["message_id"] == int(post.remote_id)
    assert edit.data["text"].startswith("<b>Мост откроют в январе</b>")


def test_a_refusal_from_telegram_fails_the_delivery_with_the_error(stand_in, tg, publish):
    stand_in.script(
        "sendMessage", (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
    )
    article = publish()
    delivery = Delivery.objects.get(channel=tg, article=article)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "chat not found" in delivery.last_error and BOT_TOKEN not in delivery.last_error
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert attempt.http_status == 400 and not attempt.succeeded
    make_due(delivery)
    assert send_delivery.delay(delivery.pk).get() is None  # failed for good: not tried again by itself
    assert len(stand_in.calls("sendMessage")) == 1


def test_too_many_requests_waits_as_long_as_telegram_says(stand_in, tg, publish):
    stand_in.script(
        "sendMessage",
        (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests",
                "parameters": {"retry_after": 7},
            },
        ),
    )
    article = publish()
    delivery = Delivery.objects.get(channel=tg, article=article)
    assert delivery.status == DeliveryStatus.PENDING
    assert timedelta(seconds=5) < delivery.next_attempt_at - timezone.now() <= timedelta(seconds=7)


def test_after_the_last_attempt_the_delivery_has_failed(stand_in, tg, publish, settings):
    stand_in.script("sendMessage", *[(503, {"ok": False})] * settings.CHANNELS["MAX_ATTEMPTS"])
    article = publish()
    delivery = Delivery.objects.get(channel=tg, article=article)
    waits = []
    for _ in range(settings.CHANNELS["MAX_ATTEMPTS"] - 1):
        delivery.refresh_from_db()
        waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds() / 10) * 10)
        make_due(delivery)
        send_delivery.delay(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, settings.CHANNELS["MAX_ATTEMPTS"])
    assert waits == [30, 60, 120, 240, 480, 960, 1800]  # 30 s × 2^n, capped
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == settings.CHANNELS["MAX_ATTEMPTS"]


def test_a_follow_up_waits_for_its_post(stand_in, tg, publish, editor, commit):
    stand_in.script("sendMessage", (500, {"ok": False}))
    article = publish()
    with commit():
        workflow.article_correct(actor=editor, article_id=article.pk, text="Уточнение.")
    correction = Delivery.objects.get(channel=tg, kind=EventKind.CORRECTION)
    assert (correction.status, correction.attempts) == (DeliveryStatus.PENDING, 0)  # nothing to reply to yet
    post = Delivery.objects.get(channel=tg, kind=EventKind.PUBLISH)
    make_due(post)
    with commit():
        send_delivery.delay(post.pk)
    correction.refresh_from_db()
    post.refresh_from_db()
    assert correction.status == post.status == DeliveryStatus.SENT
    reply = stand_in.calls("sendMessage")[-1]
    assert reply.data["reply_parameters"]["message_id"] == int(post.remote_id)


def test_a_cover_is_posted_as_a_photo_and_its_caption_edited(stand_in, tg, editor, chief, commit, settings):
    settings.SITE_URL = "https://news.example.org"
    author = UserFactory()
    article = new_article(author=author, lead="Л😀" * 300)
    with commit():
        workflow.article_submit(actor=author, article_id=article.pk)
    media = Media.objects.create(
        article=article,
        file="media/1/cover.jpg",
        format="jpeg",
        width=1600,
        height=900,
        sizes={"960": {"name": "media/1/cover-960.jpg", "width": 960, "height": 540}},
    )
    Article.objects.filter(pk=article.pk).update(cover=media)
    with commit():
        workflow.article_approve(actor=editor, article_id=article.pk)
    [photo] = stand_in.calls("sendPhoto")
    assert photo.data["photo"] == "https://news.example.org/media/media/1/cover-960.jpg"
    caption = photo.data["caption"]
    assert telegram.telegram_length(caption) <= telegram.CAPTION_LIMIT and "…" in caption
    assert caption.endswith(f"{ru('Read more')}</a>")
    post = Delivery.objects.get(channel=tg, kind=EventKind.PUBLISH)
    assert post.remote_is_photo
    with commit():
        workflow.article_retract(actor=chief, article_id=article.pk, reason="Причина " * 300)
    [edit] = stand_in.calls("editMessageCaption")
    assert telegram.telegram_length(edit.data["caption"]) <= telegram.CAPTION_LIMIT
    assert edit.data["message_id"] == int(post.remote_id)


def test_texts_respect_the_limits_and_never_split_an_entity():
    article = built_article(title="A & B " * 60, lead="<&>" * 3000, slug="a-b", language="en")
    for limit in (telegram.TEXT_LIMIT, telegram.CAPTION_LIMIT):
        text = telegram.post_html(article, limit)
        assert telegram.telegram_length(text) <= limit
        assert text.endswith("Read more</a>")
        body = text.split("\n\n")[1]
        assert body.endswith("…") and body.replace("&lt;", "").replace("&gt;", "").replace("&amp;", "") == "…"
    emoji = built_article(title="😀" * 100, lead="😀" * 600, slug="e")  # 2 UTF-16 units each
    assert (
        telegram.telegram_length(telegram.post_html(emoji, telegram.CAPTION_LIMIT)) <= telegram.CAPTION_LIMIT
    )


def test_a_cover_on_a_private_host_is_not_offered_to_telegram(settings):
    article = built_article(slug="x")
    article.cover = Media(file="media/1/c.jpg", format="jpeg", width=1, height=1)
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert telegram.cover_url(article) is None
    settings.SITE_URL = "https://10.1.2.3"
    assert telegram.cover_url(article) is None
    settings.SITE_URL = "https://news.example.org"
    assert telegram.cover_url(article) == "https://news.example.org/media/media/1/c.jpg"


# --- webhooks ------------------------------------------------------------------------------------------------------


def test_webhooks_are_signed_and_a_tampered_body_fails_verification(
    stand_in, hook, publish, editor, chief, commit
):
    article = publish()
    with commit():
        workflow.article_correct(actor=editor, article_id=article.pk, text="Исправлено.")
    with commit():
        workflow.article_retract(actor=chief, article_id=article.pk, reason="Отозвано.")
    calls = stand_in.calls("newsroom")
    assert [c.data["event"] for c in calls] == ["article.published", "article.corrected", "article.retracted"]
    deliveries = {d.kind: d for d in Delivery.objects.filter(channel=hook)}
    assert all(d.status == DeliveryStatus.SENT for d in deliveries.values())
    hook.refresh_from_db()
    assert len(hook.secret) >= 32  # generated
    for call in calls:
        headers = dict(call.headers)
        assert verify(hook.secret, headers, call.body)
        assert not verify(hook.secret, headers, call.body.replace(b"article", b"artikel", 1))  # tampered
        assert not verify("another-secret-0123456789", headers, call.body)
        assert headers["X-Newsroom-Delivery"] == str(call.data["delivery_id"])
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        assert call.data["article"]["id"] == article.pk and call.data["article"]["slug"] == article.slug
    published, corrected, retracted = (c.data for c in calls)
    assert published["delivery_id"] == deliveries[EventKind.PUBLISH].pk
    assert published["article"]["url"].endswith(f"/news/{article.slug}/")
    assert {"id", "slug", "url", "title", "lead", "language", "published_at"} <= set(published["article"])
    assert published["sent_at"] and "correction" not in published and "retraction" not in published
    assert corrected["correction"]["text"] == "Исправлено."
    assert retracted["retraction"]["reason"] == "Отозвано." and retracted["article"]["status"] == "retracted"
    # the documented algorithm, recomputed here
    call = calls[0]
    timestamp = call.header("X-Newsroom-Timestamp")
    digest = hmac.new(hook.secret.encode(), f"{timestamp}.".encode() + call.body, hashlib.sha256).hexdigest()
    assert call.header("X-Newsroom-Signature") == f"sha256={digest}"


def test_a_webhook_that_does_not_answer_2xx_is_retried(stand_in, hook, publish):
    stand_in.script("newsroom", (503, b"maintenance"), (302, b""))
    article = publish()
    delivery = Delivery.objects.get(channel=hook, article=article)
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_error == "HTTP 503: maintenance"
    make_due(delivery)
    send_delivery.delay(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_error.startswith("HTTP 302")
    make_due(delivery)
    send_delivery.delay(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)
    ids = {c.header("X-Newsroom-Delivery") for c in stand_in.calls("newsroom")}
    assert ids == {str(delivery.pk)}  # the receiver's key to drop repeats


def test_a_webhook_to_an_unreachable_port_is_retried(stand_in, publish, settings):
    stand_in.close()  # nothing listens on its port any more
    channel = Channel.objects.create(name="Down", kind=ChannelKind.WEBHOOK, url=f"{stand_in.url}/hook")
    article = publish()
    delivery = Delivery.objects.get(channel=channel, article=article)
    assert delivery.status == DeliveryStatus.PENDING and "Connection" in delivery.last_error


def test_webhooks_to_private_addresses_are_refused(stand_in, publish, settings):
    settings.CHANNELS = {**settings.CHANNELS, "ALLOW_LOOPBACK": False}
    local = Channel.objects.create(name="Local", kind=ChannelKind.WEBHOOK, url=f"{stand_in.url}/hook")
    private = Channel.objects.create(name="LAN", kind=ChannelKind.WEBHOOK, url="http://10.0.0.7/hook")
    article = publish()
    for channel in (local, private):
        delivery = Delivery.objects.get(channel=channel, article=article)
        assert delivery.status == DeliveryStatus.FAILED and "not public" in delivery.last_error
    assert stand_in.received == []


def test_header_injection_from_data_adds_no_header(stand_in, hook, publish):
    publish(title="Заголовок\r\nX-Evil: 1", lead="Лид\r\nX-Evil: 2")
    [call] = stand_in.calls("newsroom")
    assert call.header("X-Evil") is None
    assert call.data["article"]["title"] == "Заголовок\r\nX-Evil: 1"  # in the JSON body, as data
    names = sorted(name for name, _ in call.headers)
    assert names == sorted(
        [
            "Host",
            "Accept-Encoding",
            "User-Agent",
            "Accept",
            "Connection",
            "Content-Length",
            "Content-Type",
            "X-Newsroom-Timestamp",
            "X-Newsroom-Signature",
            "X-Newsroom-Delivery",
            "X-Newsroom-Event",
        ]
    )
    # and any value that did come from data is cleaned before it becomes a header
    transport.post(
        f"{stand_in.url}/direct",
        b"{}",
        headers={"X-Title": "Title\r\nX-Evil: 3"},
        timeout=5,
        guard=True,
        allow_loopback=True,
    )
    direct = stand_in.calls("direct")[0]
    assert direct.header("X-Evil") is None and "X-Evil: 3" in (direct.header("X-Title") or "")
    assert transport.header_value("a\r\nb\x00c\nd") == "abcd"


# --- the outbox ----------------------------------------------------------------------------------------------------


def test_the_same_event_twice_is_one_delivery(stand_in, tg, hook, publish, commit):
    article = publish()
    with commit():
        article_published.send(sender=Article, article_id=article.pk)  # a repeated signal
    assert services.queue_event(article.pk, EventKind.PUBLISH) == []
    assert Delivery.objects.filter(article=article).count() == 2  # one per channel
    assert len(stand_in.calls("sendMessage")) == 1 and len(stand_in.calls("newsroom")) == 1


def test_inactive_channels_get_nothing(stand_in, tg, hook, publish, editor, commit):
    Channel.objects.filter(pk=hook.pk).update(is_active=False)
    article = publish()
    assert list(Delivery.objects.filter(article=article).values_list("channel_id", flat=True)) == [tg.pk]
    assert stand_in.calls("newsroom") == []
    # deactivated after the publication: a correction is not sent there either
    Channel.objects.filter(pk=tg.pk).update(is_active=False)
    with commit():
        workflow.article_correct(actor=editor, article_id=article.pk, text="Исправлено.")
    assert not Delivery.objects.filter(kind=EventKind.CORRECTION).exists()


def test_a_pending_delivery_of_a_deactivated_channel_fails_instead_of_sending(stand_in, tg, publish):
    stand_in.script("sendMessage", (500, {"ok": False}))
    article = publish()
    delivery = Delivery.objects.get(channel=tg, article=article)
    Channel.objects.filter(pk=tg.pk).update(is_active=False)
    make_due(delivery)
    send_delivery.delay(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "inactive" in delivery.last_error
    assert len(stand_in.calls("sendMessage")) == 1


def test_unpublished_articles_and_unknown_kinds_queue_nothing(tg):
    draft = new_article()
    assert services.queue_event(draft.pk, EventKind.PUBLISH) == []
    assert services.queue_event(draft.pk, "something") == []
    assert services.queue_event(10**9, EventKind.PUBLISH) == []


def test_a_webhook_secret_is_generated_and_settings_are_validated():
    channel = Channel(name="x", kind=ChannelKind.WEBHOOK, url="https://user:pw@example.org/h")
    with pytest.raises(Exception) as refused:
        channel.full_clean()
    assert "url" in refused.value.message_dict  # type: ignore[attr-defined]
    channel = Channel(name="t", kind=ChannelKind.TELEGRAM, bot_token="not a token/../", chat_id="newsroom")
    with pytest.raises(Exception) as refused:
        channel.full_clean()
    assert {"bot_token", "chat_id"} <= set(refused.value.message_dict)  # type: ignore[attr-defined]
    ok = Channel(name="ok", kind=ChannelKind.WEBHOOK, url="https://hooks.example.org/newsroom")
    ok.full_clean()
    ok.save()
    assert len(ok.secret) == 64


# --- admin ---------------------------------------------------------------------------------------------------------


def test_chief_editors_manage_channels_and_retry_failed_deliveries(
    client, stand_in, tg, hook, publish, chief, editor, commit
):
    stand_in.script(
        "sendMessage", (403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was kicked"})
    )
    article = publish()
    failed = Delivery.objects.get(channel=tg, article=article)
    assert failed.status == DeliveryStatus.FAILED
    hook.refresh_from_db()

    client.force_login(chief)
    listing = client.get(reverse("admin:channels_channel_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "@newsroom_channel" in page and hook.secret not in page and BOT_TOKEN not in page
    form = client.get(reverse("admin:channels_channel_change", args=[tg.pk])).content.decode()
    assert BOT_TOKEN not in form  # write-only
    saved = client.post(
        reverse("admin:channels_channel_change", args=[tg.pk]),
        {
            "name": "Telegram (main)",
            "kind": "telegram",
            "is_active": "on",
            "bot_token": "",
            "chat_id": "@newsroom_channel",
            "url": "",
            "secret": "",
        },
    )
    assert saved.status_code == 302
    tg.refresh_from_db()
    assert tg.name == "Telegram (main)" and tg.bot_token == BOT_TOKEN  # an empty field kept the token

    log = client.get(reverse("admin:channels_delivery_changelist"))
    assert log.status_code == 200 and "bot was kicked" in log.content.decode()
    assert client.get(reverse("admin:channels_delivery_change", args=[failed.pk])).status_code == 200
    with commit():
        response = client.post(
            reverse("admin:channels_delivery_changelist"),
            {"action": "retry_now", "_selected_action": [failed.pk]},
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SENT and failed.attempts == 1
    assert DeliveryAttempt.objects.filter(delivery=failed).count() == 2

    client.force_login(editor)
    assert client.get(reverse("admin:channels_channel_changelist")).status_code == 403
    assert client.get(reverse("admin:channels_delivery_changelist")).status_code == 403

"""The automated checks survive a worker killed mid-check and a broker that is down at submit time (real Redis,
real worker and beat processes)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from kombu.exceptions import OperationalError

from newsroom.celery import app as celery_app
from submissions import workflow
from submissions.models import Article
from submissions.states import Status
from tests.factories import BODY_RU, ArticleFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class _SlowServer:
    """A local page that answers after `delay` seconds: the links check (live mode) waits on it."""

    def __init__(self, delay: float) -> None:
        self.hit = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                outer.hit.set()
                time.sleep(delay)
                self.send_response(200)
                self.end_headers()

            do_HEAD = do_GET = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slow"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def _wait(predicate, what: str, stack, timeout: float = 90) -> None:
    stack.wait_for(predicate, what, timeout=timeout)


def test_a_worker_killed_mid_check_loses_nothing(real_stack):
    server = _SlowServer(delay=6)
    try:
        real_stack.env.update(
            LINK_LIVE_CHECK="true", LINK_ALLOW_LOOPBACK="true", LINK_TIMEOUT="20", STALLED_CHECKS_SECONDS="3"
        )
        worker = real_stack.start_worker()
        author = UserFactory()
        article = ArticleFactory(author=author, body=f"{BODY_RU}\n\nПодробнее: {server.url}")
        workflow.article_submit(actor=author, article_id=article.pk)
        assert server.hit.wait(60), real_stack.logs()  # the links check is running now
        real_stack.kill(worker)
        time.sleep(1)
        assert Article.objects.get(pk=article.pk).status == Status.SUBMITTED
        server.hit.clear()
        real_stack.start_worker()
        real_stack.start_beat()  # the sweeper re-dispatches what the dead worker held
        _wait(lambda: Article.objects.get(pk=article.pk).status == Status.IN_REVIEW, "in_review", real_stack)
    finally:
        server.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _PrivateRedis:
    """A Redis of this test's own, so that stopping it disturbs nothing else."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


def _use_broker(url: str) -> None:
    """Points this process's Celery app at another broker (its connection pools are rebuilt lazily)."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_submit_while_the_broker_is_down_then_checks_run_when_it_is_back(
    real_stack, api, after_commit_errors
):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for this test")
    broker = _PrivateRedis()
    saved = celery_app.conf.broker_url
    try:
        broker.start()
        _use_broker(broker.url)
        broker.stop()  # the broker goes down
        author = UserFactory()
        article = ArticleFactory(author=author)
        response = api(author).post(f"/api/v1/articles/{article.pk}/submit/")
        assert response.status_code == 200, response.content  # the submission stands
        assert Article.objects.get(pk=article.pk).status == Status.SUBMITTED
        # the dispatch after commit failed, on purpose: logged (not raised), and only for want of the broker
        assert after_commit_errors, "the failed dispatch was not logged"
        assert all(isinstance(r.exc_info[1], OperationalError) for r in after_commit_errors)
        assert any("start_checks" in r.getMessage() for r in after_commit_errors)
        broker.start()  # back, empty: the message was never sent
        real_stack.env.update(REDIS_URL=broker.url, STALLED_CHECKS_SECONDS="2")
        real_stack.start_worker()
        real_stack.start_beat()
        _wait(lambda: Article.objects.get(pk=article.pk).status == Status.IN_REVIEW, "in_review", real_stack)
    finally:
        real_stack.stop()
        _use_broker(saved)
        broker.stop()


def test_a_rolled_back_submit_enqueues_nothing(real_stack):
    import redis
    from django.conf import settings
    from django.db import transaction

    author = UserFactory()
    article = ArticleFactory(author=author)
    broker = redis.Redis.from_url(settings.REDIS_URL)
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.article_submit(actor=author, article_id=article.pk)
        raise RuntimeError("the request failed after the submit")
    assert broker.llen(real_stack.queue) == 0  # nothing was published to the worker's queue
    committed = ArticleFactory(author=author)
    workflow.article_submit(actor=author, article_id=committed.pk)
    assert broker.llen(real_stack.queue) == 2  # a committed submit publishes: checks and the duplicate index
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT

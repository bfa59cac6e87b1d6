"""The guests' front cache (newsroom.publishing.front): a public answer replayed whole from one clock read, the
same bytes and headers; a new publication, a member's session or a foreign Host never get a replayed answer."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from newsroom.publishing import caching
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import submit_and_approve

pytestmark = pytest.mark.django_db

KEPT = (
    "Content-Type",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Vary",
    "Content-Language",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
)


@pytest.fixture
def published(editor):
    return submit_and_approve(ArticleFactory(title="Мост откроют в декабре"), editor)


@pytest.mark.parametrize("url", ["/api/v1/feed/", "/api/v1/feed/?page_size=5", "/", "/feed/rss/"])
def test_a_guest_gets_the_same_answer_from_one_clock_read(published, url, django_assert_num_queries):
    client = Client()
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the publication clock, nothing else
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    for name in KEPT:
        assert again.get(name) == first.get(name), name


def test_a_new_publication_is_a_miss(published, editor):
    client = Client()
    assert published.slug in client.get("/api/v1/feed/").content.decode()
    later = submit_and_approve(ArticleFactory(title="Новая школа открылась"), editor)
    response = client.get("/api/v1/feed/")
    assert later.slug in response.content.decode()


def test_a_conditional_get_is_answered_304_from_the_entry(published, django_assert_num_queries):
    client = Client()
    first = client.get("/api/v1/feed/")
    client.get("/api/v1/feed/")  # kept by now
    with django_assert_num_queries(1):
        again = client.get("/api/v1/feed/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    stale = client.get("/api/v1/feed/", HTTP_IF_NONE_MATCH='W/"0.0-0"')
    assert stale.status_code == 200 and stale.content == first.content


def test_languages_are_kept_apart(published):
    for _ in range(2):  # the second round is replayed
        ru = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/")
        en = Client(HTTP_ACCEPT_LANGUAGE="en").get("/")
        assert (ru["Content-Language"], en["Content-Language"]) == ("ru", "en")
        assert "Новости" in ru.content.decode() and "News" in en.content.decode()


def test_a_member_is_never_served_a_guests_answer(published):
    guest = Client()
    guest.get("/")
    guest.get("/")
    member = Client()
    member.force_login(UserFactory(display_name="Вера Читательница"))
    page = member.get("/")
    assert page.status_code == 200
    assert "Вера Читательница" in page.content.decode()
    assert "private" in page["Cache-Control"]
    assert "Вера Читательница" not in guest.get("/").content.decode()


def test_a_foreign_host_is_refused_not_replayed(published):
    Client().get("/api/v1/feed/")
    Client().get("/api/v1/feed/")
    assert Client(HTTP_HOST="evil.example").get("/api/v1/feed/").status_code == 400


def test_nothing_but_a_public_views_answer_is_kept(published):
    client = Client()
    client.get("/api/v1/categories/")
    client.get("/api/v1/categories/")
    assert cache.get(f"front:{_variant('/api/v1/categories/')}") is None
    assert cache.get(f"front:{_variant('/api/v1/feed/')}") is None
    client.get("/api/v1/feed/")
    assert cache.get(f"front:{_variant('/api/v1/feed/')}") is not None


def _variant(path: str) -> str:
    request = RequestFactory().get(path)
    return caching.variant(request)

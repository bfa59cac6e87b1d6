"""[6/8] the readers' API: filters, search (PostgreSQL morphology, ё/е), article detail with provenance, constant
queries, conditional GET before any work, and cache invalidation on every public change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.publishing.models import SearchEntry
from submissions import workflow
from submissions.models import Category, Source
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import submit_and_approve
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(editor):
    def make(**kw):
        author = kw.pop("author", None) or UserFactory()
        tags = kw.pop("tags", [])
        sources = kw.pop("sources", [])
        article = ArticleFactory(author=author, **kw)
        for source in sources:
            Source.objects.create(article=article, **source)
        article.tags.set([])
        if tags:
            from submissions.models import Tag

            article.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
        return submit_and_approve(article, editor)

    return make


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_filters(api, publish):
    ru = publish(region="moscow", tags=["транспорт"])
    en = publish(language="en", title="Port reopens", category=Category.objects.get(slug="economy"))
    client = api()
    assert slugs(client.get("/api/v1/feed/?category=economy")) == [en.slug]
    assert slugs(client.get("/api/v1/feed/?tag=транспорт")) == [ru.slug]
    assert slugs(client.get("/api/v1/feed/?region=Moscow")) == [ru.slug]
    assert slugs(client.get(f"/api/v1/feed/?author={en.author_id}")) == [en.slug]
    assert slugs(client.get("/api/v1/feed/?language=en")) == [en.slug]
    assert client.get("/api/v1/feed/?author=x").status_code == 400


def test_search_finds_inflected_russian_and_folds_yo(api, publish):
    deposit = publish(title="Открыто новое месторождение нефти", body="Геологи нашли нефть под Тюменью. " * 5)
    hedgehog = publish(title="В парке поселились ёжики", body="Ежи живут под старыми клёнами. " * 5)
    publish(title="Port reopens after the storm", language="en", body="Ships are back in the harbour. " * 5)
    client = api()
    assert slugs(client.get("/api/v1/feed/?q=месторождения")) == [deposit.slug]
    assert slugs(client.get("/api/v1/feed/?q=ежики")) == [hedgehog.slug]
    assert slugs(client.get("/api/v1/feed/?q=клены")) == [hedgehog.slug]
    assert slugs(client.get("/api/v1/feed/?q=harbours")) != []
    assert slugs(client.get("/api/v1/feed/?q=вулкан")) == []


def test_search_ranks_title_over_body_on_postgresql(api, publish):
    require_postgres()
    in_body = publish(title="Новости района", body="Обсуждали месторождение гравия у реки. " * 3)
    in_title = publish(title="Месторождение гравия у реки", body="Жители обсуждали планы. " * 3)
    assert slugs(api().get("/api/v1/feed/?q=месторождения гравия")) == [in_title.slug, in_body.slug]
    entry = SearchEntry.objects.get(article=in_title)
    assert "месторожден" in str(entry.vector) and entry.language == in_title.language
    assert entry.published_at == in_title.published_at


def test_a_retracted_article_leaves_the_search(api, publish, commit):
    article = publish(title="Открыто новое месторождение")
    chief = UserFactory(role="chief_editor")
    with commit():
        workflow.article_retract(actor=chief, article_id=article.pk, reason="Ошибка.")
    assert slugs(api().get("/api/v1/feed/?q=месторождение")) == []


def test_detail_has_media_sources_provenance_corrections(api, publish, commit):
    article = publish(
        has_third_party_material=True,
        sources=[{"kind": "other_outlet", "url": "https://example.org/a", "description": "Газета"}],
    )
    with commit():
        workflow.article_correct(
            actor=UserFactory(role="editor"), article_id=article.pk, text="Уточнена дата."
        )
    body = api().get(f"/api/v1/feed/{article.slug}/").json()
    assert body["provenance"]["third_party_material"] is True and body["provenance"]["own_reporting"] is False
    assert body["provenance"]["sources"] == [
        {"kind": "other_outlet", "url": "https://example.org/a", "description": "Газета"}
    ]
    assert "ответственность" in body["provenance"]["disclaimer"]
    assert (
        api(lang="en")
        .get(f"/api/v1/feed/{article.slug}/")
        .json()["provenance"]["disclaimer"]
        .startswith("This news")
    )
    assert body["media"] == [] and "body_html" in body  # factory articles carry no rendered HTML
    assert [c["text"] for c in body["corrections"]] == ["Уточнена дата."]


@pytest.mark.parametrize("query", ["", "?q=жители"])
def test_feed_and_search_use_a_constant_number_of_queries(api, publish, query):
    client = api()

    def count(size):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(
                f"/api/v1/feed/{query}{'&' if query else '?'}page_size={size}&nocache={size}"
            )
            assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["results"])

    for _ in range(6):
        publish(tags=["город", "двор"])
    small, n_small = count(2)
    large, n_large = count(6)
    assert (n_small, n_large) == (2, 6)
    assert small == large


def test_conditional_get_answers_304_from_one_query_without_rendering(
    api, publish, django_assert_max_num_queries
):
    article = publish()
    client = api()
    for url in ("/api/v1/feed/", f"/api/v1/feed/{article.slug}/"):
        first = client.get(url)
        assert first.status_code == 200 and "public" in first["Cache-Control"]
        with django_assert_max_num_queries(1):
            again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b""
        with django_assert_max_num_queries(1):
            since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304


def test_every_public_change_invalidates_the_cached_responses(api, publish, commit):
    article = publish(title="Мост откроют в декабре")
    client = api()
    url = f"/api/v1/feed/{article.slug}/"
    etags = [client.get(url)["ETag"]]
    assert client.get(url)["ETag"] == etags[0]  # served from the cache, same generation

    other = publish()  # a publication
    etags.append(client.get(url)["ETag"])
    editor = UserFactory(role="editor")
    with commit():
        workflow.article_correct(actor=editor, article_id=article.pk, text="Дата уточнена.")
    response = client.get(url)
    etags.append(response["ETag"])
    assert [c["text"] for c in response.json()["corrections"]] == ["Дата уточнена."]

    author = api(article.author)
    etag = author.get(f"/api/v1/articles/{article.pk}/")["ETag"]
    author.patch(
        f"/api/v1/articles/{article.pk}/",
        {"title": "Мост откроют в январе"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    with commit():
        workflow.article_approve(actor=editor, article_id=article.pk)  # the update goes live
    response = client.get(url)
    etags.append(response["ETag"])
    assert response.json()["title"] == "Мост откроют в январе"

    with commit():
        workflow.article_retract(
            actor=UserFactory(role="chief_editor"), article_id=other.pk, reason="Ошибка."
        )
    assert other.slug not in slugs(client.get("/api/v1/feed/?page_size=50"))
    etags.append(client.get(url)["ETag"])
    assert len(set(etags)) == len(etags)

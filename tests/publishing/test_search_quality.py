"""Search quality, the same answers on both databases: this file runs on the embedded default (SQLite FTS5, `make
test`) and on PostgreSQL (`.ci/run`, DATABASE_URL), with the same expectations. Russian morphology both ways, «ё» and
«е», English stems, quoted phrases, minus words, `or`, title over lead over body, newer first among equals, filters
with a search, and queries with nothing to look for."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from newsroom.publishing.search import index_article_id
from newsroom.publishing.search_text import parse, to_fts5, to_tsquery
from submissions.models import Article, Category
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import submit_and_approve

pytestmark = pytest.mark.django_db

# name -> (title, lead, body, language, category)
CORPUS = {
    "deposit": (
        "Освоение месторождения начнётся весной",
        "Геологи закончили разведку.",
        "Работы идут.",
        "ru",
        None,
    ),
    "deposits": (
        "Геологи нашли два месторождений гравия",
        "Разведка шла год.",
        "Карьеры откроют.",
        "ru",
        None,
    ),
    "hedgehog": ("Ёжики вернулись в парк", "Их видели у пруда.", "Кормить ежей не надо.", "ru", None),
    "new_park": ("Новый парк открыли на набережной", "Деревья высадили весной.", "Парк большой.", "ru", None),
    "park_new": ("Парк у реки стал новым местом встреч", "Жители довольны.", "Скамейки новые.", "ru", None),
    "rink": ("В парке залили каток", "Коньки дают напрокат.", "Каток работает до марта.", "ru", None),
    "pool": ("В районе открыли бассейн", "Вода подогревается.", "Вход по записи.", "ru", None),
    "harbour": (
        "Harbour reopens after storm",
        "Boats are running again.",
        "The ferries run daily.",
        "en",
        None,
    ),
    "in_title": ("Гравий для дорог подорожал", "Строители недовольны.", "Закупки перенесли.", "ru", None),
    "in_lead": ("Стройка моста продолжается", "Гравия не хватает.", "Подрядчик ищет поставщика.", "ru", None),
    "in_body": ("Дороги отремонтируют летом", "Работы начнут в июне.", "Нужен гравий и песок.", "ru", None),
    "economy": (
        "Порт наращивает перевалку гравия",
        "Грузы идут морем.",
        "Терминал расширят.",
        "ru",
        "economy",
    ),
}


def ids(response: Any, corpus: dict[str, Article]) -> list[str]:
    """The corpus names of the articles a feed answer lists, in its order."""
    assert response.status_code == 200, response.content
    by_slug = {a.slug: name for name, a in corpus.items()}
    return [by_slug[item["slug"]] for item in response.json()["results"]]


@pytest.fixture
def corpus(editor: object) -> dict[str, Article]:
    published: dict[str, Article] = {}
    base = timezone.now() - dt.timedelta(days=30)
    for n, (name, (title, lead, body, language, category)) in enumerate(CORPUS.items()):
        article = ArticleFactory(
            author=UserFactory(),
            title=title,
            lead=lead,
            body=body,
            language=language,
            **({"category": Category.objects.get(slug=category)} if category else {}),
        )
        published[name] = submit_and_approve(article, editor)
        # a publication time per article, in the corpus's order: later entries are newer
        Article.objects.filter(pk=article.pk).update(published_at=base + dt.timedelta(hours=n))
        index_article_id(article.pk)
    return published


CASES = [
    # Russian morphology, both ways
    ("месторождений", {"deposit", "deposits"}),
    ("месторождение", {"deposit", "deposits"}),
    ("освоении месторождения", {"deposit"}),
    # «ё» and «е», both ways
    ("ежики", {"hedgehog"}),
    ("ёжиков", {"hedgehog"}),
    ("начнется", {"deposit"}),
    # English stems
    ("harbours", {"harbour"}),
    ("run", {"harbour"}),
    # a quoted phrase: the words side by side, in order
    ('"новый парк"', {"new_park"}),
    # a minus word
    ("парк -каток", {"new_park", "park_new", "hedgehog"}),
    ('парк -"новый парк"', {"park_new", "hedgehog", "rink"}),
    # either of two
    ("каток or бассейн", {"rink", "pool"}),
    # nothing matches
    ("вулкан", set()),
]


@pytest.mark.parametrize("q, expected", CASES, ids=[c[0] for c in CASES])
def test_what_a_query_finds(api: object, corpus: dict[str, Article], q: str, expected: set[str]) -> None:
    found = ids(api().get("/api/v1/feed/", {"q": q}), corpus)  # type: ignore[operator]
    assert set(found) == expected
    assert len(found) == len(set(found))


def test_title_outranks_lead_which_outranks_body(api: object, corpus: dict[str, Article]) -> None:
    # the body match is the newest and the title match the oldest: the fields decide, not the time
    found = ids(api().get("/api/v1/feed/", {"q": "гравий", "language": "ru"}), corpus)  # type: ignore[operator]
    assert found.index("in_title") < found.index("in_lead") < found.index("in_body")


def test_newer_first_among_equal_matches(api: object, corpus: dict[str, Article], editor: object) -> None:
    twins = []
    for hours in (5, 1, 3):  # the same text, published 5, 1 and 3 hours ago
        article = submit_and_approve(
            ArticleFactory(
                title="Открылась библиотека комиксов", lead="Читальный зал.", body="Вход свободный."
            ),
            editor,
        )
        Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - dt.timedelta(hours=hours))
        index_article_id(article.pk)
        twins.append(article.slug)
    answer = api().get("/api/v1/feed/", {"q": "библиотеки комиксов"})  # type: ignore[operator]
    assert [item["slug"] for item in answer.json()["results"]] == [twins[1], twins[2], twins[0]]


def test_filters_narrow_a_search(api: object, corpus: dict[str, Article]) -> None:
    client = api()  # type: ignore[operator]
    assert ids(client.get("/api/v1/feed/", {"q": "гравия", "category": "economy"}), corpus) == ["economy"]
    assert ids(client.get("/api/v1/feed/", {"q": "reopens", "language": "en"}), corpus) == ["harbour"]
    assert ids(client.get("/api/v1/feed/", {"q": "reopens", "language": "ru"}), corpus) == []


@pytest.mark.parametrize("q", ["", "   ", "и в на", "the of", "-каток", '""', "or", "-", '"'])
def test_a_query_with_nothing_to_look_for_is_an_empty_page(
    api: object, corpus: dict[str, Article], q: str
) -> None:
    answer = api().get("/api/v1/feed/", {"q": q})  # type: ignore[operator]
    assert answer.status_code == 200
    assert answer.json()["results"] == [] and answer.json()["next"] is None


@pytest.mark.parametrize(
    "q",
    ["NEAR(парк каток)", "парк*", "^парк", "title_stems:парк", "'; DROP TABLE x; --", "парк:*", "a & b | !c"],
)
def test_search_syntax_of_either_database_is_only_words(
    api: object, corpus: dict[str, Article], q: str
) -> None:
    answer = api().get("/api/v1/feed/", {"q": q})  # type: ignore[operator]
    assert answer.status_code == 200  # never a syntax error of FTS5 or of to_tsquery


def test_the_html_search_page_answers_the_same(client: object, corpus: dict[str, Article]) -> None:
    page = client.get("/search/", {"q": "месторождений"}).content.decode()  # type: ignore[attr-defined]
    assert corpus["deposit"].title in page and corpus["deposits"].title in page
    assert corpus["rink"].title not in page


def test_the_parsed_query_in_each_databases_syntax() -> None:
    query = parse('Новый "зелёный парк" -каток or harbours')
    assert query is not None
    assert to_tsquery(query) == "('новый' & ('зеленый' <-> 'парк') & !'каток') | ('harbours')"
    assert to_fts5(query) == '("нов" AND "зелен парк" NOT "каток") OR ("harbour")'
    assert parse("и в на") is None and parse("-каток") is None and parse("") is None

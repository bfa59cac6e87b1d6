"""The second line: texts stored with invisible characters before the inputs refused them (or written in the admin)
reach no <title>, og:title, page, RSS, Atom or JSON Feed with them."""

from __future__ import annotations

import re
from typing import Any

import feedparser
import pytest

from newsroom.api.text import invisible_characters
from submissions import workflow
from submissions.models import Media, Tag
from submissions.states import Status
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import submit_and_approve

pytestmark = pytest.mark.django_db

TITLE = "Пожар \u202eв центре\u2066 города\u2069 потушен"
SHOWN = "Пожар в центре города потушен"
PEN_NAME = "Анна\u200f \u202eавортеП"


@pytest.fixture
def article(editor: Any, commit: Any) -> Any:
    author = UserFactory(trust_level=3, pen_name=PEN_NAME)
    article = ArticleFactory(
        author=author,
        title=TITLE,
        lead="Лид\u2067 новости",
        place_name="Москва\u061c",
        body_html="<p>Текст новости.</p>",
    )
    article.tags.set([Tag.objects.get_or_create(name="пожар\u200b")[0]])
    Media.objects.create(
        article=article, file=f"media/{article.pk}/a.jpg", format="jpeg", width=1, height=1,
        caption="Сквер\u200e", credit="\u202dФото",
    )  # fmt: skip
    article = submit_and_approve(article, editor)
    assert article.status == Status.PUBLISHED
    with commit():
        workflow.article_correct(actor=editor, article_id=article.pk, text="Уточнили адрес.")
    return article


def _assert_clean(content: bytes) -> str:
    text = content.decode()
    assert invisible_characters(text.replace("\n", " ").replace("\t", " ").replace("\r", " ")) == []
    assert not re.search(r"&#(x20[2-6][0-9a-f]|82[0-9][0-9]|1564);", text, re.IGNORECASE)  # nor as references
    return text


def test_the_article_page_title_and_open_graph(client, article):
    page = _assert_clean(client.get(f"/news/{article.slug}/").content)
    assert f"<title>{SHOWN} — Newsroom</title>" in page
    assert f'<meta property="og:title" content="{SHOWN}">' in page
    assert "Анна авортеП" in page and "#пожар" in page


@pytest.mark.parametrize("path", ["/", "/?tag=пожар\u200b", "author"])
def test_the_list_pages(client, article, path):
    if path == "author":
        path = f"/authors/{article.author_id}/"
    response = client.get(path)
    assert response.status_code == 200
    assert SHOWN in _assert_clean(response.content)


def test_a_search_echoes_the_query_but_not_into_the_head(client, article):
    page = client.get("/search/", {"q": "пожар\u202e"}).content.decode()
    head = page.split("</head>")[0]
    _assert_clean(head.encode())
    assert "<title>Поиск: пожар — Newsroom</title>" in head


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_rss_and_atom(client, article, kind):
    for path in (f"/feed/{kind}/", f"/feed/{kind}/author/{article.author_id}/"):
        response = client.get(path)
        parsed = feedparser.parse(_assert_clean(response.content))
        assert parsed.entries[0].title == SHOWN and "Анна авортеП" in parsed.entries[0].author
    corrections = feedparser.parse(_assert_clean(client.get("/feed/corrections/").content))
    assert SHOWN in corrections.entries[0].title


def test_json_feed(client, article):
    response = client.get("/feed/json/")
    _assert_clean(response.content)
    item = response.json()["items"][0]
    assert item["title"] == SHOWN and item["authors"][0]["name"] == "Анна авортеП" and "пожар" in item["tags"]


def test_the_json_api_feed_article_and_author(client, article):
    for path in ("/api/v1/feed/", f"/api/v1/feed/{article.slug}/", f"/api/v1/authors/{article.author_id}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_clean(response.content)
    item = client.get("/api/v1/feed/").json()["results"][0]
    assert item["title"] == SHOWN and item["author"] == "Анна авортеП" and item["tags"] == ["пожар"]
    page = client.get(f"/api/v1/feed/{article.slug}/").json()
    assert page["media"][0]["caption"] == "Сквер" and page["media"][0]["credit"] == "Фото"

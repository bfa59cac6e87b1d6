"""“My articles” (/studio/): the signed-in author's articles grouped by where they stand, each with its state in
words, its last change and what to do next; the empty state that explains how the studio works; who may see it."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from submissions import workflow
from submissions.models import Article
from submissions.states import Status
from tests.factories import ArticleFactory, EditorFactory, UserFactory
from tests.helpers import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def author() -> Any:
    return UserFactory(trust_level=3)  # submits as many articles as a test needs


def text_of(response: Any) -> str:
    """The page as words: tags dropped, entities decoded, spaces folded."""
    html = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(response: Any, key: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<section class="studio-group" id="group-{key}".*?</section>', html, re.S)
    assert match, f"no group {key}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/studio/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/studio/"


def test_the_empty_list_explains_how_it_works(browser: Client) -> None:
    response = browser.get("/studio/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Мои материалы" in page and "Как это устроено" in page
    assert "автоматические проверки" in page.lower()
    assert "редактор" in page
    assert "Вы отвечаете за то, что пишете" in page and "источники" in page
    assert 'href="/studio/new/"' in response.content.decode()


def test_articles_are_grouped_by_state_with_what_to_do_next(
    browser: Client, author: Any, commit: Any
) -> None:
    editor = EditorFactory()
    ArticleFactory(author=author, title="")  # an untitled draft
    changes = submitted(author, title="Сквер отстояли")
    with commit():
        workflow.article_request_changes(
            actor=editor, article_id=changes.pk, message="Добавьте, пожалуйста, источник."
        )
    in_review = submitted(author, title="Ремонт моста затянулся")
    published = submitted(author, title="Открылась новая библиотека")
    with commit():
        workflow.article_approve(actor=editor, article_id=published.pk)
    scheduled = submitted(author, title="Фестиваль перенесли на осень")
    with commit():
        workflow.article_approve(
            actor=editor, article_id=scheduled.pk, publish_at=timezone.now() + timedelta(days=2)
        )
    rejected = submitted(author, title="Реклама магазина")
    with commit():
        workflow.article_reject(
            actor=editor, article_id=rejected.pk, reason_code="spam", message="Это реклама, а не новость."
        )
    withdrawn = ArticleFactory(author=author, title="Передумал публиковать")
    workflow.article_withdraw(actor=author, article_id=withdrawn.pk)
    ArticleFactory(title="Чужая статья")  # someone else's: not listed

    response = browser.get("/studio/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Чужая статья" not in html
    # the groups, what needs the author first
    order = [m for m in re.findall(r'id="group-(\w+)"', html)]
    assert order == ["changes", "drafts", "review", "published", "rejected", "withdrawn"]

    drafts = section(response, "drafts")
    assert "Без заголовка" in drafts and "Черновик" in drafts and "Допишите и отправьте на проверку" in drafts
    changes_text = section(response, "changes")
    assert "Сквер отстояли" in changes_text and "Нужны правки" in changes_text
    assert (
        "Внесите правки и отправьте снова" in changes_text
        and "Добавьте, пожалуйста, источник." in changes_text
    )
    review = section(response, "review")
    assert "Ремонт моста затянулся" in review and "Ждите решения редакции" in review
    assert "Фестиваль перенесли на осень" in review and "Одобрено, ждёт публикации" in review
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    published_text = section(response, "published")
    assert "Открылась новая библиотека" in published_text and "Опубликовано" in published_text
    assert f'href="http://testserver/news/{published.slug}/"' in html or f"/news/{published.slug}/" in html
    rejected_text = section(response, "rejected")
    assert "Отклонено" in rejected_text and "Это реклама, а не новость." in rejected_text
    assert "Вы отозвали материал" in section(response, "withdrawn")
    # each row links to the editor and to the timeline, and says when it last changed
    for article in (changes, in_review, published, rejected, withdrawn):
        assert f'href="/studio/{article.pk}/"' in html
        assert f'href="/studio/{article.pk}/timeline/"' in html
    assert "последнее изменение" in html


def test_the_list_speaks_english_too(client: Client, author: Any) -> None:
    ArticleFactory(author=author, title="Draft in English")
    client.force_login(author)
    response = client.get("/studio/", HTTP_ACCEPT_LANGUAGE="en")
    page = text_of(response)
    assert "Finish it and submit it for review." in page and "Drafts" in page


def test_titles_are_shown_escaped(browser: Client, author: Any) -> None:
    ArticleFactory(author=author, title='<img src=x onerror="alert(1)">Заголовок')
    html = browser.get("/studio/").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_editors_see_only_their_own_writing_here(client: Client, author: Any) -> None:
    ArticleFactory(author=author, title="Текст автора")
    editor = EditorFactory()
    client.force_login(editor)
    assert "Текст автора" not in client.get("/studio/").content.decode()


def _count(django_assert_max_num_queries: Any, browser: Client, bound: int) -> int:
    with django_assert_max_num_queries(bound) as captured:
        assert browser.get("/studio/").status_code == 200
    return len(captured.captured_queries)


def test_query_count_is_the_same_for_1_and_50_articles(
    browser: Client, author: Any, django_assert_max_num_queries: Any
) -> None:
    ArticleFactory(author=author)
    one = _count(django_assert_max_num_queries, browser, 8)
    editor = EditorFactory()
    articles = ArticleFactory.create_batch(49, author=author)
    for article in articles[:5]:
        submitted(author, title=f"Проверка {article.pk}")
    changes = submitted(author)
    workflow.article_request_changes(actor=editor, article_id=changes.pk, message="Правки")
    assert Article.objects.filter(author=author).count() >= 50
    assert _count(django_assert_max_num_queries, browser, one) <= one

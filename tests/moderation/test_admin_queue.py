"""The queue's changelist (/admin/moderation/queueitem/): the editor's questions as its columns (what, who, risk,
checks, time left, claimed by), in the editor's language, styled by its own stylesheet."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.html import escape

from moderation.admin.queue import QueueItemAdmin
from moderation.models import CheckResult, Outcome, QueueItem
from moderation.selectors import review_revision
from submissions.models import Article
from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/queueitem/"


def page(client, user, lang="ru", **query):
    client.force_login(user)
    return client.get(QUEUE, query, HTTP_ACCEPT_LANGUAGE=lang)


def row_of(response, article):
    """The HTML of the article's row in the changelist."""
    content = response.content.decode()
    start = content.index(f'value="{article.pk}"')
    return content[start : content.index("</tr>", start)].replace("\xa0", " ")  # timesince's no-break spaces


def test_the_columns_are_the_editors_questions_in_order(client, editor, in_review):
    article = in_review()
    response = page(client, editor)
    assert response.status_code == 200
    assert list(response.context["cl"].list_display) == [
        "action_checkbox",
        "what",
        "who",
        "risk",
        "checks",
        "time_left",
        "claimed",
    ]
    headers = [h["text"] for h in response.context["result_headers"][1:]]
    assert [str(h) for h in headers] == ["что", "кто", "риск", "проверки", "осталось", "в работе у"]
    english = page(client, editor, lang="en")
    assert [str(h["text"]) for h in english.context["result_headers"][1:]] == [
        "what",
        "who",
        "risk",
        "checks",
        "time left",
        "claimed by",
    ]
    row = row_of(response, article)
    # what: the title links where the queue always did (the item, which opens the article's review page)
    assert f'<a href="{QUEUE}{article.pk}/change/">{escape(article.title)}</a>' in row
    assert (
        client.get(f"{QUEUE}{article.pk}/change/")["Location"]
        == f"/admin/submissions/article/{article.pk}/review/"
    )
    # under it the kind of review, the language and the section
    assert "проверка" in row and article.language in row
    # who: the byline and the trust level
    author = article.author
    assert escape(author.byline) in row and escape(author.get_trust_level_display()) in row


def test_time_left_and_overdue(client, editor, in_review):
    later = in_review()
    late = in_review()
    now = timezone.now()
    Article.objects.filter(pk=later.pk).update(due_at=now + dt.timedelta(hours=3, minutes=30))
    Article.objects.filter(pk=late.pk).update(due_at=now - dt.timedelta(hours=2, minutes=5))
    response = page(client, editor)
    assert "3 часа" in row_of(response, later) and "просрочено" not in row_of(response, later)
    assert '<strong class="queue-overdue">просрочено на 2 часа</strong>' in row_of(response, late)
    english = page(client, editor, lang="en")
    assert "overdue by 2 hours" in row_of(english, late)


def test_checks_are_summed_up_by_failures_and_warnings(client, editor, in_review):
    risky = in_review(body="Коротко.")  # fails the content rules
    calm = in_review()
    revision = review_revision(calm)
    assert revision is not None
    results = CheckResult.objects.filter(revision=revision)
    assert not results.exclude(outcome=Outcome.PASS).exists()
    total = results.count()
    # two warnings on the calm one, made as the checks record them
    results.filter(check_name__in=["links", "language"]).update(outcome=Outcome.WARN)
    response = page(client, editor)
    risky_row = row_of(response, risky)
    # the checks by their names, never by their codes
    assert "1 проверка не пройдена" in risky_row and "Правила оформления" in risky_row
    assert "content_rules" not in risky_row
    assert 'class="queue-check queue-fail"' in risky_row
    calm_row = row_of(response, calm)
    assert "2 предупреждения" in calm_row and "Язык" in calm_row and "Ссылки" in calm_row
    results.update(outcome=Outcome.PASS)
    assert f"пройдены все ({total})" in row_of(page(client, editor), calm)
    english = page(client, editor, lang="en")
    assert "1 failure" in row_of(english, risky)


def test_its_own_stylesheet_is_loaded_with_the_desks(client, editor, in_review):
    in_review()
    content = page(client, editor).content.decode()
    assert 'href="/static/moderation/queue.css"' in content
    assert 'href="/static/moderation/desk.css"' in content
    assert 'style="' not in content.split("<body", 1)[1].split('id="result_list"', 1)[1]


def test_claimed_by_names_the_editor_and_until_when(client, editor, in_review):
    from moderation import services

    article = in_review()
    claimer = EditorFactory()
    services.claim(actor=claimer, article_id=article.pk)
    row = row_of(page(client, editor), article)
    assert escape(claimer.display_name) in row and "до" in row


@pytest.mark.parametrize("count", [1, 50])
def test_the_list_costs_the_same_queries_for_1_and_50(
    client, editor, in_review, count, django_assert_max_num_queries
):
    for index in range(count):
        if index % 3 == 0:
            in_review(body="Коротко.")  # some with a failed check
        else:
            in_review()
    client.force_login(editor)
    client.get(QUEUE)  # warm the session and permission caches
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(QUEUE)
    assert len(response.context["cl"].result_list) == count


QUERY_BOUND = 12


def test_the_admin_declares_the_stylesheet_through_media():
    from django.contrib import admin

    assert isinstance(admin.site._registry[QueueItem], QueueItemAdmin)
    media = str(admin.site._registry[QueueItem].media)
    assert "moderation/queue.css" in media and "moderation/desk.css" in media


# --- the list fits a 1280 px screen (a real browser) -----------------------------------------------------------------

from tests.browser.conftest import (  # noqa: E402 (the browser's fixtures, for the one test that needs them)
    _flushable_append_only_tables,  # noqa: F401
    chromium,  # noqa: F401
    site,  # noqa: F401
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_list_fits_1280_pixels_without_scrolling_sideways(chromium, site):  # noqa: F811
    """Long titles, long names, every check's name, an overdue item and a claim: the table stays inside the
    page at 1280 px and the last column is on screen."""
    from playwright.sync_api import sync_playwright

    from moderation import services
    from newsroom.accounts.roles import EDITOR
    from submissions import workflow
    from tests.factories import PASSWORD, ArticleFactory, UserFactory

    editor = UserFactory(role=EDITOR)
    claimer = UserFactory(role=EDITOR, display_name="Константин Константинопольский-Щедрин")
    articles = []
    for index in range(4):
        author = UserFactory(trust_level=3, display_name="Александра Владимировна Преображенская-Иванова")
        article = ArticleFactory(
            author=author,
            title="Жители микрорайона Северный добились переноса строительства мусороперерабатывающего "
            f"завода подальше от школы и детского сада, выпуск {index}",
            body="Коротко." if index % 2 else ArticleFactory.build().body,
        )
        workflow.article_submit(
            actor=author, article_id=article.pk
        )  # transactional: the checks run on commit
        articles.append(article)
    Article.objects.filter(pk=articles[0].pk).update(due_at=timezone.now() - dt.timedelta(hours=30))
    services.claim(actor=claimer, article_id=articles[1].pk)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium))
        try:
            page = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900}).new_page()
            page.goto(site.url + "/admin/login/")
            page.fill("#id_username", editor.email)
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url("**/admin/")
            page.goto(site.url + QUEUE)
            assert page.locator("#result_list tbody tr").count() == 4
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert scroll <= inner, (scroll, inner)
            table = page.locator("#result_list").bounding_box()
            assert table is not None and table["x"] + table["width"] <= 1280
            overdue = page.locator("td.field-time_left strong.queue-overdue").first
            box = overdue.bounding_box()
            assert overdue.is_visible() and box is not None and box["x"] + box["width"] <= 1280
            claimed = page.locator("td.field-claimed", has_text="Константинопольский").bounding_box()
            assert claimed is not None and claimed["x"] + claimed["width"] <= 1280
        finally:
            browser.close()

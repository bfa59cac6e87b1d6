"""The editors' desk in a real browser: an editor signs in to the admin, finds an article in the review queue, opens
it, reads the automated checks and the word diff of a colleague's edit (styled by the desk's one stylesheet, under
the strict Content-Security-Policy: no inline style is needed or refused), and claims it with an action.

Screenshots of each step go to var/screenshots/ (admin-desk-<step>-ru-<width>.png).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsroom.accounts.roles import EDITOR
from submissions import workflow
from submissions.models import Article
from submissions.states import Status
from tests.browser.conftest import SCREENSHOTS, Console
from tests.factories import PASSWORD, ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTH = 1280


def _shot(page: Any, step: str) -> Path:
    path = SCREENSHOTS / f"admin-desk-{step}-ru-{WIDTH}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_an_editor_reviews_an_article_at_the_admin_desk(chromium: Path, site: Any) -> None:
    editor = UserFactory(role=EDITOR, display_name="Ирина Редактор")
    colleague = UserFactory(role=EDITOR)
    author = UserFactory(trust_level=3)
    article = ArticleFactory(
        author=author,
        title="В парке Горького открыли каток",
        lead="Каток работает до марта.",
        body="Каток открыли в субботу. Вход свободный.",
    )
    workflow.article_submit(
        actor=author, article_id=article.pk
    )  # transactional test: the checks run on commit
    workflow.article_edit(
        actor=colleague,
        article_id=article.pk,
        expected_version=None,
        body="Каток открыли в субботу утром. Вход свободный, прокат коньков платный.",
    )
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW

    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console = Console()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            context = browser.new_context(locale="ru-RU", viewport={"width": WIDTH, "height": 900})
            page = context.new_page()
            console.attach(page)

            # sign in at the desk
            page.goto(site.url + "/admin/login/")
            page.fill("#id_username", editor.email)
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url("**/admin/")

            # the review queue lists the article
            page.goto(site.url + "/admin/moderation/queueitem/")
            assert page.get_by_role("link", name=article.title).is_visible()
            _shot(page, "queue")

            # the article: checks and the colleague's edit as a word diff, styled by desk.css
            page.goto(site.url + f"/admin/submissions/article/{article.pk}/change/")
            inserted = page.locator("ins.desk-ins").first
            assert any("утром" in text for text in page.locator("ins.desk-ins").all_inner_texts())
            assert inserted.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(221, 255, 221)"
            diff = page.locator(".desk-diff-text").first
            assert diff.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
            assert page.locator(".desk-findings").count() >= 1  # the automated checks' findings
            _shot(page, "article")

            # claim it from the queue with the action
            page.goto(site.url + "/admin/moderation/queueitem/")
            page.check(f"input[name=_selected_action][value='{article.pk}']")
            page.select_option("select[name=action]", "claim")
            page.click("button[name=index]")
            page.wait_for_load_state("networkidle")
            assert page.locator(".messagelist .success").count() == 1
            _shot(page, "claimed")
        finally:
            browser.close()

    assert Article.objects.get(pk=article.pk).claimed_by_id == editor.pk
    assert console.csp_violations() == [], console.messages
    assert console.js_errors() == [], console.messages

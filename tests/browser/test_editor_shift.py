"""An editor's shift at the admin desk, in Debian's Chromium: sign in, open the queue, open the top article (claimed
on opening), read its checks, request changes with a message; on the next, try to reject without a reason (refused:
first by the browser, then — the browser's check bypassed — by the server, and nothing changes), then reject with a
reason, its letter previewed; approve the next for a later time. A second editor opening an article the first holds
sees who holds it and gets no decision; the first editor's open page renews the claim, and leaving it releases the
claim. Then every admin page of the project, as a chief editor with demo data, is measured at 1280 px: none scrolls
sideways.

Screenshots go to var/screenshots/ (admin-shift-<step>-ru-1280.png).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import OperationalError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from newsroom.accounts.models import User
from newsroom.accounts.roles import CHIEF_EDITOR, EDITOR
from submissions import workflow
from submissions.models import Article, ArticleEvent
from submissions.states import Action, Status
from tests.browser.conftest import SCREENSHOTS, Console
from tests.factories import PASSWORD, ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTH = 1280
PROJECT_APPS = {"accounts", "submissions", "moderation", "channels", "publishing"}
# how much wider than the window a page is, in CSS pixels (0: it does not scroll sideways)
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _shot(page: Any, step: str) -> Path:
    path = SCREENSHOTS / f"admin-shift-{step}-ru-{WIDTH}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _eventually(check: Callable[[], bool], seconds: float = 10) -> bool:
    """Polls the database for what the browser's request (a beacon, a timer's fetch) has done. On the embedded
    SQLite the live server's thread shares the test's in-memory database: a read that meets its write in
    progress is refused ("database table is locked") and is simply tried again."""

    def looked() -> bool:
        try:
            return check()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            return False

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if looked():
            return True
        time.sleep(0.1)
    return check()


def _sign_in(context: Any, site: Any, user: User) -> Any:
    page = context.new_page()
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


def _article_id(page: Any) -> int:
    # /admin/submissions/article/<id>/review/
    return int(page.url.rstrip("/").split("/")[-2])


def _fresh(pk: int) -> Article:
    return Article.objects.get(pk=pk)


def _in_review(author: User, title: str, body: str) -> Article:
    article = ArticleFactory(author=author, title=title, lead="Коротко о главном.", body=body)
    workflow.article_submit(
        actor=author, article_id=article.pk
    )  # transactional test: the checks run on commit
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    return article


@pytest.fixture
def orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Playwright's sync API keeps an event loop on this thread (in its own greenlet), which makes Django refuse
    database queries as if they came from async code; the test's queries are plain synchronous ones between two
    browser steps, so the guard is lifted for this test."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")


def test_an_editors_shift(chromium: Path, site: Any, orm_beside_playwright: None) -> None:
    irina = UserFactory(role=EDITOR, display_name="Ирина Редактор")
    oleg = UserFactory(role=EDITOR, display_name="Олег Выпускающий")
    titles = [
        "В парке Горького открыли каток",
        "На Садовой улице ремонтируют тротуары",
        "В библиотеке открылась выставка открыток",
        "Во дворе на Лесной высадили липы",
    ]
    for n, title in enumerate(titles):
        _in_review(
            UserFactory(trust_level=2),
            title,
            f"Новость номер {n + 1}. Жители рассказали подробности. Вход свободный.",
        )
    workflow.article_edit(  # a colleague's edit of one of them: the review page shows the word diff
        actor=oleg,
        article_id=Article.objects.get(title=titles[0]).pk,
        expected_version=None,
        body="Новость номер 1. Жители рассказали подробности утром. Вход свободный.",
    )

    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console = Console()
    widths: dict[str, int] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            desk = browser.new_context(locale="ru-RU", viewport={"width": WIDTH, "height": 900})
            page = _sign_in(desk, site, irina)
            page.clock.install()  # the page's timers run on a clock the test may move forward (the lease renewal)
            console.attach(page)

            # the queue: every article waits, nobody holds one
            page.goto(site.url + "/admin/moderation/queueitem/")
            for title in titles:
                assert page.get_by_role("link", name=title).is_visible()
            widths["queue"] = page.evaluate(OVERFLOW)
            _shot(page, "1-queue")

            # the top article: claimed on opening, its checks named in Russian, a colleague's edit as a word diff
            page.locator("#result_list tbody tr").first.get_by_role("link").first.click()
            page.wait_for_url("**/review/")
            first = _article_id(page)
            assert _fresh(first).claimed_by_id == irina.pk
            assert page.locator(".messagelist .info").first.inner_text() == "Вы взяли материал в работу."
            assert "Материал за вами ещё" in page.locator("#claim .desk-lease").inner_text()
            checks = page.locator("#checks table.desk-checks tbody tr")
            assert checks.count() >= 5
            names = [
                checks.nth(i).locator("td").first.inner_text().splitlines()[0] for i in range(checks.count())
            ]
            assert "Ссылки" in names and "links" not in names
            widths["review"] = page.evaluate(OVERFLOW)
            _shot(page, "2-review")

            # request changes: the template in the author's language, put into the message and completed
            form = page.locator("#decision-request_changes")
            form.locator("summary").click()
            form.get_by_role("button", name="Вставить в сообщение").click()
            message = form.locator("textarea[name=message]")
            assert message.input_value().startswith("Здравствуйте! Чтобы материал «")
            message.fill(message.input_value().replace("1. …", "1. Укажите, кто рассказал о новости."))
            _shot(page, "3-request-changes")
            form.get_by_role("button", name="Отправить автору").click()
            page.wait_for_url("**/review/")
            assert _fresh(first).status == Status.CHANGES_REQUESTED
            requested = ArticleEvent.objects.get(article_id=first, action=Action.REQUEST_CHANGES)
            assert "Укажите, кто рассказал о новости." in requested.message and requested.actor_id == irina.pk

            # the next article opened by itself: reject without a reason is refused, and nothing changes
            second = _article_id(page)
            assert second != first and _fresh(second).claimed_by_id == irina.pk
            assert (
                page.locator(".messagelist .success").first.inner_text() == "Автору отправлен запрос правок."
            )
            reject = page.locator("#decision-reject")
            assert (
                reject.locator("select[name=reason_code]").input_value() == ""
            )  # nothing chosen for the editor
            reject.get_by_role("button", name="Отклонить").click()
            assert page.evaluate("document.getElementById('id_reject_reason_code').validity.valueMissing")
            assert _article_id(page) == second and _fresh(second).status == Status.IN_REVIEW
            page.evaluate("document.getElementById('decision-reject').noValidate = true")
            reject.get_by_role("button", name="Отклонить").click()
            page.wait_for_load_state("load")
            assert page.locator(".messagelist .error").first.inner_text() == "Исправьте ошибки ниже."
            assert page.locator("#decision-reject .errorlist").first.inner_text() == "Обязательное поле."
            assert _fresh(second).status == Status.IN_REVIEW
            assert not ArticleEvent.objects.filter(article_id=second, action=Action.REJECT).exists()
            _shot(page, "4-reject-refused")

            # with a reason: the letter the author will get is previewed, then sent
            reject = page.locator("#decision-reject")
            reject.locator("select[name=reason_code]").select_option("duplicate")
            preview = reject.locator('[data-preview-reason="duplicate"]')
            assert preview.is_visible() and "уже опубликована" in preview.inner_text()
            assert not reject.locator('[data-preview-reason="spam"]').is_visible()
            _shot(page, "5-reject-preview")
            reject.get_by_role("button", name="Отклонить").click()
            page.wait_for_url("**/review/")
            rejected = _fresh(second)
            assert rejected.status == Status.REJECTED and rejected.reject_reason == "duplicate"
            letter = ArticleEvent.objects.get(article_id=second, action=Action.REJECT).message
            assert letter == preview_text(rejected)

            # approve the next one for tomorrow morning
            third = _article_id(page)
            assert third not in (first, second)
            tomorrow = timezone.localtime() + dt.timedelta(days=1)
            at = tomorrow.replace(hour=9, minute=30, second=0, microsecond=0)
            approve = page.locator("#decision-approve")
            approve.locator("input[name=publish_at]").fill(at.strftime("%Y-%m-%dT%H:%M"))
            approve.get_by_role("button", name="Одобрить").click()
            page.wait_for_url("**/review/")
            scheduled = _fresh(third)
            assert scheduled.status == Status.SCHEDULED and scheduled.publish_at == at
            _shot(page, "6-approved-for-later")

            # the fourth, claimed on opening; a second editor sees who holds it and is offered no decision
            fourth = _article_id(page)
            assert _fresh(fourth).claimed_by_id == irina.pk
            other_desk = browser.new_context(locale="ru-RU", viewport={"width": WIDTH, "height": 900})
            other = _sign_in(other_desk, site, oleg)
            console.attach(other)
            other.goto(site.url + f"/admin/submissions/article/{fourth}/review/")
            held = other.locator("#claim .desk-held").first.inner_text()
            assert "С материалом работает Ирина Редактор" in held
            for decision in ("approve", "reject", "request_changes"):
                assert other.locator(f"#decision-{decision}").count() == 0
            assert "решения сейчас недоступны" in other.locator("#decisions").inner_text()
            _shot(other, "7-second-editor")

            # the open page renews the claim: ten minutes later (the page's clock) it asks for a new lease
            Article.objects.filter(pk=fourth).update(
                claim_expires_at=timezone.now() + dt.timedelta(minutes=2)
            )
            page.clock.run_for("10:05")
            assert _eventually(
                lambda: _fresh(fourth).claim_expires_at > timezone.now() + dt.timedelta(minutes=15)  # type: ignore[operator]
            ), "the open review page did not renew the claim"
            assert _fresh(fourth).claimed_by_id == irina.pk

            # leaving the page without a decision releases the claim; the second editor may now take it
            page.get_by_role("link", name="Очередь модерации").first.click()
            page.wait_for_url("**/queueitem/")
            assert _eventually(lambda: _fresh(fourth).claimed_by_id is None), (
                "leaving did not release the claim"
            )
            other.reload()
            assert _fresh(fourth).claimed_by_id == oleg.pk
            assert other.locator("#decision-approve").count() == 1
            _shot(other, "8-taken-after-release")
            _shot(page, "9-queue-after-shift")
            widths["queue after the shift"] = page.evaluate(OVERFLOW)
        finally:
            browser.close()

    assert console.csp_violations() == [], console.messages
    assert console.js_errors() == [], console.messages
    assert {name: w for name, w in widths.items() if w > 0} == {}


def preview_text(article: Article) -> str:
    from submissions.models import RejectionReason

    reason = RejectionReason.objects.get(code=article.reject_reason)
    return workflow.rejection_message(reason, article)


def _admin_pages(chief: User) -> list[str]:
    """Every admin page of the project's models a chief editor may open: the list, the add form, and the change
    form of one object; the desk's own pages (review, channel desk) too."""
    urls = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label not in PROJECT_APPS:
            continue

        class Request:  # what has_*_permission reads
            user = chief

        if not model_admin.has_view_or_change_permission(Request()):  # type: ignore[arg-type]
            continue
        try:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
            if model_admin.has_add_permission(Request()):  # type: ignore[arg-type]
                urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        except NoReverseMatch:
            continue
        obj = model_admin.get_queryset(Request()).order_by("pk").first()  # type: ignore[arg-type]
        if obj is not None:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    for article in Article.objects.filter(status__in=[Status.IN_REVIEW, Status.PUBLISHED]).order_by("pk")[:4]:
        urls.append(reverse("admin:submissions_article_review", args=[article.pk]))
    return sorted(set(urls))


def test_no_admin_page_scrolls_sideways_at_1280(
    chromium: Path, site: Any, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path  # the demo accounts' file of this test, not the developer's
    call_command("seed_demo", stdout=open(tmp_path / "seed.log", "w"))  # noqa: SIM115
    chief = UserFactory(role=CHIEF_EDITOR, display_name="Главный Редактор", is_superuser=False)
    urls = _admin_pages(chief)
    assert len(urls) >= 30, urls

    from playwright.sync_api import sync_playwright

    console = Console()
    overflowing: dict[str, int] = {}
    failed: dict[str, int] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            context = browser.new_context(locale="ru-RU", viewport={"width": WIDTH, "height": 900})
            page = _sign_in(context, site, chief)
            console.attach(page)
            for url in urls:
                response = page.goto(site.url + url)
                assert response is not None
                if response.status >= 400:
                    failed[url] = response.status
                    continue
                extra = page.evaluate(OVERFLOW)
                if extra > 0:
                    overflowing[url] = extra
                    name = url.strip("/").replace("/", "-")
                    page.screenshot(path=str(SCREENSHOTS / f"admin-overflow-{name}.png"))
            page.goto(site.url + reverse("admin:moderation_queueitem_changelist"))
            _shot(page, "10-demo-queue")
        finally:
            browser.close()

    assert failed == {}
    assert overflowing == {}, overflowing
    assert console.csp_violations() == [], console.messages
    assert console.js_errors() == [], console.messages

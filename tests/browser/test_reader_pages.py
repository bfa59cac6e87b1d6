"""The readers' pages in a real browser (Debian's chromium driven by Python playwright) against pytest-django's
live server: home, an article, a Russian search, the API docs and the admin login, with the strict
Content-Security-Policy on — no violation and no JavaScript error in the console, the stylesheet applied.

Skips on a machine without /usr/bin/chromium or the playwright package; fails instead under
NEWSROOM_REQUIRE_SERVICES=1 (.ci/run installs chromium). Browsers are never downloaded (`playwright install` is
not used): the system chromium is launched by path. A screenshot is left in var/artifacts/reader-pages.png.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.db import connection

from newsroom.accounts.roles import EDITOR
from submissions import workflow
from submissions.models import Article, Source
from tests.factories import ArticleFactory, UserFactory
from tests.services import unavailable

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"
CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy", "Refused to")


@pytest.fixture
def chromium() -> Path:
    """The system chromium, with the playwright package to drive it; a skip (or, under
    NEWSROOM_REQUIRE_SERVICES=1, a failure) without either."""
    if not CHROMIUM.exists():
        unavailable(f"needs Debian's chromium at {CHROMIUM}: apt-get install -y chromium")
    if importlib.util.find_spec("playwright") is None:
        unavailable("needs the playwright package: pip install -e '.[dev]' (no `playwright install` needed)")
    return CHROMIUM


def _publish(editor: Any, **fields: Any) -> Article:
    author = UserFactory(trust_level=3)
    article = cast(Article, ArticleFactory(author=author, body_html="<p>Текст новости.</p>", **fields))
    if fields.get("has_third_party_material"):
        Source.objects.create(
            article=article, kind="other_outlet", url="https://example.org/news/1", description="Газета"
        )
    workflow.article_submit(actor=author, article_id=article.pk)  # transactional test: on_commit runs
    workflow.article_approve(actor=editor, article_id=article.pk)
    article.refresh_from_db()
    return article


@pytest.fixture
def site(live_server: Any, settings: Any, _flushable_append_only_tables: None) -> Iterator[Any]:
    """The live server, with SITE_URL pointing at it (pages link absolutely to SITE_URL)."""
    settings.SITE_URL = live_server.url
    yield live_server


@pytest.fixture
def _flushable_append_only_tables(transactional_db: None) -> Iterator[None]:
    """SQLite flushes a transactional test's data with DELETE, which the append-only triggers of the audit
    trails refuse (PostgreSQL truncates, which they allow). Before that flush, empty those tables with their
    triggers lifted for a moment, then put the triggers back exactly as they were."""
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND (name GLOB '*_no_delete' OR name GLOB '*_no_update')"
        )
        triggers = cursor.fetchall()
        quote = connection.ops.quote_name  # the names come from sqlite_master, not from anyone's input
        for name, _table, _sql in triggers:
            cursor.execute(f"DROP TRIGGER {quote(name)}")
        for table in sorted({table for _name, table, _sql in triggers}):
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
        for _name, _table, sql in triggers:
            cursor.execute(sql)


class Console:
    """Everything the browser reported: console messages and uncaught page errors."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.errors: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _console(self, msg: Any) -> None:
        url = (msg.location or {}).get("url", "")
        if url.endswith("/favicon.ico"):  # the browser's own probe on pages without an icon (the admin)
            return
        self.messages.append(f"{msg.type}: {msg.text} ({url})")

    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if any(marker in m for marker in CSP_MARKERS)]

    def js_errors(self) -> list[str]:
        return self.errors + [m for m in self.messages if m.startswith("error:")]


def test_reader_pages_in_a_browser_under_the_csp(chromium: Path, site: Any) -> None:
    editor = UserFactory(role=EDITOR)
    found = _publish(
        editor,
        title="Новое месторождение газа открыли на севере",
        lead="Геологи нашли газ.",
        has_third_party_material=True,
    )
    other = _publish(editor, title="Во дворе открыли каток", lead="Зимой будет где кататься.")

    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    console = Console()
    # the sync API keeps an event loop in this thread: Django's ORM is not used until it is closed again
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
            page = context.new_page()
            console.attach(page)

            # home: both articles, newest first, in Russian, styled by the static stylesheet
            response = page.goto(site.url + "/")
            assert response is not None and response.status == 200
            assert "default-src 'self'" in (response.header_value("content-security-policy") or "")
            assert page.locator("html").get_attribute("lang") == "ru"
            titles = page.locator(".item-title a").all_inner_texts()
            assert titles == [other.title, found.title]
            max_width = page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth")
            assert max_width == "736px", "site.css was not applied"

            # an article, opened from the list
            page.get_by_role("link", name=other.title).click()
            page.wait_for_url(f"**/news/{other.slug}/")
            assert page.locator("h1").inner_text() == other.title
            assert page.locator("#provenance .disclaimer").is_visible()

            # search in Russian: another form of the word finds the article
            page.fill("#search-q", "месторождения")
            page.press("#search-q", "Enter")
            page.wait_for_url("**/search/?q=*")
            results = page.locator(".item-title a").all_inner_texts()
            assert results == [found.title]
            page.get_by_role("link", name=found.title).click()
            page.wait_for_url(f"**/news/{found.slug}/")
            assert page.locator(".sources a").inner_text() == "Газета"
            page.screenshot(path=str(ARTIFACTS / "reader-pages.png"), full_page=True)

            # the API docs (Swagger UI, served locally) work under their own policy
            page.goto(site.url + "/api/docs/")
            page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
            assert "Newsroom API" in page.locator(".swagger-ui .info .title").inner_text()

            # the admin login page works under the strict policy
            page.goto(site.url + "/admin/login/")
            assert page.locator("#id_username").is_visible()
            page.wait_for_load_state("networkidle")
        finally:
            browser.close()

    assert console.csp_violations() == [], console.messages
    assert console.js_errors() == [], console.messages
    assert (ARTIFACTS / "reader-pages.png").stat().st_size > 0

"""Shared by the browser tests: Debian's chromium (never a downloaded browser), the live server with SITE_URL on
it, what the browser reported, and published articles to look at."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.db import connection

from submissions import workflow
from submissions.models import Article, Source
from tests.factories import ArticleFactory, UserFactory
from tests.services import unavailable

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
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


def publish(editor: Any, **fields: Any) -> Article:
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


AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe() -> Any:
    """Runs axe-core (tests/browser/axe, installed from the npm registry by `npm ci`) in a page and returns its
    serious and critical violations, each as "rule: selector" strings. The script is evaluated through the
    DevTools protocol, which the page's Content-Security-Policy does not govern: the page itself stays strict."""
    if not AXE.exists():
        unavailable(f"needs axe-core: npm ci --prefix {AXE.parents[2]}")
    source = AXE.read_text()

    def check(page: Any) -> list[str]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(source)
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        return cast(list[str], result)

    return check

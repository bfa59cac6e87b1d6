"""The readers' pages in a real browser (Debian's chromium driven by Python playwright) against pytest-django's
live server: home, an article, a Russian search, the API docs and the admin login, with the strict
Content-Security-Policy on — no violation and no JavaScript error in the console, the stylesheet applied.

Skips on a machine without /usr/bin/chromium or the playwright package; fails instead under
NEWSROOM_REQUIRE_SERVICES=1 (.ci/run installs chromium). Browsers are never downloaded (`playwright install` is
not used): the system chromium is launched by path. A screenshot is left in var/artifacts/reader-pages.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsroom.accounts.roles import EDITOR
from tests.browser.conftest import ARTIFACTS, Console, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_reader_pages_in_a_browser_under_the_csp(chromium: Path, site: Any) -> None:
    editor = UserFactory(role=EDITOR)
    found = publish(
        editor,
        title="Новое месторождение газа открыли на севере",
        lead="Геологи нашли газ.",
        has_third_party_material=True,
    )
    other = publish(editor, title="Во дворе открыли каток", lead="Зимой будет где кататься.")

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

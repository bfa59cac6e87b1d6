"""The studio's editor in a real browser (Debian's chromium driven by playwright, as tests/browser does) against the
live server, under the strict Content-Security-Policy: the live preview, autosave of a new article, a source row
added in place, several photos uploaded with their progress, and a conflict with another tab that keeps both texts
— with no CSP violation and no JavaScript error.

Skips without /usr/bin/chromium or the playwright package (fails instead under NEWSROOM_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from submissions.models import Article
from tests.browser.conftest import SCREENSHOTS, Console
from tests.factories import UserFactory
from tests.helpers import gps_jpeg

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_editor_in_a_browser_under_the_csp(
    chromium: Path,
    site: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    author = UserFactory()
    session = Client()
    session.force_login(author)
    cookie = {"name": "sessionid", "value": session.cookies["sessionid"].value, "url": site.url}
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(gps_jpeg(size=(1200, 800)))

    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console = Console()
    # the sync API keeps an event loop in this thread: the ORM is used again only once it is closed
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            context = browser.new_context(locale="ru-RU", viewport={"width": 1000, "height": 900})
            context.add_cookies([cookie])
            page = context.new_page()
            console.attach(page)
            response = page.goto(site.url + "/studio/new/")
            assert response is not None and response.status == 200
            assert "script-src 'self'" in (response.header_value("content-security-policy") or "")
            page.evaluate("window.sameDocument = true")  # gone if anything reloads the page

            # the live preview renders the Markdown as the published page will
            page.fill("#id_title", "Во дворе открыли каток")
            page.fill("#id_body", "Каток **залили** за ночь.")
            page.wait_for_selector("#preview strong:text('залили')", timeout=10_000)
            # autosave creates the draft and moves the address to it, without a reload
            page.wait_for_selector("#save-status:has-text('Сохранено в')", timeout=10_000)
            page.wait_for_url("**/studio/*/", timeout=10_000)
            article_path = page.url.removeprefix(site.url)
            assert article_path.startswith("/studio/") and article_path != "/studio/new/"

            # a source row, added in place
            page.click("button[value='add_source']")
            page.wait_for_selector("#id_sources-1-kind", timeout=10_000)
            page.select_option("#id_sources-0-kind", "own_reporting")
            page.fill("#id_sources-0-description", "Был на месте")

            # photos: uploaded with htmx, the page says what was removed from each
            page.set_input_files("#id_file", [str(photo)])
            page.click("button[value='upload']")
            page.wait_for_selector(".upload-report li.ok", timeout=20_000)
            report = page.inner_text(".upload-report")
            assert "IMG_0001.jpg" in report and "геоданные удалены" in report
            assert page.locator("#photos img").count() == 1
            # the photo is served to its author by the authorising media view (a signed URL, same origin)
            page.locator("#photos img").scroll_into_view_if_needed()
            page.wait_for_selector("#photos img[src*='access=']", timeout=5_000)
            for _ in range(50):  # loaded (lazily, once in view)
                if page.evaluate("document.querySelector('#photos img').naturalWidth") > 0:
                    break
                page.wait_for_timeout(200)
            assert page.evaluate("document.querySelector('#photos img').naturalWidth") > 0
            assert page.locator("#upload-progress").is_hidden()
            assert page.evaluate("window.sameDocument === true")

            # another tab saves a different title; the first tab's autosave meets it and shows both
            other = context.new_page()
            console.attach(other)
            other.goto(site.url + article_path)
            other.fill("#id_title", "Каток открыли во дворе на Садовой")
            other.click(".editor-actions button[value='save']")
            other.wait_for_load_state("load")
            page.fill("#id_title", "Во дворе на Садовой открыли каток")
            page.wait_for_selector("#conflict .conflict", timeout=10_000)
            conflict = page.inner_text("#conflict")
            assert (
                "Каток открыли во дворе на Садовой" in conflict
                and "Во дворе на Садовой открыли каток" in conflict
            )
            assert "материал сохранили в другом месте" in page.inner_text("#save-status")
            # the author keeps the other title, and saves
            page.check("input[name='keep-title'][value='theirs']")
            page.click("#conflict button[value='save']")
            page.wait_for_load_state("load")
            page.wait_for_selector(".messages", timeout=10_000)
            assert "Сохранено." in page.inner_text(".messages")
            page.screenshot(
                path=str(SCREENSHOTS / "studio-editor-conflict-resolved-ru-1000.png"), full_page=True
            )
        finally:
            browser.close()

    assert console.csp_violations() == [], console.messages
    assert console.js_errors() == [], console.messages
    article = Article.objects.get()
    assert article.title == "Каток открыли во дворе на Садовой" and "залили" in article.body
    assert article.media.count() == 1 and "gps" in article.media.get().metadata_removed
    assert list(article.sources.values_list("kind", "description")) == [("own_reporting", "Был на месте")]

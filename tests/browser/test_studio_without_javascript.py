"""The contributor's way with JavaScript turned off in the browser: sign up, confirm from the letter, sign out and in
again, write (the preview by its button, a source row by its button, the photo by a plain upload), save, submit,
and read the timeline. Every step is a plain form and a full page; screenshots in var/screenshots/
(studio-nojs-<n>-<step>-ru-1280.png)."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from submissions.models import Article
from submissions.states import Status
from tests.browser.conftest import SCREENSHOTS, Console
from tests.browser.test_contributor_journey import PASSWORD, TEXT, letter_link
from tests.helpers import gps_jpeg

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_studio_works_without_javascript(
    chromium: Path, site: Any, settings: Any, tmp_path: Path
) -> None:
    text = TEXT["ru"]
    settings.MEDIA_ROOT = tmp_path / "media"
    mail_dir = Path(settings.BASE_DIR) / "var" / "mail" / "journey-nojs"
    mail_dir.mkdir(parents=True, exist_ok=True)
    for old in mail_dir.glob("*"):
        old.unlink()
    settings.MAILERS = {
        "default": {"BACKEND": "newsroom.mail.ReadableFileBackend", "OPTIONS": {"file_path": str(mail_dir)}}
    }
    photo = tmp_path / "IMG_2042.jpg"
    photo.write_bytes(gps_jpeg(size=(1200, 800)))

    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console = Console()
    step = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            context = browser.new_context(
                locale="ru-RU", viewport={"width": 1280, "height": 800}, java_script_enabled=False
            )
            page = context.new_page()
            console.attach(page)

            def shot(name: str) -> None:
                nonlocal step
                step += 1
                page.screenshot(
                    path=str(SCREENSHOTS / f"studio-nojs-{step:02d}-{name}-ru-1280.png"), full_page=True
                )

            def press(selector: str) -> None:
                page.click(selector)
                page.wait_for_load_state("load")

            # sign up; the letter's link confirms and signs in
            page.goto(site.url + "/account/signup/")
            page.fill("input[name=email]", "nojs@example.org")
            page.fill("input[name=password]", PASSWORD)
            page.fill("input[name=display_name]", "Пётр Без Скриптов")
            press("#content form button[type=submit]")
            link = letter_link(mail_dir, "/account/verify/")
            page.goto(site.url + urllib.parse.urlsplit(link)._replace(scheme="", netloc="").geturl())
            shot("confirmed")

            # sign out and back in
            press(".account-nav form button[type=submit]")
            assert page.locator(".account-nav a[href='/account/login/']").count() == 1
            page.goto(site.url + "/account/login/?next=/studio/")
            page.fill("input[name=email]", "nojs@example.org")
            page.fill("input[name=password]", PASSWORD)
            press("#content form button[type=submit]")
            assert page.url.endswith("/studio/")
            shot("signed-in")

            # write: the preview and a second source row come from their buttons, the photo from a plain upload
            page.goto(site.url + "/studio/new/")
            page.fill("#id_title", text["title"])
            page.fill("#id_lead", text["lead"])
            page.fill("#id_body", text["body"])
            press("button[value='preview']")
            assert page.locator("#preview strong").count() >= 1
            press(".editor-actions button[value='save']")  # the draft gets its address
            assert re.search(r"/studio/[0-9]+/$", page.url), page.url
            article_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
            page.select_option("#id_category", "city")
            page.select_option("#id_sources-0-kind", "own_reporting")
            page.fill("#id_sources-0-description", "Был на месте")
            press("button[value='add_source']")
            page.select_option("#id_sources-1-kind", "document")
            page.fill("#id_sources-1-url", "https://example.org/uprava/skameyki")
            page.fill("#id_sources-1-description", "Сообщение управы")
            page.check("#id_rights_confirmed")
            page.set_input_files("#id_file", [str(photo)])
            press("button[value='upload']")
            assert text["removed"] in page.inner_text("main")
            shot("written")
            press(".editor-actions button[value='save']")
            press(".editor-actions button[value='submit']")
            shot("submitted")

            page.goto(site.url + f"/studio/{article_id}/timeline/")
            assert text["title"] in page.inner_text("main")  # the article's history, its title at the top
            shot("timeline")
        finally:
            browser.close()

    assert console.csp_violations() == [], console.messages
    article = Article.objects.get(pk=article_id)
    assert article.status == Status.IN_REVIEW, article.status
    assert article.sources.count() == 2 and article.media.count() == 1

"""A new person's whole journey as a contributor, in Debian's chromium, as a person would make it: sign up on the site,
open the link from the letter written to var/mail/, write an article with a photo carrying GPS EXIF and two sources,
watch the live preview, submit, wait for the checks, get "changes requested" from an editor (through the API), revise
and resubmit, get approved, see the notification, and open the published article from the timeline — whose photo
is served without EXIF.

Run in Russian and in English, at 390×844 (a phone) and 1280×800. Every step is a screenshot in var/screenshots/
(studio-journey-<n>-<step>-<lang>-<width>.png), and axe-core checks every studio and account page on the way: no
serious or critical violation. No CSP violation and no JavaScript error, anywhere.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from knox.models import AuthToken
from PIL import Image

from newsroom.accounts.roles import EDITOR
from submissions.models import Article
from submissions.states import Status
from tests.browser.conftest import SCREENSHOTS, Console
from tests.factories import UserFactory
from tests.helpers import gps_jpeg

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "long-enough-secret-42"
TEXT = {
    "ru": {
        "title": "В сквере на Лесной поставили новые скамейки",
        "lead": "Двенадцать скамеек появились в сквере в субботу утром.",
        "body": (
            "В субботу утром рабочие **поставили** в сквере на Лесной улице двенадцать новых скамеек. "
            "Старые, сломанные ещё прошлой зимой, увезли.\n\n"
            "Жители давно просили управу о ремонте: обращение подписали больше ста человек. "
            "В управе обещают к лету заменить и фонари."
        ),
        "revision": "\n\nОбновлено: в управе уточнили, что фонари заменят в мае.",
        "removed": "геоданные удалены",
        "message": "Уточните, когда заменят фонари, и добавьте ответ управы.",
    },
    "en": {
        "title": "New benches put up in the Lesnaya Street garden",
        "lead": "Twelve benches appeared in the garden on Saturday morning.",
        "body": (
            "On Saturday morning workers **put up** twelve new benches in the garden on Lesnaya Street. "
            "The old ones, broken since last winter, were taken away.\n\n"
            "Residents had long asked the district council for repairs: more than a hundred people signed the "
            "request. The council promises to replace the street lamps by summer as well."
        ),
        "revision": "\n\nUpdate: the council said the lamps will be replaced in May.",
        "removed": "location data removed",
        "message": "Say when the lamps will be replaced, and add the council's answer.",
    },
}


class Journey:
    """Screenshots numbered in the order taken, and axe on every page of the studio and the account."""

    def __init__(self, page: Any, axe: Any, lang: str, width: int) -> None:
        self.page, self.axe, self.lang, self.width = page, axe, lang, width
        self.step = 0
        self.violations: dict[str, list[str]] = {}

    def shot(self, name: str) -> None:
        self.step += 1
        path = SCREENSHOTS / f"studio-journey-{self.step:02d}-{name}-{self.lang}-{self.width}.png"
        self.page.screenshot(path=str(path), full_page=True)
        found = self.axe(self.page)
        if found:
            self.violations[name] = found


def letter_link(mail_dir: Path, path: str) -> str:
    """The newest link to `path` in the letters written to mail_dir."""
    texts = [f.read_text() for f in sorted(mail_dir.glob("*"), key=lambda f: f.stat().st_mtime)]
    links = re.findall(rf"https?://\S+{re.escape(path)}\?\S+", "\n".join(texts))
    assert links, f"no link to {path} in {mail_dir}"
    return links[-1]


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_new_contributor_publishes_their_news(
    chromium: Path, site: Any, settings: Any, axe: Any, tmp_path: Path, lang: str, width: int, height: int
) -> None:
    text = TEXT[lang]
    settings.MEDIA_ROOT = tmp_path / "media"
    mail_dir = Path(settings.BASE_DIR) / "var" / "mail" / f"journey-{lang}-{width}"
    mail_dir.mkdir(parents=True, exist_ok=True)
    for old in mail_dir.glob("*"):
        old.unlink()
    settings.MAILERS = {
        "default": {"BACKEND": "newsroom.mail.ReadableFileBackend", "OPTIONS": {"file_path": str(mail_dir)}}
    }
    editor = UserFactory(role=EDITOR, display_name="Ирина Редактор")
    _instance, editor_token = AuthToken.objects.create(editor)
    email = f"journey-{lang}-{width}@example.org"
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(gps_jpeg(size=(1200, 800)))
    api = f"{site.url}/api/v1"
    bearer = {"Authorization": f"Bearer {editor_token}", "Content-Type": "application/json"}

    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console = Console()
    served_photo = b""
    # the sync API keeps an event loop in this thread: the ORM is used again only once it is closed
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        editor_api = p.request.new_context()  # the editor's own client: no cookie of the author's browser
        try:
            context = browser.new_context(
                locale="ru-RU" if lang == "ru" else "en-US",
                viewport={"width": width, "height": height},
                is_mobile=width < 500,
                has_touch=width < 500,
            )
            page = context.new_page()
            console.attach(page)
            journey = Journey(page, axe, lang, width)

            # a guest is invited to propose a story; the studio asks them to sign in, or to sign up
            page.goto(site.url + "/")
            page.click("a[href='/studio/new/']")
            page.wait_for_url("**/account/login/**")
            journey.shot("sign-in-asked")
            page.click("a[href^='/account/signup/']")
            page.wait_for_url("**/account/signup/**")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", PASSWORD)
            page.fill("input[name=display_name]", "Мария Журавлёва" if lang == "ru" else "Maria Zhuravleva")
            journey.shot("signup")
            page.click("#content form button[type=submit]")
            page.wait_for_load_state("load")
            journey.shot("letter-sent")

            # the link in the letter confirms the address and signs this browser in
            link = letter_link(mail_dir, "/account/verify/")
            assert "/api/" not in (mail_dir / sorted(f.name for f in mail_dir.glob("*"))[-1]).read_text()
            page.goto(site.url + urllib.parse.urlsplit(link)._replace(scheme="", netloc="").geturl())
            journey.shot("confirmed")
            assert (
                page.locator(".account-nav a[href='/account/']").count() == 1
            )  # signed in: their name in the header

            # the editor: text with its live preview, section, two sources, the declarations, a photo
            page.goto(site.url + "/studio/new/")
            page.fill("#id_title", text["title"])
            page.fill("#id_lead", text["lead"])
            page.fill("#id_body", text["body"])
            page.wait_for_selector("#preview strong", timeout=10_000)
            page.wait_for_url(
                re.compile(r".*/studio/[0-9]+/$"), timeout=10_000
            )  # autosaved: the draft has its address
            article_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
            page.select_option("#id_category", "city")
            page.select_option("#id_language", lang)
            page.select_option("#id_sources-0-kind", "own_reporting")
            page.fill("#id_sources-0-description", "Был на месте" if lang == "ru" else "I was there")
            page.click("button[value='add_source']")
            page.wait_for_selector("#id_sources-1-kind", timeout=10_000)
            page.select_option("#id_sources-1-kind", "document")
            page.fill("#id_sources-1-url", "https://example.org/uprava/skameyki")
            page.fill(
                "#id_sources-1-description", "Сообщение управы" if lang == "ru" else "The council's notice"
            )
            page.check("#id_rights_confirmed")
            page.set_input_files("#id_file", [str(photo)])
            page.click("button[value='upload']")
            page.wait_for_selector(".upload-report li.ok", timeout=20_000)
            assert text["removed"] in page.inner_text(".upload-report")
            journey.shot("written")

            # submitted: the checks run (eagerly here, by the worker on the real stack)
            page.click(".editor-actions button[value='submit']")
            page.wait_for_load_state("load")
            journey.shot("submitted")
            page.goto(site.url + "/studio/")
            journey.shot("my-articles")

            # an editor asks for changes, through the API
            for move, body in (("claim", {}), ("request-changes", {"message": text["message"]})):
                answer = editor_api.post(
                    f"{api}/moderation/articles/{article_id}/{move}/", headers=bearer, data=json.dumps(body)
                )
                assert answer.ok, (move, answer.status, answer.text())

            # the author sees it: the unread count, the notification, the message in the timeline
            page.goto(site.url + "/studio/")
            assert page.locator(".account-nav .badge").count() == 1
            journey.shot("changes-requested")
            page.goto(site.url + f"/studio/{article_id}/timeline/")
            assert text["message"] in page.inner_text("main")
            journey.shot("timeline-changes")

            # revised and resubmitted
            page.goto(site.url + f"/studio/{article_id}/")
            assert text["message"] in page.inner_text("main")
            page.fill("#id_body", text["body"] + text["revision"])
            page.click(".editor-actions button[value='submit']")
            page.wait_for_load_state("load")
            journey.shot("resubmitted")

            # approved: published at once
            for move in ("claim", "approve"):
                answer = editor_api.post(
                    f"{api}/moderation/articles/{article_id}/{move}/", headers=bearer, data=json.dumps({})
                )
                assert answer.ok, (move, answer.status, answer.text())

            # the notification leads to the timeline, the timeline to the published article
            page.goto(site.url + "/studio/notifications/")
            journey.shot("notifications")
            page.click(f"main a[href='/studio/{article_id}/timeline/']")
            page.wait_for_url(f"**/studio/{article_id}/timeline/")
            journey.shot("timeline-published")
            page.click("main a[href^='/news/']")
            page.wait_for_url("**/news/**")
            assert text["title"] in page.inner_text("h1")
            journey.shot("published")
            image = page.locator("main img").first
            served = editor_api.get(urllib.parse.urljoin(page.url, image.get_attribute("src") or ""))
            assert served.ok
            served_photo = served.body()
            violations = journey.violations
        finally:
            editor_api.dispose()
            browser.close()

    assert violations == {}, violations
    assert console.csp_violations() == [], console.messages
    assert console.js_errors() == [], console.messages
    article = Article.objects.get(pk=article_id)
    assert article.status == Status.PUBLISHED and text["revision"].strip() in article.body
    assert article.sources.count() == 2 and article.media.count() == 1
    # the photo as readers get it: no EXIF at all, so no location
    assert "exif" not in Image.open(io.BytesIO(served_photo)).info

"""Every page of the account and the studio, in Debian's chromium at 360 px (the narrowest phone the site supports)
and at 1280 px: axe-core finds no serious or critical violation, and no page scrolls sideways on the phone.

The journey (test_contributor_journey.py) checks the pages a new contributor passes through; this covers the rest:
the profile and leaving, the editor track, withdrawing, the empty states, the password pages and the site's own
error page. Screenshots: var/screenshots/site-page-<name>-<lang>-<width>.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from newsroom.accounts.models import Notification
from tests.browser.conftest import SCREENSHOTS, Console
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GUEST_PAGES = {
    "login": "/account/login/",
    "signup": "/account/signup/",
    "password-reset": "/account/password-reset/",
    "password-reset-bad-link": "/account/password-reset/confirm/?uid=x&token=y",
    "verify-bad-link": "/account/verify/?token=nonsense",
    "not-found": "/studio/no-such-page/",
}


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_account_and_studio_page_passes_axe_and_fits_a_phone(
    chromium: Path, site: Any, axe: Any, lang: str, width: int
) -> None:
    empty = UserFactory(trust_level=0, display_name="Новичок Без Материалов")
    member = UserFactory(trust_level=2, display_name="Анна Тестова", bio="Пишу о нашем районе.")
    draft = ArticleFactory(author=member, title="Черновик о новой библиотеке", body="Текст черновика. " * 20)
    Notification.objects.create(user=member, kind="approve", key="a11y", title="Ваш материал опубликован")
    member_pages = {
        "my-articles": "/studio/",
        "new-article": "/studio/new/",
        "edit": f"/studio/{draft.pk}/",
        "withdraw": f"/studio/{draft.pk}/withdraw/",
        "timeline": f"/studio/{draft.pk}/timeline/",
        "notifications": "/studio/notifications/",
        "editor-track": "/studio/editor-track/",
        "profile": "/account/",
        "delete": "/account/delete/",
    }
    cookies = {}
    for name, user in (("member", member), ("empty", empty)):
        session = Client()
        session.force_login(user)
        cookies[name] = {"name": "sessionid", "value": session.cookies["sessionid"].value, "url": site.url}

    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console = Console()
    found: dict[str, list[str]] = {}
    overflow: dict[str, int] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            for who, pages in (
                ("guest", GUEST_PAGES),
                ("member", member_pages),
                ("empty", {"my-articles-empty": "/studio/", "notifications-empty": "/studio/notifications/"}),
            ):
                context = browser.new_context(
                    locale="ru-RU" if lang == "ru" else "en-US",
                    viewport={"width": width, "height": 800},
                    is_mobile=width < 500,
                )
                if who != "guest":
                    context.add_cookies([cookies[who]])
                page = context.new_page()
                console.attach(page)
                for name, path in pages.items():
                    page.goto(site.url + path)
                    assert "/account/login/" not in page.url or who == "guest", (name, page.url)
                    page.screenshot(
                        path=str(SCREENSHOTS / f"site-page-{name}-{lang}-{width}.png"), full_page=True
                    )
                    violations = axe(page)
                    if violations:
                        found[name] = violations
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    if wide > width:
                        overflow[name] = wide
                context.close()
        finally:
            browser.close()

    assert found == {}, found
    assert overflow == {}, f"wider than {width} px: {overflow}"
    assert console.csp_violations() == [], console.messages

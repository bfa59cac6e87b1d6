"""Every path of the site answers its errors as a page of the site (layout, header, language switch), in the
reader's language — not a bare English "Not Found" outside /news/ — while /api/ keeps the JSON error shape."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation

from newsroom.api import handlers

pytestmark = pytest.mark.django_db

# guessed addresses of every part of the site
GUESSES = [
    "/register/",
    "/login/",
    "/write/",
    "/me/",
    "/account/nope/",
    "/studio/nope/",
    "/feed/nope/",
    "/x.php",
]


@pytest.mark.parametrize("path", GUESSES)
def test_a_missing_page_is_the_sites_own_in_russian(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="ru">' in page and "Страница не найдена" in page
    assert 'class="site-header"' in page and "/language/en/" in page and 'href="/account/login/"' in page


def test_a_missing_page_in_english_when_the_reader_asks(client):
    page = client.get("/write/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page and "Page not found" in page


def test_a_signed_in_member_keeps_their_header_on_a_missing_page(client, contributor):
    client.force_login(contributor)
    page = client.get("/write/").content.decode()
    assert f">{contributor.byline}</a>" in page and "Мои материалы" in page


def test_the_api_keeps_its_json_errors(client):
    response = client.get("/api/v1/nope/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_access_denied_and_server_error_pages_are_the_sites_own():
    request = RequestFactory().get("/studio/1/")
    with translation.override("ru"):
        denied = handlers.permission_denied(request, PermissionDenied())
        broken = handlers.server_error(request)
    assert denied.status_code == 403 and "Доступ закрыт" in denied.content.decode()
    assert broken.status_code == 500 and "Что-то пошло не так" in broken.content.decode()
    assert 'class="site-header"' in broken.content.decode()
    api = handlers.permission_denied(RequestFactory().get("/api/v1/articles/"), PermissionDenied())
    assert api.status_code == 403 and api["Content-Type"] == "application/json"

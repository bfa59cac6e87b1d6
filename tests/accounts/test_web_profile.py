"""The profile page (/account/) and leaving (/account/delete/): names and language, the picture, the sign-ins (API
devices and browsers) and their revocation, the data export, deleting the account. Same services and checks as
PATCH /api/v1/me/, PUT /api/v1/me/avatar/, /api/v1/me/sessions/, /api/v1/me/export/ and DELETE /api/v1/me/."""

from __future__ import annotations

import io
import itertools
import json
import re
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from knox.models import AuthToken
from PIL import Image

from newsroom.accounts.models import TokenDevice, User, WebSession
from tests.accounts.test_web_accounts import (
    browser,  # noqa: F401  (a fixture)
    login,
    page,
    signed_in_user_id,
)
from tests.factories import PASSWORD, ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member(browser, contributor):  # noqa: F811
    """A browser signed in as the contributor, through the sign-in page."""
    client = browser()
    assert login(client, contributor.email).status_code == 302
    return client


def png(colour=(200, 30, 30), size=(64, 48)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return SimpleUploadedFile("me.png", out.getvalue(), content_type="image/png")


def api_device(user: Any, name: str = "phone") -> AuthToken:
    token, _key = AuthToken.objects.create(user)
    TokenDevice.objects.create(token=token, name=name, user_agent="NewsroomApp/2", ip_address="10.1.2.3")
    return token


def other_browser_sessions(user: Any, count: int) -> list[WebSession]:
    """`count` browser sign-ins of `user` that exist in the session store."""
    rows = []
    for i in range(count):
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store.create()
        rows.append(WebSession(user=user, session_key=store.session_key, user_agent=f"Browser/{i}"))
    return WebSession.objects.bulk_create(rows)


# --- the page -----------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(browser):  # noqa: F811
    for path in ("/account/", "/account/delete/"):
        response = browser().get(path)
        assert response.status_code == 302 and response["Location"] == f"/account/login/?next={path}"


def test_the_profile_shows_what_is_saved_with_labelled_inputs(member, contributor):
    contributor.pen_name = "Наблюдатель"
    contributor.bio = "Пишу о городе."
    contributor.save()
    response = member.get("/account/")
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    text = page(response)
    assert "<h1>Ваш профиль</h1>" in text and contributor.email in text
    assert "Подпись под вашими материалами: <strong>Наблюдатель</strong>" in text
    for name in ("display_name", "pen_name", "bio", "language", "avatar"):
        assert f'<label for="id_{name}">' in text, name
    assert 'value="Наблюдатель"' in text and "Пишу о городе." in text
    assert re.search(r'name="display_name"[^>]*autocomplete="nickname"', text)
    headings = re.findall(r"<h([1-6])", text)
    assert headings[0] == "1" and all(int(b) - int(a) <= 1 for a, b in itertools.pairwise(headings))


def test_the_profile_in_english(browser, contributor):  # noqa: F811
    client = browser(lang="en")
    login(client, contributor.email)
    text = page(client.get("/account/"))
    assert (
        '<html lang="en">' in text and "<h1>Your profile</h1>" in text and "Where you are signed in" in text
    )


# --- names and language ---------------------------------------------------------------------------------------------


def test_saving_the_profile(member, contributor):
    response = member.post(
        "/account/",
        {
            "action": "profile",
            "display_name": " Мария ",
            "pen_name": "М. И.",
            "bio": "О себе",
            "language": "en",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    contributor.refresh_from_db()
    assert (contributor.display_name, contributor.pen_name, contributor.bio, contributor.language) == (
        "Мария",
        "М. И.",
        "О себе",
        "en",
    )
    assert "Профиль сохранён" in page(member.get("/account/"))


def test_bad_input_is_refused_next_to_its_field_and_nothing_is_lost(member, contributor):
    contributor.pen_name = "Старый псевдоним"
    contributor.bio = "Сохранённый текст"
    contributor.save()
    body = {"display_name": "М", "pen_name": "Пере\u202eвёрнутый", "bio": "Новый текст", "language": "de"}
    response = member.post("/account/", {"action": "profile", **body})
    assert response.status_code == 400
    form = response.context["profile_form"]
    assert set(form.errors) == {"display_name", "pen_name", "language"}
    assert form.codes()["pen_name"] == ["invisible_control"]
    text = page(response)
    for name in ("display_name", "pen_name", "language"):
        assert re.search(rf'name="{name}"[^>]*aria-invalid="true"', text), name
        assert re.search(rf'name="{name}"[^>]*aria-describedby="[^"]*id_{name}_error"', text), name
        assert f'id="id_{name}_error"' in text
    assert "U+202E" in text
    # what was typed is shown again; what was saved stays saved
    assert 'value="М"' in text and "Новый текст" in text
    contributor.refresh_from_db()
    assert (contributor.pen_name, contributor.bio) == ("Старый псевдоним", "Сохранённый текст")


def test_the_profile_refuses_what_patch_me_refuses_in_the_same_words(member, contributor, api):
    body = {"display_name": "М", "pen_name": "Пере\u202eвёрнутый", "bio": "x" * 1001, "language": "de"}
    response = api(contributor).patch("/api/v1/me/", body, format="json")
    assert response.status_code == 400
    expected = {n: [e["message"] for e in errs] for n, errs in response.json()["error"]["fields"].items()}
    form = member.post("/account/", {"action": "profile", **body}).context["profile_form"]
    assert {name: list(errors) for name, errors in form.errors.items()} == expected


def test_an_unknown_action_is_a_clear_400(member):
    response = member.post("/account/", {"action": "format-disk"})
    assert response.status_code == 400 and "Эта форма устарела" in page(response)


# --- the picture --------------------------------------------------------------------------------------------------


def test_uploading_and_removing_the_picture(member, contributor):
    response = member.post("/account/", {"action": "avatar", "avatar": png()})
    assert response.status_code == 302
    contributor.refresh_from_db()
    assert contributor.avatar.name.endswith(".webp")
    with contributor.avatar.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "WEBP" and image.size[0] == image.size[1]
    text = page(member.get("/account/"))
    assert f'src="{contributor.avatar.url}"' in text and "Удалить фотографию" in text
    removed = member.post("/account/", {"action": "remove-avatar"})
    assert removed.status_code == 302
    contributor.refresh_from_db()
    assert not contributor.avatar


def test_a_file_that_is_not_a_picture_is_refused_next_to_the_field(member, contributor, api):
    member.post("/account/", {"action": "avatar", "avatar": png()})
    contributor.refresh_from_db()
    kept = contributor.avatar.name
    fake = SimpleUploadedFile(
        "me.png", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", content_type="image/png"
    )
    expected = api(contributor).put("/api/v1/me/avatar/", {"avatar": fake}, format="multipart")
    fake.seek(0)
    response = member.post("/account/", {"action": "avatar", "avatar": fake})
    assert response.status_code == expected.status_code == 400
    form = response.context["avatar_form"]
    assert form.codes() == {"avatar": [expected.json()["error"]["code"]]}
    assert expected.json()["error"]["message"] in page(response)
    assert re.search(r'name="avatar"[^>]*aria-invalid="true"', page(response))
    contributor.refresh_from_db()
    assert contributor.avatar.name == kept
    nothing = member.post("/account/", {"action": "avatar"})
    assert nothing.status_code == 400 and nothing.context["avatar_form"].codes() == {"avatar": ["required"]}


# --- sign-ins -------------------------------------------------------------------------------------------------------


def test_the_sign_ins_are_listed(member, contributor):
    api_device(contributor, "телефон")
    other_browser_sessions(contributor, 1)
    text = page(member.get("/account/"))
    assert "телефон" in text and "10.1.2.3" in text
    assert "TestBrowser/1.0" in text and "(этот браузер)" in text and "Browser/0" in text
    assert "Выйти на всех других устройствах" in text


def test_ending_an_api_device(member, contributor):
    token = api_device(contributor)
    response = member.post("/account/", {"action": "revoke-device", "session_id": token.digest[:32]})
    assert response.status_code == 302
    assert not AuthToken.objects.filter(pk=token.pk).exists()


def test_ending_another_browser_signs_it_out(browser, member, contributor):  # noqa: F811
    laptop = browser()
    login(laptop, contributor.email, ip="10.0.0.9")
    row = WebSession.objects.get(session_key=laptop.session.session_key)
    assert member.post("/account/", {"action": "revoke-browser", "session_id": row.pk}).status_code == 302
    assert not WebSession.objects.filter(pk=row.pk).exists()
    assert not Session.objects.filter(session_key=row.session_key).exists()
    assert laptop.get("/account/").status_code == 302  # signed out
    assert signed_in_user_id(member) == str(contributor.pk)  # this one is not


def test_ending_this_browser_is_signing_out(member, contributor):
    row = WebSession.objects.get(session_key=member.session.session_key)
    response = member.post("/account/", {"action": "revoke-browser", "session_id": row.pk})
    assert response.status_code == 302 and response["Location"] == "/account/login/"
    assert signed_in_user_id(member) is None


def test_another_persons_sign_ins_are_not_found(browser, member):  # noqa: F811
    stranger = UserFactory()
    token = api_device(stranger)
    stranger_browser = browser()
    login(stranger_browser, stranger.email, ip="10.0.0.8")
    row = WebSession.objects.get(user=stranger)
    for action, session_id in (
        ("revoke-device", token.digest[:32]),
        ("revoke-browser", row.pk),
        ("revoke-browser", "abc"),
        ("revoke-browser", "9" * 40),
        ("revoke-device", "short"),
    ):
        response = member.post("/account/", {"action": action, "session_id": session_id})
        assert response.status_code == 404, (action, session_id)
    assert AuthToken.objects.filter(pk=token.pk).exists() and WebSession.objects.filter(pk=row.pk).exists()
    assert stranger_browser.get("/account/").status_code == 200


def test_signing_out_everywhere_else(browser, member, contributor):  # noqa: F811
    api_device(contributor)
    laptop = browser()
    login(laptop, contributor.email, ip="10.0.0.9")
    response = member.post("/account/", {"action": "revoke-others"})
    assert response.status_code == 302
    assert "Завершено 2 других входа" in page(member.get("/account/"))
    assert not AuthToken.objects.filter(user=contributor).exists()
    assert list(WebSession.objects.filter(user=contributor).values_list("session_key", flat=True)) == [
        member.session.session_key
    ]
    assert laptop.get("/account/").status_code == 302
    assert member.get("/account/").status_code == 200


def test_ended_sessions_drop_off_the_list(member, contributor):
    [gone] = other_browser_sessions(contributor, 1)
    Session.objects.filter(session_key=gone.session_key).delete()  # expired and cleared by clearsessions
    assert "Browser/0" not in page(member.get("/account/"))
    assert not WebSession.objects.filter(pk=gone.pk).exists()


# --- the data export ------------------------------------------------------------------------------------------------


def test_downloading_my_data(member, contributor):
    ArticleFactory(author=contributor, title="Мой черновик о парке")
    response = member.post("/account/", {"action": "export"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="newsroom-export.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == contributor.email
    assert [w["user_agent"] for w in data["account"]["web_sessions"]] == ["TestBrowser/1.0"]
    assert [a["title"] for a in data["submissions"]["articles"]] == ["Мой черновик о парке"]
    assert "Мой черновик о парке" in response.content.decode()  # UTF-8, not \u-escaped


def test_the_export_is_throttled_as_the_apis(member, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"export": "1/hour"}}
    assert member.post("/account/", {"action": "export"}).status_code == 200
    second = member.post("/account/", {"action": "export"})
    assert second.status_code == 429 and int(second["Retry-After"]) > 0
    assert "Слишком много попыток" in page(second)


# --- leaving --------------------------------------------------------------------------------------------------------


def test_the_delete_page_says_what_stays_and_under_which_name(member, contributor):
    text = page(member.get("/account/delete/"))
    assert "«бывший автор»" in text and "Что останется" in text
    assert re.search(r'name="password"[^>]*autocomplete="current-password"', text)
    assert '<label for="id_confirm">' in text
    contributor.pen_name = "Наблюдатель"
    contributor.save()
    assert "псевдонимом <strong>Наблюдатель</strong>" in page(member.get("/account/delete/"))


def test_deleting_needs_the_password_and_the_tick(member, contributor, api):
    expected = api(contributor).delete("/api/v1/me/", {"password": "wrong-password-x"}, format="json")
    wrong = member.post("/account/delete/", {"password": "wrong-password-x", "confirm": "on"})
    assert wrong.status_code == 400
    assert wrong.context["form"].codes() == {"password": [expected.json()["error"]["code"]]}
    assert expected.json()["error"]["message"] in page(wrong)
    unticked = member.post("/account/delete/", {"password": PASSWORD})
    assert unticked.status_code == 400 and "Поставьте отметку" in page(unticked)
    assert re.search(r'name="confirm"[^>]*aria-invalid="true"', page(unticked))
    contributor.refresh_from_db()
    assert contributor.is_active and contributor.deleted_at is None


def test_deleting_the_account(browser, member, contributor):  # noqa: F811
    laptop = browser()
    login(laptop, contributor.email, ip="10.0.0.9")
    api_device(contributor)
    response = member.post("/account/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/"
    contributor.refresh_from_db()
    assert not contributor.is_active and contributor.deleted_at is not None
    assert contributor.email.endswith("@deleted.invalid") and contributor.display_name == ""
    assert signed_in_user_id(member) is None and laptop.get("/account/").status_code == 302
    assert not WebSession.objects.filter(user=contributor).exists()
    assert not AuthToken.objects.filter(user=contributor).exists()
    assert not User.objects.filter(email=contributor.email, is_active=True).exists()


# --- CSRF and costs -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/account/", {"action": "profile", "display_name": "Взломщик"}),
        ("/account/", {"action": "remove-avatar"}),
        ("/account/", {"action": "revoke-others"}),
        ("/account/", {"action": "export"}),
        ("/account/delete/", {"password": PASSWORD, "confirm": "on"}),
    ],
)
def test_every_profile_form_needs_its_csrf_token(browser, contributor, path, body):  # noqa: F811
    client = browser(csrf=True)
    client.force_login(contributor)
    client.get("/account/")  # the CSRF cookie
    response = client.post(path, body)
    assert response.status_code == 403 and "Форма устарела" in page(response)
    contributor.refresh_from_db()
    assert contributor.is_active and contributor.display_name != "Взломщик"


def test_the_profile_costs_the_same_with_1_and_with_50_sign_ins(
    member, contributor, django_assert_max_num_queries
):
    def cost() -> None:
        with django_assert_max_num_queries(7):
            assert member.get("/account/").status_code == 200

    api_device(contributor)
    cost()
    for i in range(49):
        api_device(contributor, f"device {i}")
    other_browser_sessions(contributor, 49)
    cost()
    assert "device 48" in page(member.get("/account/")) and "Browser/48" in page(member.get("/account/"))


def test_ending_every_other_sign_in_costs_the_same_with_50(
    member, contributor, django_assert_max_num_queries
):
    for i in range(50):
        api_device(contributor, f"device {i}")
    other_browser_sessions(contributor, 50)
    with django_assert_max_num_queries(10):
        assert member.post("/account/", {"action": "revoke-others"}).status_code == 302
    assert WebSession.objects.filter(user=contributor).count() == 1

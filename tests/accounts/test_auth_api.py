import re

import pytest
from django.core import mail
from django.core.management import call_command

from newsroom.accounts.models import User
from newsroom.accounts.roles import user_roles
from tests.conftest import error_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r"/account/verify/\?token=(\S+)")


def register(api, email="new@example.org", password=PASSWORD, lang="ru"):
    return api(lang=lang).post(
        "/api/v1/auth/register/",
        {"email": email, "password": password, "display_name": "Новый Автор"},
        format="json",
    )


def token_from_mail(message) -> str:
    from urllib.parse import unquote

    return unquote(TOKEN_RE.search(message.body).group(1))


def test_register_creates_unverified_contributor_and_mails_a_link(api):
    response = register(api, email="  New@Example.org ")
    assert response.status_code == 201
    assert response.json()["email"] == "new@example.org"
    user = User.objects.get(email="new@example.org")
    assert not user.is_email_verified
    assert user_roles(user) == ["contributor"]
    assert len(mail.outbox) == 1
    assert "Подтвердите" in mail.outbox[0].subject  # Russian by default
    assert token_from_mail(mail.outbox[0])


def test_register_speaks_english_when_asked(api):
    register(api, lang="en")
    assert mail.outbox[0].subject == "Confirm your e-mail address"


def test_register_with_a_known_address_answers_the_same_and_creates_nobody(api, contributor):
    first = register(api, email=contributor.email.upper())
    assert first.status_code == 201
    assert User.objects.filter(email=contributor.email).count() == 1
    assert len(mail.outbox) == 1 and "/account/verify/" not in mail.outbox[0].body
    fresh = register(api, email="fresh@example.org")
    assert set(first.json()) == set(fresh.json())


def test_register_rejects_a_weak_password_with_field_errors(api):
    response = register(api, password="12345")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert {e["code"] for e in body["fields"]["password"]} >= {"password_too_short"}
    assert not User.objects.exists()


def test_verify_email_with_the_mailed_token_works_once(api):
    register(api)
    token = token_from_mail(mail.outbox[0])
    response = api().post("/api/v1/auth/verify-email/", {"token": token}, format="json")
    assert response.status_code == 200 and response.json()["email_verified"] is True
    user = User.objects.get(email="new@example.org")
    assert (user.trust_level, user.trust_reason) == (1, "verified")  # recomputed on confirmation
    again = api().post("/api/v1/auth/verify-email/", {"token": token}, format="json")
    assert again.status_code == 400 and error_code(again) == "token_used"


def test_verify_email_refuses_an_expired_token(api, settings):
    register(api)
    token = token_from_mail(mail.outbox[0])
    settings.NEWSROOM = {**settings.NEWSROOM, "EMAIL_VERIFICATION_MAX_AGE": -1}
    response = api().post("/api/v1/auth/verify-email/", {"token": token}, format="json")
    assert response.status_code == 400 and error_code(response) == "token_expired"
    assert not User.objects.get(email="new@example.org").is_email_verified


def test_resend_mails_a_new_link_that_works(api):
    register(api)
    mail.outbox.clear()
    assert (
        api()
        .post("/api/v1/auth/resend-verification/", {"email": "new@example.org"}, format="json")
        .status_code
        == 202
    )
    assert len(mail.outbox) == 1
    token = token_from_mail(mail.outbox[0])
    assert api().post("/api/v1/auth/verify-email/", {"token": token}, format="json").status_code == 200
    # once verified, a resend sends nothing
    mail.outbox.clear()
    api().post("/api/v1/auth/resend-verification/", {"email": "new@example.org"}, format="json")
    assert mail.outbox == []


def test_verify_email_refuses_a_forged_token(api):
    response = api().post("/api/v1/auth/verify-email/", {"token": "abc:def:ghi"}, format="json")
    assert response.status_code == 400 and error_code(response) == "invalid_token"


def test_the_old_verification_page_leads_to_the_new_one(client):
    """Letters sent before the account pages link to /verify-email/: it sends the browser on, token kept (the
    confirmation page itself is tested in tests/accounts/test_web_accounts.py)."""
    from django.test import Client

    from newsroom.accounts.tokens import make_verification_token
    from tests.factories import UserFactory

    user = UserFactory(email_verified_at=None)
    token = make_verification_token(user.pk, user.email)
    page = Client().get("/verify-email/", {"token": token})
    assert page.status_code == 302 and page["Location"].startswith("/account/verify/?token=")
    assert Client().get(page["Location"]).status_code == 200
    user.refresh_from_db()
    assert user.is_email_verified


def test_login_me_logout(api, contributor):
    response = api().post(
        "/api/v1/auth/login/", {"email": contributor.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["email"] == contributor.email
    assert (
        client.patch("/api/v1/me/", {"display_name": "Иван"}, format="json").json()["display_name"] == "Иван"
    )
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_login_with_a_wrong_password(api, contributor):
    response = api(lang="en").post(
        "/api/v1/auth/login/", {"email": contributor.email, "password": "nope-nope-nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_credentials",
        "message": "E-mail or password is incorrect.",
        "fields": {},
    }


def test_anonymous_me_is_401_with_a_localized_message(api):
    ru = api().get("/api/v1/me/")
    en = api(lang="en").get("/api/v1/me/")
    assert ru.status_code == en.status_code == 401
    assert error_code(ru) == "not_authenticated"
    assert ru.json()["error"]["message"] != en.json()["error"]["message"]


def test_create_staff_command(monkeypatch):
    monkeypatch.setenv("NEWSROOM_PASSWORD", PASSWORD)
    call_command("create_staff", email="Chief@Example.org", role="chief_editor")
    user = User.objects.get(email="chief@example.org")
    assert user.is_staff and user.is_email_verified
    assert user.has_perm("submissions.moderate_article") and user.has_perm("submissions.retract_article")

"""The account pages (newsroom.accounts.web): signing up, the confirmation link, signing in and out, the password
reset, the CSRF failure page. The profile, sessions, export and leaving are in test_web_profile.py.

The pages call the API's services and checks: several tests send the same input to the page and to the API and
compare what each refuses and says. Mail goes to Django's test outbox (`mailoutbox`); after-commit work (the
letters) runs at the end of each request, as a real commit would (`CommittingClient`).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory, TestCase
from django.utils import timezone, translation
from knox.models import AuthToken

from newsroom.accounts import web
from newsroom.accounts.models import User, WebSession
from newsroom.accounts.tokens import make_verification_token
from tests.conftest import error_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-phrase-42"
LINK = re.compile(r"(https?://\S+)")
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">')


class CommittingClient(Client):
    """Runs the after-commit work (the letters) a request registered when the request ends, as a real commit
    would; tests run in a transaction that is never committed."""

    def request(self, **request: Any) -> Any:
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def browser() -> Any:
    """browser(lang="ru", csrf=False) -> a fresh browser (its own cookies and session)."""

    def make(lang: str = "ru", csrf: bool = False) -> CommittingClient:
        return CommittingClient(
            enforce_csrf_checks=csrf, HTTP_ACCEPT_LANGUAGE=lang, HTTP_USER_AGENT="TestBrowser/1.0"
        )

    return make


def page(response: Any) -> str:
    return response.content.decode()


def without_tokens(text: str) -> str:
    """A page without its per-request CSRF token, to compare two answers."""
    return CSRF_INPUT.sub("", text)


def links_in(message: Any) -> list[str]:
    return LINK.findall(message.body)


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def signup(client: Client, email: str = "new@example.org", **fields: str) -> Any:
    data = {"email": email, "password": PASSWORD, "display_name": "Новый Автор", **fields}
    return client.post("/account/signup/", data)


def login(client: Client, email: str, password: str = PASSWORD, ip: str = "10.0.0.1", **extra: str) -> Any:
    return client.post("/account/login/", {"email": email, "password": password, **extra}, REMOTE_ADDR=ip)


def api_field_messages(api: Any, path: str, body: dict) -> dict[str, list[str]]:
    response = api().post(path, body, format="json")
    assert response.status_code == 400
    return {
        name: [e["message"] for e in errors] for name, errors in response.json()["error"]["fields"].items()
    }


# --- signing up -------------------------------------------------------------------------------------------------


def test_signup_page_labels_every_input_and_says_what_each_is_for(browser):
    response = browser().get("/account/signup/")
    assert response.status_code == 200
    text = page(response)
    assert "<h1>Создать учётную запись</h1>" in text
    for name, autocomplete in (
        ("email", "email"),
        ("password", "new-password"),
        ("display_name", "nickname"),
    ):
        assert f'<label for="id_{name}">' in text
        assert re.search(rf'<input type="\w+" name="{name}"[^>]*autocomplete="{autocomplete}"', text), name
    assert 'aria-describedby="id_password_helptext"' in text and 'id="id_password_helptext"' in text
    assert "<script" not in text and " style=" not in text


def test_signup_creates_the_account_and_mails_a_link_to_the_confirmation_page(browser, mailoutbox):
    client = browser()
    response = signup(client, email="  New@Example.org ")
    assert response.status_code == 302 and response["Location"] == "/account/signup/?sent=1"
    sent = client.get(response["Location"])
    assert sent.status_code == 200 and "new@example.org" in page(sent) and "Проверьте почту" in page(sent)
    user = User.objects.get(email="new@example.org")
    assert not user.is_email_verified and user.display_name == "Новый Автор"
    assert len(mailoutbox) == 1
    letter = mailoutbox[0]
    assert letter.to == ["new@example.org"] and "Подтвердите" in letter.subject
    [link] = links_in(letter)
    assert link.startswith(f"{settings.SITE_URL}/account/verify/?token=")
    assert "api" not in letter.body.replace(link, "").lower() and "token" not in letter.body.replace(link, "")


def test_signup_answers_a_known_and_an_unknown_address_alike(browser, mailoutbox, contributor):
    known, unknown = browser(), browser()
    first = signup(known, email=contributor.email.upper())
    second = signup(unknown, email="fresh@example.org")
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    known_page = without_tokens(page(known.get(first["Location"]))).replace(contributor.email, "ADDRESS")
    unknown_page = without_tokens(page(unknown.get(second["Location"]))).replace(
        "fresh@example.org", "ADDRESS"
    )
    assert known_page == unknown_page
    assert User.objects.filter(email=contributor.email).count() == 1
    # the known address is told it has an account, with the pages to sign in and to choose a new password
    notice = next(m for m in mailoutbox if m.to == [contributor.email])
    assert set(links_in(notice)) == {
        f"{settings.SITE_URL}/account/login/",
        f"{settings.SITE_URL}/account/password-reset/",
    }
    assert "api" not in notice.body.lower()


def test_signup_refuses_what_the_api_refuses_in_the_same_words(browser, api):
    cases = [
        {"email": "not-an-address", "password": PASSWORD, "display_name": "Новый Автор"},
        {"email": "new@example.org", "password": "12345", "display_name": "Новый Автор"},
        {"email": "new@example.org", "password": "new@example.org1", "display_name": "Новый Автор"},
        {"email": "new@example.org", "password": PASSWORD, "display_name": "Мария\u202e"},
        {"email": "new@example.org", "password": PASSWORD, "display_name": "М"},
    ]
    for body in cases:
        expected = api_field_messages(api, "/api/v1/auth/register/", body)
        response = browser().post("/account/signup/", body)
        assert response.status_code == 400, body
        form = response.context["form"]
        assert {name: list(errors) for name, errors in form.errors.items()} == expected, body
        text = page(response)
        for name in expected:
            assert re.search(rf'name="{name}"[^>]*aria-invalid="true"', text), name
            assert re.search(rf'name="{name}"[^>]*aria-describedby="[^"]*id_{name}_error', text), name
            assert f'<ul class="errorlist" id="id_{name}_error">' in text
    assert not User.objects.exists()


def test_signup_keeps_what_was_typed_but_never_the_password(browser):
    response = browser().post(
        "/account/signup/", {"email": "new@example.org", "password": "12345", "display_name": "Мария"}
    )
    text = page(response)
    assert 'value="new@example.org"' in text and 'value="Мария"' in text
    assert 'value="12345"' not in text
    codes = response.context["form"].codes()
    assert "password_too_short" in codes["password"]


def test_signup_page_in_english(browser):
    response = browser(lang="en").post(
        "/account/signup/", {"email": "x", "password": PASSWORD, "display_name": "Maria"}
    )
    text = page(response)
    assert '<html lang="en">' in text and "<h1>Create an account</h1>" in text
    assert "Enter a valid email address." in text


# --- the confirmation link --------------------------------------------------------------------------------------


def signed_up(client: Client, mailoutbox: list, email: str = "new@example.org") -> str:
    """Signs up in `client`; the path of the letter's link."""
    signup(client, email=email)
    [link] = links_in(mailoutbox[-1])
    return path_of(link)


def test_the_link_signs_in_the_browser_that_signed_up(browser, mailoutbox):
    client = browser()
    link = signed_up(client, mailoutbox)
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == "/studio/"
    user = User.objects.get(email="new@example.org")
    assert user.is_email_verified and (user.trust_level, user.trust_reason) == (1, "verified")
    assert signed_in_user_id(client) == str(user.pk)
    assert WebSession.objects.filter(user=user, session_key=client.session.session_key).exists()
    assert web.SIGNUP_MARKER not in client.session


def test_a_mail_scanner_confirms_the_address_but_gets_no_session(browser, mailoutbox):
    person = browser()
    link = signed_up(person, mailoutbox)
    scanner = browser()
    response = scanner.get(link)
    assert response.status_code == 200
    text = page(response)
    assert "Адрес подтверждён" in text and 'action="/account/login/"' in text
    assert 'value="new@example.org"' in text  # the sign-in form, filled in
    assert signed_in_user_id(scanner) is None and not WebSession.objects.exists()
    assert User.objects.get(email="new@example.org").is_email_verified
    # the person then opens the (now used) link in the browser that signed up: signed in all the same
    again = person.get(link)
    assert again.status_code == 302 and signed_in_user_id(person) is not None


def test_a_used_link_in_another_browser_says_the_address_is_confirmed(browser, mailoutbox):
    link = signed_up(browser(), mailoutbox)
    browser().get(link)
    response = browser().get(link)
    assert response.status_code == 200
    assert "Ссылка уже использована" in page(response) and 'href="/account/login/"' in page(response)


def test_an_expired_link_explains_itself_and_a_new_letter_can_be_asked_for(browser, mailoutbox, settings):
    person = browser()
    link = signed_up(person, mailoutbox)
    settings.NEWSROOM = {**settings.NEWSROOM, "EMAIL_VERIFICATION_MAX_AGE": -1}
    response = person.get(link)
    assert response.status_code == 400
    text = page(response)
    assert "Срок действия ссылки истёк" in text
    assert (
        'action="/account/verify/"' in text and 'name="email"' in text and 'value="new@example.org"' in text
    )
    settings.NEWSROOM = {**settings.NEWSROOM, "EMAIL_VERIFICATION_MAX_AGE": 3 * 24 * 3600}
    mailoutbox.clear()
    resent = person.post("/account/verify/", {"email": "new@example.org"})
    assert resent.status_code == 302 and resent["Location"] == "/account/verify/"
    assert "новое письмо" in page(person.get(resent["Location"]))
    [new_link] = links_in(mailoutbox[0])
    assert person.get(path_of(new_link)).status_code == 302
    assert User.objects.get(email="new@example.org").is_email_verified


def test_a_damaged_link_is_refused(browser):
    for token in ("abc:def:ghi", "x" * 2000):
        response = browser().get("/account/verify/", {"token": token})
        assert response.status_code == 400 and "Ссылка недействительна" in page(response)


def test_resend_answers_every_address_alike(browser, mailoutbox, contributor):
    unverified = UserFactory(email_verified_at=None)
    answers = set()
    for email in (unverified.email, contributor.email, "nobody@example.org"):
        response = browser().post("/account/verify/", {"email": email})
        answers.add((response.status_code, response["Location"]))
    assert answers == {(302, "/account/verify/")}
    assert [m.to for m in mailoutbox] == [[unverified.email]]  # only an address waiting for confirmation


def test_resend_refuses_a_malformed_address_next_to_the_field(browser, api):
    expected = api_field_messages(api, "/api/v1/auth/resend-verification/", {"email": "nope"})
    response = browser().post("/account/verify/", {"email": "nope"})
    assert response.status_code == 400
    assert list(response.context["resend"].errors["email"]) == expected["email"]
    assert 'id="resend_email_error"' in page(response)


def test_the_old_addresses_of_the_letters_lead_to_the_new_pages(browser, contributor):
    client = browser()
    token = make_verification_token(contributor.pk, contributor.email)
    old = client.get("/verify-email/", {"token": token})
    assert old.status_code == 302 and old["Location"].startswith("/account/verify/?token=")
    # the token made it through (the address was confirmed already: "used")
    assert client.get(old["Location"]).status_code == 200
    reset = client.get("/reset-password/?uid=MQ&token=abc-def")
    assert (
        reset.status_code == 302
        and reset["Location"] == "/account/password-reset/confirm/?uid=MQ&token=abc-def"
    )
    assert client.get("/verify-email/").status_code == 302
    assert client.post("/verify-email/", {"token": token}).status_code == 405
    assert client.post("/reset-password/", {}).status_code == 405


# --- signing in and out -----------------------------------------------------------------------------------------


def test_login_page_labels_its_inputs(browser):
    text = page(browser().get("/account/login/"))
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', text)
    assert re.search(r'<input type="password" name="password"[^>]*autocomplete="current-password"', text)
    assert '<label for="id_email">' in text and '<label for="id_password">' in text
    assert 'href="/account/password-reset/"' in text and 'href="/account/signup/"' in text


def test_login_signs_in_with_a_new_session_and_records_the_browser(browser, contributor):
    client = browser()
    before = client.session.session_key
    response = login(client, contributor.email.upper())
    assert response.status_code == 302 and response["Location"] == "/studio/"
    after = client.session.session_key
    assert after != before and not Session.objects.filter(session_key=before).exists()
    assert signed_in_user_id(client) == str(contributor.pk)
    row = WebSession.objects.get(user=contributor)
    assert (row.session_key, row.user_agent, row.ip_address) == (after, "TestBrowser/1.0", "10.0.0.1")


def test_login_goes_to_next_on_this_site_only(browser, contributor):
    assert login(browser(), contributor.email, next="/account/?tab=1")["Location"] == "/account/?tab=1"
    for elsewhere in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil.example"):
        assert login(browser(), contributor.email, next=elsewhere)["Location"] == "/studio/", elsewhere
    # next survives a failed attempt: it is carried in the form
    failed = login(browser(), contributor.email, "wrong-password-x", next="/account/")
    assert '<input type="hidden" name="next" value="/account/">' in page(failed)


def test_a_wrong_password_is_refused_as_the_api_refuses_it(browser, api, contributor):
    expected = api().post(
        "/api/v1/auth/login/", {"email": contributor.email, "password": "wrong-password-x"}, format="json"
    )
    response = login(browser(), contributor.email, "wrong-password-x")
    assert response.status_code == 400
    assert response.context["form"].codes() == {"__all__": [error_code(expected)]}
    assert expected.json()["error"]["message"] in page(response)
    assert f'value="{contributor.email}"' in page(response) and "wrong-password-x" not in page(response)
    assert signed_in_user_id(response.client) is None


def test_lockout_after_the_apis_number_of_failures_then_cool_off(browser, api, contributor, settings):
    limit = settings.AXES_FAILURE_LIMIT
    client = browser()
    # failures through the API and through the page count together, per (e-mail, IP)
    assert (
        error_code(
            api().post(
                "/api/v1/auth/login/",
                {"email": contributor.email, "password": "wrong-password-x"},
                format="json",
                REMOTE_ADDR="10.0.0.1",
            )
        )
        == "invalid_credentials"
    )
    for _ in range(limit - 2):
        assert login(client, contributor.email, "wrong-password-x").status_code == 400
    locked = login(client, contributor.email, "wrong-password-x")  # the limit-th failure
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
    text = page(locked)
    assert locked["Content-Type"].startswith("text/html")
    assert "Слишком много неудачных попыток входа" in text and 'class="site-header"' in text
    retry_at = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME).strftime("%H:%M")
    assert retry_at in text
    assert 'name="password"' in text  # the form is still there
    # even the right password waits, on the page and in the API
    assert login(client, contributor.email).status_code == 429
    assert (
        api()
        .post(
            "/api/v1/auth/login/",
            {"email": contributor.email, "password": PASSWORD},
            format="json",
            REMOTE_ADDR="10.0.0.1",
        )
        .status_code
        == 429
    )
    assert signed_in_user_id(client) is None
    # the owner elsewhere is not locked out, and nobody is locked out for good
    assert login(browser(), contributor.email, ip="10.9.9.9").status_code == 302
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert login(client, contributor.email).status_code == 302


def test_login_is_throttled_with_the_apis_rate_and_counter(browser, api, contributor, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "2/min"}}
    api().post(
        "/api/v1/auth/login/",
        {"email": "a@example.org", "password": "x"},
        format="json",
        REMOTE_ADDR="10.5.5.5",
    )
    assert login(browser(), "a@example.org", "wrong-password-x", ip="10.5.5.5").status_code == 400
    third = login(browser(), contributor.email, ip="10.5.5.5")
    assert third.status_code == 429 and int(third["Retry-After"]) > 0
    assert "Слишком много попыток" in page(third) and f'value="{contributor.email}"' in page(third)
    assert login(browser(), contributor.email, ip="10.6.6.6").status_code == 302


@pytest.mark.parametrize(
    ("scope", "api_path", "path", "body"),
    [
        (
            "register",
            "/api/v1/auth/register/",
            "/account/signup/",
            {"email": "a@example.org", "password": "x", "display_name": "Аа"},
        ),
        (
            "password_reset",
            "/api/v1/auth/password-reset/",
            "/account/password-reset/",
            {"email": "a@example.org"},
        ),
        ("password_reset", "/api/v1/auth/password-reset/confirm/", "/account/password-reset/confirm/", {}),
        ("verify", "/api/v1/auth/resend-verification/", "/account/verify/", {"email": "a@example.org"}),
    ],
)
def test_every_form_shares_the_apis_throttle(browser, api, settings, scope, api_path, path, body):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {scope: "2/min"}}
    assert api().post(api_path, body, format="json", REMOTE_ADDR="10.7.7.7").status_code != 429
    assert browser().post(path, body, REMOTE_ADDR="10.7.7.7").status_code != 429
    third = browser().post(path, body, REMOTE_ADDR="10.7.7.7")
    assert third.status_code == 429 and int(third["Retry-After"]) > 0
    assert "Слишком много попыток" in page(third) and 'role="alert"' in page(third)
    assert browser().post(path, body, REMOTE_ADDR="10.8.8.8").status_code != 429


def test_the_confirmation_link_is_throttled_as_the_apis_verify(browser, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"verify": "1/min"}}
    assert browser().get("/account/verify/", {"token": "x"}, REMOTE_ADDR="10.7.7.7").status_code == 400
    second = browser().get("/account/verify/", {"token": "x"}, REMOTE_ADDR="10.7.7.7")
    assert second.status_code == 429 and "Слишком много попыток" in page(second)


def test_an_unconfirmed_account_is_told_what_to_do(browser, mailoutbox):
    user = UserFactory(email_verified_at=None)
    client = browser()
    response = login(client, user.email)
    assert response.status_code == 302 and response["Location"] == "/account/"
    profile = page(client.get("/account/"))
    assert "не подтверждён" in profile and "Отправить письмо ещё раз" in profile
    resent = client.post("/account/verify/", {"email": user.email, "next": "/account/"})
    assert resent["Location"] == "/account/" and [m.to for m in mailoutbox] == [[user.email]]


def test_a_deleted_account_cannot_sign_in(browser, contributor):
    User.objects.filter(pk=contributor.pk).update(is_active=False)
    assert login(browser(), contributor.email).status_code == 400


def test_logout_is_post_only_and_rotates_the_session(browser, contributor):
    client = browser()
    login(client, contributor.email)
    key = client.session.session_key
    assert client.get("/account/logout/").status_code == 405
    assert signed_in_user_id(client) == str(contributor.pk)
    response = client.post("/account/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_user_id(client) is None
    assert not Session.objects.filter(session_key=key).exists()
    assert not WebSession.objects.filter(user=contributor).exists()


# --- password reset ---------------------------------------------------------------------------------------------


def test_reset_request_answers_a_known_and_an_unknown_address_alike(browser, mailoutbox, contributor):
    known = browser().post("/account/password-reset/", {"email": contributor.email})
    unknown = browser().post("/account/password-reset/", {"email": "nobody@example.org"})
    assert (
        (known.status_code, known["Location"])
        == (unknown.status_code, unknown["Location"])
        == (
            302,
            "/account/password-reset/?sent=1",
        )
    )
    first = without_tokens(page(browser().get(known["Location"])))
    assert first == without_tokens(page(browser().get(unknown["Location"])))
    assert "Если этот адрес" in first
    assert [m.to for m in mailoutbox] == [[contributor.email]]
    [link] = links_in(mailoutbox[0])
    assert re.fullmatch(
        rf"{re.escape(settings.SITE_URL)}/account/password-reset/confirm/\?uid=\w+&token=[\w-]+", link
    )
    assert "api" not in mailoutbox[0].body.replace(link, "").lower()


def reset_link(browser: Any, mailoutbox: list, user: User) -> str:
    browser().post("/account/password-reset/", {"email": user.email})
    [link] = links_in(mailoutbox[-1])
    return path_of(link)


def test_reset_sets_the_password_and_signs_out_every_device(browser, api, mailoutbox, contributor):
    elsewhere = browser()
    login(elsewhere, contributor.email, ip="10.0.0.7")
    AuthToken.objects.create(contributor)
    link = reset_link(browser, mailoutbox, contributor)
    client = browser()
    form = client.get(link)
    assert form.status_code == 200
    assert re.search(r'name="password"[^>]*autocomplete="new-password"', page(form))
    assert f'autocomplete="username" value="{contributor.email}"' in page(form)
    query = dict(p.split("=", 1) for p in urlsplit(link).query.split("&"))
    done = client.post(link, {**query, "password": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/account/login/"
    assert "Пароль изменён" in page(client.get(done["Location"]))
    contributor.refresh_from_db()
    assert contributor.check_password(NEW_PASSWORD)
    assert not AuthToken.objects.filter(user=contributor).exists()
    assert not WebSession.objects.filter(user=contributor).exists()
    assert elsewhere.get("/account/").status_code == 302  # the other browser was signed out
    # the link works once
    again = client.post(link, {**query, "password": "third-long-phrase-7"})
    assert again.status_code == 400 and "Ссылка для сброса пароля недействительна" in page(again)
    assert client.get(link).status_code == 400


def test_reset_refuses_a_weak_password_next_to_the_field_as_the_api_does(
    browser, api, mailoutbox, contributor
):
    link = reset_link(browser, mailoutbox, contributor)
    query = dict(p.split("=", 1) for p in urlsplit(link).query.split("&"))
    expected = api_field_messages(
        api, "/api/v1/auth/password-reset/confirm/", {**query, "password": "password1"}
    )
    response = browser().post(link, {**query, "password": "password1"})
    assert response.status_code == 400
    assert list(response.context["form"].errors["password"]) == expected["password"]
    assert re.search(r'name="password"[^>]*aria-invalid="true"', page(response))
    contributor.refresh_from_db()
    assert contributor.check_password(PASSWORD)
    # the link still works after a refused password
    assert browser().post(link, {**query, "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?uid=&token=",
        "?uid=!!&token=x",
        "?uid=OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk&token=x",
        "?uid=MQ&token=" + "a" * 500,
    ],
)
def test_a_broken_reset_link_says_so(browser, query):
    response = browser().get("/account/password-reset/confirm/" + query)
    assert response.status_code == 400
    assert "недействительна" in page(response) and 'href="/account/password-reset/"' in page(response)


def test_a_tampered_reset_form_is_refused(browser, contributor):
    response = browser().post("/account/password-reset/confirm/", {"password": NEW_PASSWORD})
    assert response.status_code == 400 and "недействительна" in page(response)


# --- CSRF ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/account/signup/", {"email": "a@example.org", "password": PASSWORD, "display_name": "Аа"}),
        ("/account/login/", {"email": "a@example.org", "password": PASSWORD}),
        ("/account/logout/", {}),
        ("/account/verify/", {"email": "a@example.org"}),
        ("/account/password-reset/", {"email": "a@example.org"}),
        ("/account/password-reset/confirm/", {"uid": "MQ", "token": "x", "password": NEW_PASSWORD}),
    ],
)
def test_every_form_needs_its_csrf_token(browser, path, body):
    client = browser(csrf=True)
    client.get("/account/login/")  # the CSRF cookie
    response = client.post(path, body)
    assert response.status_code == 403
    text = page(response)
    assert "Форма устарела" in text and 'class="site-header"' in text
    assert not User.objects.filter(email="a@example.org").exists()


def test_the_csrf_page_says_what_happened_in_english_too(browser):
    client = browser(lang="en", csrf=True)
    response = client.post("/account/login/", {"email": "a@example.org", "password": PASSWORD})
    assert response.status_code == 403
    text = page(response)
    # the browser sent no CSRF cookie at all: the page says to allow cookies
    assert '<html lang="en">' in text and "The form has expired" in text and "cookie" in text


def test_the_csrf_page_links_back_to_the_page_of_the_form_on_this_site_only(browser):
    client = browser(csrf=True)
    client.get("/account/login/")
    back = client.post("/account/login/", {}, HTTP_REFERER=f"{settings.SITE_URL}/account/login/?next=/x/")
    assert 'href="/account/login/?next=/x/"' in page(back)
    for referer in ("https://evil.example/account/login/", f"{settings.SITE_URL}//evil.example/"):
        text = page(client.post("/account/login/", {}, HTTP_REFERER=referer))
        assert "evil.example" not in text


def test_the_csrf_failure_under_api_is_the_apis_error_shape():
    request = RequestFactory().post("/api/v1/anything/")
    with translation.override("en"):
        response = web.csrf_failure(request, reason="CSRF token missing.")
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["error"]["code"] == "csrf_failed" and body["error"]["fields"] == {}
    assert body["error"]["message"] == "The request's CSRF check failed. Reload the page and try again."


# --- what the pages cost ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/account/signup/", "/account/login/", "/account/verify/", "/account/password-reset/"]
)
def test_the_public_account_pages_cost_a_few_queries(browser, django_assert_max_num_queries, path):
    client = browser()
    with django_assert_max_num_queries(2):
        assert client.get(path).status_code == 200


def test_signing_in_costs_a_bounded_number_of_queries(browser, contributor, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        assert login(browser(), contributor.email).status_code == 302

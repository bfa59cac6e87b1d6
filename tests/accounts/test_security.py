"""Sign-in security: password reset, device sessions, brute-force lockout with cool-off, throttles, and the
absence of user enumeration (same status, same body, same time for known and unknown addresses)."""

import re
import statistics
import time
from datetime import timedelta
from urllib.parse import unquote

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.utils import timezone
from knox.models import AuthToken

from newsroom.accounts.models import User
from tests.conftest import error_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-phrase-42"


def login(api, email, password=PASSWORD, ip="10.0.0.1", device=""):
    return api().post(
        "/api/v1/auth/login/",
        {"email": email, "password": password, "device": device},
        format="json",
        REMOTE_ADDR=ip,
    )


def signed_in(api, token):
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


# --- password reset ---------------------------------------------------------------------------------------------


def reset_link(message):
    uid = re.search(r"uid=([\w-]+)", message.body).group(1)
    token = unquote(re.search(r"token=([\w-]+)", message.body).group(1))
    return uid, token


def test_password_reset_works_once_and_signs_out_every_device(api, contributor):
    _, old_token = AuthToken.objects.create(contributor)
    response = api().post("/api/v1/auth/password-reset/", {"email": contributor.email}, format="json")
    assert response.status_code == 202
    assert len(mail.outbox) == 1 and contributor.email in mail.outbox[0].to
    uid, token = reset_link(mail.outbox[0])
    body = {"uid": uid, "token": token, "password": NEW_PASSWORD}
    assert api().post("/api/v1/auth/password-reset/confirm/", body, format="json").status_code == 200
    assert login(api, contributor.email, NEW_PASSWORD).status_code == 200
    assert error_code(login(api, contributor.email, PASSWORD)) == "invalid_credentials"
    assert signed_in(api, old_token).get("/api/v1/me/").status_code == 401
    again = api().post(
        "/api/v1/auth/password-reset/confirm/", {**body, "password": "third-long-phrase-7"}, format="json"
    )
    assert again.status_code == 400 and error_code(again) == "invalid_token"  # used


def test_password_reset_token_expires(api, contributor, settings):
    api().post("/api/v1/auth/password-reset/", {"email": contributor.email}, format="json")
    uid, token = reset_link(mail.outbox[0])
    settings.PASSWORD_RESET_TIMEOUT = -1
    response = api().post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 400 and error_code(response) == "invalid_token"
    contributor.refresh_from_db()
    assert contributor.check_password(PASSWORD)


def test_password_reset_refuses_a_weak_password_and_a_forged_uid(api, contributor):
    api().post("/api/v1/auth/password-reset/", {"email": contributor.email}, format="json")
    uid, token = reset_link(mail.outbox[0])
    weak = api().post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "password": "password1"},
        format="json",
    )
    assert weak.status_code == 400 and "password" in weak.json()["error"]["fields"]
    forged = api().post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": "!!", "token": token, "password": NEW_PASSWORD},
        format="json",
    )
    assert forged.status_code == 400 and error_code(forged) == "invalid_token"


def test_password_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(api, contributor):
    known = api().post("/api/v1/auth/password-reset/", {"email": contributor.email}, format="json")
    unknown = api().post("/api/v1/auth/password-reset/", {"email": "nobody@example.org"}, format="json")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert len(mail.outbox) == 1


# --- device sessions ----------------------------------------------------------------------------------------------


def test_sessions_list_revoke_one_and_all(api, contributor):
    phone = login(api, contributor.email, device="phone").json()["token"]
    laptop = login(api, contributor.email, device="laptop", ip="10.0.0.2").json()["token"]
    client = signed_in(api, phone)
    sessions = client.get("/api/v1/me/sessions/").json()
    assert {s["device"] for s in sessions} == {"phone", "laptop"}
    assert [s["current"] for s in sessions if s["device"] == "phone"] == [True]
    assert all(s["expiry"] for s in sessions)
    laptop_id = next(s["id"] for s in sessions if s["device"] == "laptop")
    assert client.delete(f"/api/v1/me/sessions/{laptop_id}/").status_code == 204
    assert signed_in(api, laptop).get("/api/v1/me/").status_code == 401  # revoked
    assert client.delete(f"/api/v1/me/sessions/{laptop_id}/").status_code == 404
    assert client.delete("/api/v1/me/sessions/").status_code == 204
    assert signed_in(api, phone).get("/api/v1/me/").status_code == 401


def test_tokens_are_stored_hashed_and_expire(api, contributor):
    token = login(api, contributor.email).json()["token"]
    stored = AuthToken.objects.get(user=contributor)
    assert token not in stored.digest and stored.expiry > timezone.now()
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert signed_in(api, token).get("/api/v1/me/").status_code == 401


def test_another_users_session_cannot_be_revoked(api, contributor):
    other = UserFactory()
    login(api, other.email)
    other_id = AuthToken.objects.get(user=other).digest[:32]
    response = api(contributor).delete(f"/api/v1/me/sessions/{other_id}/")
    assert response.status_code == 404
    assert AuthToken.objects.filter(user=other).exists()


# --- brute force --------------------------------------------------------------------------------------------------


def test_lockout_after_five_failures_then_cool_off(api, contributor):
    for _ in range(4):
        assert error_code(login(api, contributor.email, "wrong-password-x")) == "invalid_credentials"
    assert error_code(login(api, contributor.email, "wrong-password-x")) == "locked_out"  # the fifth failure
    locked = login(api, contributor.email)  # now even the right password
    assert locked.status_code == 429 and error_code(locked) == "locked_out"
    assert int(locked["Retry-After"]) == 15 * 60
    # the owner elsewhere is not locked out: the counter is per (e-mail, IP)
    assert login(api, contributor.email, ip="10.9.9.9").status_code == 200
    # nobody is locked out for good: after the cool-off the pair may try again
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login(api, contributor.email).status_code == 200


def test_lockout_applies_to_unknown_addresses_the_same_way(api):
    for _ in range(4):
        assert error_code(login(api, "ghost@example.org", "wrong-password-x")) == "invalid_credentials"
    assert error_code(login(api, "ghost@example.org", "wrong-password-x")) == "locked_out"


def test_a_successful_login_resets_the_failure_counter(api, contributor):
    for _ in range(4):
        login(api, contributor.email, "wrong-password-x")
    assert login(api, contributor.email).status_code == 200
    for _ in range(4):
        login(api, contributor.email, "wrong-password-x")
    assert login(api, contributor.email).status_code == 200


# --- throttles ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "path", "body"),
    [
        ("login", "/api/v1/auth/login/", {"email": "a@example.org", "password": "x"}),
        (
            "register",
            "/api/v1/auth/register/",
            {"email": "a@example.org", "password": "x", "display_name": "Аа"},
        ),
        ("password_reset", "/api/v1/auth/password-reset/", {"email": "a@example.org"}),
        ("verify", "/api/v1/auth/verify-email/", {"token": "x"}),
        ("verify", "/api/v1/auth/resend-verification/", {"email": "a@example.org"}),
    ],
)
def test_auth_endpoints_are_throttled_per_client(api, settings, scope, path, body):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], scope: "2/min"},
    }
    for _ in range(2):
        assert api().post(path, body, format="json", REMOTE_ADDR="10.1.1.1").status_code != 429
    third = api().post(path, body, format="json", REMOTE_ADDR="10.1.1.1")
    assert third.status_code == 429 and error_code(third) == "throttled"
    assert third.json()["error"]["retry_after"] > 0
    assert api().post(path, body, format="json", REMOTE_ADDR="10.2.2.2").status_code != 429


# --- no enumeration -----------------------------------------------------------------------------------------------


@pytest.fixture
def real_hashing(settings):
    """A hasher as costly as a real one would make a skipped hash show (~tens of ms); MD5 would hide it."""
    settings.PASSWORD_HASHERS = ["tests.hashers.MeasurablePBKDF2Hasher"]


def _timed(call, timings: list, answers: set) -> None:
    start = time.perf_counter()
    response = call()
    timings.append((time.perf_counter() - start) * 1000)
    answers.add((response.status_code, response.content))


def _same_answers_and_time(known_call, unknown_call, tries=50):
    """Known and unknown calls in pairs, each pair's order alternated, so that whatever else the machine does slows
    both alike and neither always runs first; the median of the pairs' differences is compared.

    The bound is 5 ms or a fifth of the faster path, whichever is more: on a loaded machine every request slows
    down, and so does any work that only one path does (a password hash, a letter), so a relative bound still
    catches it — a path that skips work of a fifth of its own time or more fails at any load."""
    known_call(), unknown_call()  # warm up
    known_timings: list[float] = []
    unknown_timings: list[float] = []
    known_answers: set = set()
    unknown_answers: set = set()
    for i in range(tries):
        if i % 2:
            _timed(unknown_call, unknown_timings, unknown_answers)
            _timed(known_call, known_timings, known_answers)
        else:
            _timed(known_call, known_timings, known_answers)
            _timed(unknown_call, unknown_timings, unknown_answers)
    assert known_answers == unknown_answers and len(known_answers) == 1
    known_ms, unknown_ms = statistics.median(known_timings), statistics.median(unknown_timings)
    gap_ms = statistics.median(k - u for k, u in zip(known_timings, unknown_timings, strict=True))
    bound_ms = max(5.0, 0.2 * min(known_ms, unknown_ms))
    print(f"median known {known_ms:.2f} ms, unknown {unknown_ms:.2f} ms, paired gap {gap_ms:.2f} ms")
    assert abs(gap_ms) < bound_ms, (
        f"known {known_ms:.1f} ms vs unknown {unknown_ms:.1f} ms: paired gap {gap_ms:.1f} ms, "
        f"bound {bound_ms:.1f} ms"
    )
    return known_ms, unknown_ms


def test_login_does_not_tell_known_from_unknown_addresses(api, real_hashing):
    user = UserFactory(password="")
    user.set_password(PASSWORD)
    user.save()
    AccessAttempt.objects.all().delete()
    # distinct IPs: 50 failures from one address would be locked out after five
    ips = iter(f"10.3.{i // 250}.{i % 250}" for i in range(1000))
    known, _unknown = _same_answers_and_time(
        lambda: login(api, user.email, "wrong-password-x", ip=next(ips)),
        lambda: login(api, "nobody@example.org", "wrong-password-x", ip=next(ips)),
    )
    assert known > 5  # the hash really ran on both paths


def test_password_reset_does_not_tell_known_from_unknown_addresses(api, contributor, monkeypatch):
    """The request is timed as production runs it: the letter is queued for a worker, not composed inline (with
    eager tasks the known address alone would compose and send it inside the timed request). The queued work is
    then run to show that only the known address gets a letter."""
    from newsroom.accounts import tasks

    queued: list[tuple] = []
    monkeypatch.setattr(tasks.send_password_reset_mail, "delay", lambda *args: queued.append(args))

    def reset(email):
        return api().post("/api/v1/auth/password-reset/", {"email": email}, format="json")

    _same_answers_and_time(lambda: reset(contributor.email), lambda: reset("nobody@example.org"))
    # every request queued exactly one task of the same shape, known address or not
    assert len(queued) == 102 and {len(args) for args in queued} == {2}
    assert {args[0] for args in queued} == {contributor.email, "nobody@example.org"}
    assert not mail.outbox
    for email in (contributor.email, "nobody@example.org"):
        tasks.send_password_reset_mail(*next(args for args in queued if args[0] == email))
    assert [m.to for m in mail.outbox] == [[contributor.email]]


def test_register_does_not_tell_known_from_unknown_addresses(api, real_hashing, monkeypatch):
    """The request is timed as production runs it: the second half of registration is queued for a worker, not
    run inline. The queued work is then run to show what each registration did."""
    from newsroom.accounts import tasks

    queued: list[tuple] = []
    monkeypatch.setattr(tasks.complete_registration, "delay", lambda *args: queued.append(args))
    existing = UserFactory()
    counter = iter(range(1000))

    def register(email):
        body = {"email": email, "password": PASSWORD, "display_name": "Новый Автор"}
        return api().post("/api/v1/auth/register/", body, format="json")

    known_answers, unknown_answers = set(), set()

    # the body echoes the address, so compare status and keys; time as above
    def known():
        r = register(existing.email)
        known_answers.add((r.status_code, tuple(sorted(r.json()))))
        return type("R", (), {"status_code": r.status_code, "content": b""})()

    def unknown():
        r = register(f"new{next(counter)}@example.org")
        unknown_answers.add((r.status_code, tuple(sorted(r.json()))))
        return type("R", (), {"status_code": r.status_code, "content": b""})()

    _same_answers_and_time(known, unknown)
    assert known_answers == unknown_answers == {(201, ("detail", "email"))}
    assert len(queued) == 102 and {len(args) for args in queued} == {4}  # one task each, same shape
    for args in queued[:4]:
        tasks.complete_registration(*args)
    assert User.objects.filter(email=existing.email).count() == 1
    assert User.objects.filter(email__startswith="new").count() >= 1
    assert any("Registration attempt" in m.subject or "Попытка" in m.subject for m in mail.outbox)


def test_signing_in_on_one_device_too_many_signs_out_the_oldest(api, contributor, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    oldest, middle, newest = (login(api, contributor.email, device=name).json()["token"] for name in "abc")
    assert signed_in(api, oldest).get("/api/v1/me/").status_code == 401
    devices = {s["device"] for s in signed_in(api, newest).get("/api/v1/me/sessions/").json()}
    assert devices == {"b", "c"}
    assert signed_in(api, middle).get("/api/v1/me/").status_code == 200


def test_the_reset_page_from_the_letter_sets_the_password(api, contributor):
    from django.test import Client

    api().post("/api/v1/auth/password-reset/", {"email": contributor.email}, format="json")
    uid, token = reset_link(mail.outbox[0])
    page = Client().get(f"/account/password-reset/confirm/?uid={uid}&token={token}")
    assert page.status_code == 200 and b'name="password"' in page.content
    confirm = "/account/password-reset/confirm/"
    weak = Client().post(confirm, {"uid": uid, "token": token, "password": "123"})
    assert weak.status_code == 400
    done = Client().post(confirm, {"uid": uid, "token": token, "password": NEW_PASSWORD})
    assert done.status_code == 302
    contributor.refresh_from_db()
    assert contributor.check_password(NEW_PASSWORD)
    again = Client().post(confirm, {"uid": uid, "token": token, "password": "third-long-phrase-7"})
    assert again.status_code == 400

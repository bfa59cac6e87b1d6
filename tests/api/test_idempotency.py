"""The Idempotency-Key contract on POST /api/v1/articles/ and POST /api/v1/articles/{id}/submit/."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.exceptions import Throttled

from newsroom.api.idempotency import request_fingerprint
from newsroom.api.models import IdempotencyKey
from newsroom.api.tasks import purge_idempotency_keys
from submissions import services
from submissions.models import Article, ArticleEvent
from submissions.states import Action
from tests.conftest import error_code
from tests.factories import UserFactory
from tests.helpers import NEW_ARTICLE as NEW

pytestmark = pytest.mark.django_db

URL = "/api/v1/articles/"


def post(client, data=NEW, key="key-1", url=URL):
    extra = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(url, data, format="json", **extra)


def expired(settings):
    return timezone.now() - settings.NEWSROOM["IDEMPOTENCY_TTL"] - timedelta(minutes=1)


def test_a_retry_with_the_same_key_replays_the_first_answer(api, contributor):
    client = api(contributor)
    first = post(client)
    again = post(client)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert again["ETag"] == first["ETag"]
    assert Article.objects.filter(author=contributor).count() == 1
    row = IdempotencyKey.objects.get()
    assert (row.user, row.key, row.method, row.path) == (contributor, "key-1", "POST", URL)
    assert row.state == "done" and row.response_status == 201 and row.finished_at is not None


def test_the_same_key_with_another_body_is_refused(api, contributor):
    client = api(contributor)
    assert post(client).status_code == 201
    response = post(client, {**NEW, "title": "Другой заголовок"})
    assert response.status_code == 422 and error_code(response) == "idempotency_key_reused"
    assert Article.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_another_request(api, contributor, draft):
    client = api(contributor)
    assert post(client).status_code == 201
    response = post(client, None, url=f"/api/v1/articles/{draft.pk}/submit/")
    assert response.status_code == 422 and error_code(response) == "idempotency_key_reused"
    assert not ArticleEvent.objects.filter(action=Action.SUBMIT).exists()


def test_without_a_key_every_request_runs(api, contributor):
    client = api(contributor)
    assert post(client, key=None).status_code == post(client, key=None).status_code == 201
    assert Article.objects.filter(author=contributor).count() == 2
    assert not IdempotencyKey.objects.exists()


def test_keys_belong_to_their_user(api, contributor):
    other = UserFactory()
    assert post(api(contributor)).status_code == 201
    response = post(api(other))
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")
    assert (
        Article.objects.filter(author=contributor).count()
        == Article.objects.filter(author=other).count()
        == 1
    )


def test_a_validation_error_is_the_answer_and_is_replayed(api, contributor):
    client = api(contributor, lang="en")
    bad = {**NEW, "category": "nope"}
    first = post(client, bad)
    assert first.status_code == 400 and error_code(first) == "invalid"
    again = post(client, bad)
    assert again.status_code == 400 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert not Article.objects.exists()


def test_a_submit_retried_with_its_key_is_replayed_not_repeated(api, contributor, draft):
    client = api(contributor)
    url = f"/api/v1/articles/{draft.pk}/submit/"
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="submit-1")
    again = client.post(url, HTTP_IDEMPOTENCY_KEY="submit-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert ArticleEvent.objects.filter(article=draft, action=Action.SUBMIT).count() == 1
    # without the key the same retry is an error: that is what the key is for
    assert client.post(url).status_code == 409


def test_while_the_first_request_runs_a_retry_gets_409(api, contributor):
    IdempotencyKey.objects.create(
        user=contributor,
        key="key-1",
        method="POST",
        path=URL,
        fingerprint=request_fingerprint("POST", URL, NEW),
    )
    response = post(api(contributor))
    assert response.status_code == 409 and error_code(response) == "idempotency_in_flight"
    assert response["Retry-After"] == "1" and response.json()["error"]["retry_after"] == 1
    assert not Article.objects.exists()


def test_an_expired_key_counts_as_absent(api, contributor, settings):
    IdempotencyKey.objects.create(
        user=contributor,
        key="key-1",
        method="POST",
        path=URL,
        fingerprint="0" * 64,  # another request: would be a 422 if it still counted
        state="done",
        response_status=201,
        response_body={"id": -1},
        created_at=expired(settings),
    )
    response = post(api(contributor))
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")
    assert Article.objects.count() == 1
    row = IdempotencyKey.objects.get()
    assert row.response_body["id"] == response.json()["id"] and row.created_at > expired(settings)


def test_purge_removes_only_expired_keys(contributor, settings):
    old = IdempotencyKey.objects.create(
        user=contributor,
        key="old",
        method="POST",
        path=URL,
        fingerprint="0" * 64,
        created_at=expired(settings),
    )
    fresh = IdempotencyKey.objects.create(
        user=contributor,
        key="fresh",
        method="POST",
        path=URL,
        fingerprint="0" * 64,
        created_at=timezone.now() - settings.NEWSROOM["IDEMPOTENCY_TTL"] + timedelta(minutes=1),
    )
    assert purge_idempotency_keys.delay().get() == 1
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()
    assert purge_idempotency_keys() == 0


@pytest.mark.parametrize(
    "key",
    ["", "x" * 256, "with space", "line\nbreak", "tab\tkey", "ключ", '""', '"a b"', '"a\\"b"'],
    ids=[
        "empty",
        "256-chars",
        "space",
        "newline",
        "tab",
        "non-ascii",
        "empty-string",
        "quoted-space",
        "escape",
    ],
)
def test_an_invalid_key_is_a_400(api, contributor, key):
    response = post(api(contributor, lang="en"), key=key)
    assert response.status_code == 400 and error_code(response) == "invalid_idempotency_key"
    assert not Article.objects.exists() and not IdempotencyKey.objects.exists()


def test_the_longest_key_and_the_quoted_form(api, contributor):
    client = api(contributor)
    longest = "~!" + "x" * 253
    assert post(client, key=longest).status_code == 201
    assert post(client, key=longest)["Idempotent-Replayed"] == "true"
    # a structured-header string names the same key as the bare token
    assert post(client, key="uuid-7").status_code == 201
    assert post(client, key='"uuid-7"')["Idempotent-Replayed"] == "true"
    assert Article.objects.count() == 2


def test_a_server_error_releases_the_key_so_that_the_retry_runs(api, contributor, monkeypatch):
    client = api(contributor)
    real = services.article_create

    def broken(**kwargs):
        raise RuntimeError("database fell over")

    monkeypatch.setattr(services, "article_create", broken)
    with pytest.raises(RuntimeError):
        post(client)
    assert not IdempotencyKey.objects.exists()
    monkeypatch.setattr(services, "article_create", real)
    response = post(client)
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")
    assert Article.objects.count() == 1


def test_a_429_is_not_stored(api, contributor, monkeypatch):
    client = api(contributor)
    real = services.article_create

    def throttled(**kwargs):
        raise Throttled(wait=30)

    monkeypatch.setattr(services, "article_create", throttled)
    assert post(client).status_code == 429
    assert not IdempotencyKey.objects.exists()
    monkeypatch.setattr(services, "article_create", real)
    assert post(client).status_code == 201


def test_anonymous_requests_are_refused_before_any_key_is_kept(api):
    response = post(api())
    assert response.status_code == 401
    assert not IdempotencyKey.objects.exists()


def test_the_header_is_in_the_openapi_schema(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    for path in ("/api/v1/articles/", "/api/v1/articles/{article_id}/submit/"):
        names = [(p["in"], p["name"]) for p in paths[path]["post"].get("parameters", [])]
        assert ("header", "Idempotency-Key") in names
    assert "parameters" not in paths["/api/v1/articles/"]["get"] or all(
        p["name"] != "Idempotency-Key" for p in paths["/api/v1/articles/"]["get"]["parameters"]
    )


def test_an_unreadable_body_is_refused_before_the_key_is_claimed(api, contributor):
    client = api(contributor)
    response = client.generic("POST", URL, "{nope", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 400 and error_code(response) == "malformed_request"
    assert not IdempotencyKey.objects.exists()
    assert post(client, key="k").status_code == 201

import pytest

from submissions.models import Article
from submissions.states import Status
from tests.conftest import error_code
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import NEW_ARTICLE as NEW

pytestmark = pytest.mark.django_db


def test_categories_are_public_with_both_names(api):
    response = api().get("/api/v1/categories/")
    assert response.status_code == 200
    city = next(c for c in response.json() if c["slug"] == "city")
    assert city == {"slug": "city", "name_ru": "Город", "name_en": "City"}


def test_create_list_and_edit_my_draft(api, contributor):
    client = api(contributor)
    created = client.post("/api/v1/articles/", NEW, format="json")
    assert created.status_code == 201
    article = created.json()
    assert article["status"] == "draft" and article["category"] == "city" and article["slug"] is None
    patched = client.patch(
        f"/api/v1/articles/{article['id']}/",
        {"title": "Новый заголовок статьи"},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert patched.status_code == 200 and patched.json()["title"] == "Новый заголовок статьи"
    ArticleFactory()  # someone else's
    listed = client.get("/api/v1/articles/").json()
    assert [a["id"] for a in listed["results"]] == [article["id"]]


def test_a_draft_may_be_incomplete_but_not_invalid(api, contributor):
    client = api(contributor, lang="en")
    assert client.post("/api/v1/articles/", {"title": ""}, format="json").status_code == 201
    response = client.post("/api/v1/articles/", {"category": "no-such", "language": "xx"}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["category"][0]["code"] == "does_not_exist"
    assert fields["language"][0]["code"] == "invalid_choice"


def test_another_contributor_cannot_read_or_touch_my_draft(api, draft):
    stranger = api(UserFactory())
    for response in (
        stranger.get(f"/api/v1/articles/{draft.pk}/"),
        stranger.patch(f"/api/v1/articles/{draft.pk}/", {"title": "взлом"}, format="json"),
        stranger.post(f"/api/v1/articles/{draft.pk}/submit/"),
        stranger.post(f"/api/v1/articles/{draft.pk}/withdraw/"),
        stranger.get(f"/api/v1/articles/{draft.pk}/checks/"),
    ):
        assert response.status_code == 404 and error_code(response) == "not_found"
    draft.refresh_from_db()
    assert draft.title != "взлом" and draft.status == Status.DRAFT


def test_submit_runs_the_checks_and_reaches_review(api, contributor, draft):
    client = api(contributor)
    response = client.post(f"/api/v1/articles/{draft.pk}/submit/")
    assert response.status_code == 200
    assert response.json()["revision"] == 1
    assert (
        client.get(f"/api/v1/articles/{draft.pk}/").json()["status"] == "in_review"
    )  # checks ran after commit


def test_submit_twice_is_an_invalid_transition(api, contributor, draft):
    client = api(contributor)
    client.post(f"/api/v1/articles/{draft.pk}/submit/")
    again = client.post(f"/api/v1/articles/{draft.pk}/submit/")
    assert again.status_code == 409 and error_code(again) == "invalid_transition"
    assert again.json()["error"]["status"] == "in_review"


def test_patch_of_a_submitted_article_is_refused_and_nothing_changes(api, contributor, draft):
    client = api(contributor)
    client.post(f"/api/v1/articles/{draft.pk}/submit/")
    etag = client.get(f"/api/v1/articles/{draft.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/articles/{draft.pk}/", {"body": "подмена"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 409 and error_code(response) == "article_not_editable"
    draft.refresh_from_db()
    assert draft.body != "подмена"


def test_unverified_author_may_write_but_not_submit(api):
    user = UserFactory(email_verified_at=None)
    client = api(user)
    article = client.post("/api/v1/articles/", NEW, format="json").json()
    response = client.post(f"/api/v1/articles/{article['id']}/submit/")
    assert response.status_code == 403 and error_code(response) == "email_not_verified"
    assert Article.objects.get(pk=article["id"]).status == Status.DRAFT


def test_submit_of_an_incomplete_draft_names_the_missing_fields(api, contributor):
    client = api(contributor)
    article = client.post("/api/v1/articles/", {"title": "Только заголовок"}, format="json").json()
    response = client.post(f"/api/v1/articles/{article['id']}/submit/")
    assert response.status_code == 400 and error_code(response) == "incomplete_article"
    assert set(response.json()["error"]["fields"]) == {"body", "category"}


def test_withdraw_then_nothing_more(api, contributor, draft):
    client = api(contributor)
    assert client.post(f"/api/v1/articles/{draft.pk}/withdraw/").json()["status"] == "withdrawn"
    assert error_code(client.post(f"/api/v1/articles/{draft.pk}/submit/")) == "invalid_transition"


def test_editors_use_the_contributor_api_for_their_own_writing_only(api, editor, draft):
    response = api(editor).get(f"/api/v1/articles/{draft.pk}/")
    assert response.status_code == 404


def test_article_list_query_count_does_not_grow_with_page_size(
    api, contributor, django_assert_max_num_queries
):
    client = api(contributor)
    ArticleFactory.create_batch(3, author=contributor)
    with django_assert_max_num_queries(8) as small:
        client.get("/api/v1/articles/?limit=3")
    ArticleFactory.create_batch(30, author=contributor)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get("/api/v1/articles/?limit=30").json()["results"]) == 30

"""Authoring: content fields, sources and rights, ETag/If-Match, revisions (autosave coalescing), diffs, the
timeline, and an editorial edit in the middle of a history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from submissions.models import Article, Revision
from tests.conftest import error_code
from tests.factories import EditorFactory
from tests.helpers import gps_jpeg

pytestmark = pytest.mark.django_db

FULL = {
    "title": "Во дворе на Садовой починили детскую площадку",
    "lead": "Жители добивались ремонта два года.",
    "body": "Площадку **отремонтировали** за неделю. Подробности — в [письме управы](https://example.org/letter).\n\n"
    "Жители благодарят подрядчика и обещают следить за порядком. Следующим летом во дворе появятся новые "
    "скамейки и навес от дождя, а старую песочницу заменят на современную с крышкой.",
    "language": "ru",
    "category": "city",
    "tags": ["#Ремонт", "ремонт", "Дворы "],
    "place_name": "Москва, ул. Садовая",
    "latitude": "55.75580",
    "longitude": "37.61730",
    "has_third_party_material": True,
    "sources": [
        {"kind": "document", "url": "https://example.org/letter", "description": "Письмо управы"},
        {"kind": "own_reporting", "description": "Был на месте"},
    ],
    "rights_confirmed": True,
}


def create(client, **overrides):
    response = client.post("/api/v1/articles/", {**FULL, **overrides}, format="json")
    assert response.status_code == 201, response.content
    return response


def patch(client, article_id, etag, body, **query):
    suffix = "?autosave=true" if query.get("autosave") else ""
    return client.patch(f"/api/v1/articles/{article_id}/{suffix}", body, format="json", HTTP_IF_MATCH=etag)


def test_an_article_with_every_field(api, contributor):
    response = create(api(contributor))
    body = response.json()
    assert response["ETag"] == '"v2"' and body["version"] == 2
    assert body["tags"] == ["дворы", "ремонт"]
    assert body["sources"][0] == {
        "kind": "document",
        "url": "https://example.org/letter",
        "description": "Письмо управы",
    }
    assert (body["latitude"], body["longitude"]) == ("55.75580", "37.61730")
    assert "<strong>отремонтировали</strong>" in body["body_html"]
    assert 'rel="nofollow ugc noopener"' in body["body_html"] or "nofollow" in body["body_html"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"latitude": "55.1", "longitude": None}, "latitude"),
        ({"latitude": "91"}, "latitude"),
        ({"sources": [{"kind": "document"}]}, "sources"),
        ({"sources": [{"kind": "rumour", "description": "x"}]}, "sources"),
        ({"tags": [f"тег{i}" for i in range(11)]}, "tags"),
        ({"cover": 999999}, "cover"),
    ],
)
def test_invalid_content_is_a_400_naming_the_field(api, contributor, overrides, field):
    response = api(contributor).post("/api/v1/articles/", {**FULL, **overrides}, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not Article.objects.exists()


def test_submit_needs_the_rights_confirmation_and_sources_for_third_party_material(api, contributor):
    client = api(contributor)
    article = create(client, rights_confirmed=False, sources=[]).json()
    refused = client.post(f"/api/v1/articles/{article['id']}/submit/")
    assert refused.status_code == 400 and error_code(refused) == "rights_not_confirmed"
    etag = client.get(f"/api/v1/articles/{article['id']}/")["ETag"]
    etag = patch(client, article["id"], etag, {"rights_confirmed": True})["ETag"]
    refused = client.post(f"/api/v1/articles/{article['id']}/submit/")
    assert refused.status_code == 400 and error_code(refused) == "sources_required"
    assert "sources" in refused.json()["error"]["fields"]
    patch(
        client, article["id"], etag, {"sources": [{"kind": "interview", "description": "Председатель ТСЖ"}]}
    )
    assert client.post(f"/api/v1/articles/{article['id']}/submit/").status_code == 200


def test_patch_needs_if_match_and_refuses_a_stale_one_with_the_current_version(api, contributor):
    client = api(contributor)
    first = create(client)
    article_id, etag = first.json()["id"], first["ETag"]
    missing = client.patch(f"/api/v1/articles/{article_id}/", {"title": "Без версии"}, format="json")
    assert missing.status_code == 428 and error_code(missing) == "precondition_required"
    ok = patch(client, article_id, etag, {"title": "Первая правка"})
    assert ok.status_code == 200 and ok["ETag"] != etag
    stale = patch(client, article_id, etag, {"title": "Вторая правка со старой версией"})
    assert stale.status_code == 412 and error_code(stale) == "precondition_failed"
    assert stale.json()["error"]["current"]["title"] == "Первая правка"
    assert stale["ETag"] == ok["ETag"]
    assert Article.objects.get(pk=article_id).title == "Первая правка"
    garbage = patch(client, article_id, "whatever", {"title": "x"})
    assert garbage.status_code == 412


def test_explicit_saves_make_revisions_and_autosaves_coalesce(api, contributor):
    client = api(contributor)
    created = create(client)
    article_id, etag = created.json()["id"], created["ETag"]
    etag = patch(client, article_id, etag, {"title": "Сохранено"})["ETag"]  # r2
    for n in range(3):  # three autosaves within a minute: one revision, r3
        etag = patch(client, article_id, etag, {"body": FULL["body"] + "!" * (n + 1)}, autosave=True)["ETag"]
    revisions = client.get(f"/api/v1/articles/{article_id}/revisions/").json()
    assert [(r["number"], r["kind"]) for r in revisions] == [(1, "save"), (2, "save"), (3, "autosave")]
    assert Revision.objects.get(article_id=article_id, number=3).body.endswith("!!!")
    # an autosave more than a minute later starts a new revision
    Revision.objects.filter(article_id=article_id, number=3).update(
        updated_at=timezone.now() - timedelta(minutes=2)
    )
    etag = patch(client, article_id, etag, {"lead": "Позже"}, autosave=True)["ETag"]
    etag = patch(client, article_id, etag, {"lead": "Явно сохранено"})["ETag"]
    kinds = [r["kind"] for r in client.get(f"/api/v1/articles/{article_id}/revisions/").json()]
    assert kinds == ["save", "save", "autosave", "autosave", "save"]
    # a save that changes nothing makes no revision and keeps the version
    same = patch(client, article_id, etag, {"lead": "Явно сохранено"})
    assert same["ETag"] == etag and len(client.get(f"/api/v1/articles/{article_id}/revisions/").json()) == 5


def test_history_with_an_editorial_edit_in_the_middle(api, contributor):
    author = api(contributor)
    created = create(author)
    article_id = created.json()["id"]
    assert author.post(f"/api/v1/articles/{article_id}/submit/").status_code == 200
    assert author.get(f"/api/v1/articles/{article_id}/").json()["status"] == "in_review"  # checks ran
    editor = EditorFactory()
    desk = api(editor)
    etag = desk.get(f"/api/v1/moderation/articles/{article_id}/")["ETag"]
    desk.post(f"/api/v1/moderation/articles/{article_id}/claim/")
    edited = desk.patch(
        f"/api/v1/moderation/articles/{article_id}/",
        {"title": "Во дворе на Садовой отремонтировали детскую площадку"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert edited.status_code == 200, edited.content
    stale = desk.patch(
        f"/api/v1/moderation/articles/{article_id}/", {"title": "x"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    desk.post(
        f"/api/v1/moderation/articles/{article_id}/request-changes/",
        {"message": "Добавьте фото площадки."},
        format="json",
    )
    etag = author.get(f"/api/v1/articles/{article_id}/")["ETag"]
    assert (
        patch(author, article_id, etag, {"lead": "Жители добивались ремонта почти два года."}).status_code
        == 200
    )
    assert author.post(f"/api/v1/articles/{article_id}/submit/").status_code == 200

    revisions = author.get(f"/api/v1/articles/{article_id}/revisions/").json()
    assert [(r["number"], r["kind"], r["created_by"]["role"]) for r in revisions] == [
        (1, "save", "author"),
        (2, "submit", "author"),
        (3, "edit", "editor"),
        (4, "save", "author"),
        (5, "submit", "author"),
    ]
    assert revisions[2]["changed"] == ["title"]
    diff = author.get(f"/api/v1/articles/{article_id}/revisions/2/diff/3/").json()
    assert diff["changed_text"] == ["title"]
    assert {"op": "delete", "text": "починили"} in diff["fields"]["title"]
    assert {"op": "insert", "text": "отремонтировали"} in diff["fields"]["title"]
    assert all(op["op"] == "equal" for op in diff["fields"]["body"])
    across = author.get(f"/api/v1/articles/{article_id}/revisions/1/diff/5/").json()
    assert across["changed_text"] == ["title", "lead"]
    assert {"op": "insert", "text": "почти "} in across["fields"]["lead"]
    # the editor sees the same history
    assert desk.get(f"/api/v1/articles/{article_id}/revisions/3/diff/5/").status_code == 200

    timeline = author.get(f"/api/v1/articles/{article_id}/timeline/").json()
    events = [e["action"] for e in timeline["entries"] if e["type"] == "event"]
    assert events == [
        "create",
        "submit",
        "checks_complete",
        "edit",
        "request_changes",
        "submit",
        "checks_complete",
    ]
    assert "claim" not in events
    message = next(e for e in timeline["entries"] if e.get("action") == "request_changes")
    assert message["message"] == "Добавьте фото площадки." and message["by"] == "editor"
    assert next(e for e in timeline["entries"] if e.get("action") == "edit")["revision"] == 3
    checks = [e for e in timeline["entries"] if e["type"] == "check"]
    assert {c["revision"] for c in checks} == {2, 3, 5}  # checks judge what is put before editors
    assert [e["revision"] for e in timeline["entries"] if e["type"] == "revision"] == [1, 2, 3, 4, 5]
    times = [e["at"] for e in timeline["entries"]]
    assert times == sorted(times)


def test_revisions_and_timeline_are_private(api, contributor):
    article_id = create(api(contributor)).json()["id"]
    stranger = api(EditorFactory())
    for path in ("revisions/", "revisions/1/", "revisions/1/diff/1/", "timeline/"):
        assert stranger.get(f"/api/v1/articles/{article_id}/{path}").status_code == 404  # a draft is private
    assert api(contributor).get(f"/api/v1/articles/{article_id}/revisions/9/").status_code == 404


def test_list_filters_by_status(api, contributor):
    client = api(contributor)
    draft = create(client).json()["id"]
    submitted = create(client).json()["id"]
    client.post(f"/api/v1/articles/{submitted}/submit/")
    ids = [a["id"] for a in client.get("/api/v1/articles/?status=draft").json()["results"]]
    assert ids == [draft]
    both = client.get("/api/v1/articles/?status=draft,in_review").json()["results"]
    assert {a["id"] for a in both} == {draft, submitted}
    bad = client.get("/api/v1/articles/?status=lost")
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]


def test_cover_choice_and_the_timeline_says_what_was_done_to_the_photos(api, contributor, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = api(contributor, lang="en")
    created = create(client)
    article_id, etag = created.json()["id"], created["ETag"]
    media_ids = []
    for n in range(2):
        upload = SimpleUploadedFile(f"IMG_{n}.jpg", gps_jpeg(make=b"PhoneMaker"), content_type="image/jpeg")
        response = client.post(f"/api/v1/articles/{article_id}/media/", {"file": upload}, format="multipart")
        assert response.status_code == 201, response.content
        media_ids.append(response.json()["id"])
    chosen = patch(client, article_id, etag, {"cover": media_ids[1]})
    assert chosen.status_code == 200 and chosen.json()["cover"] == media_ids[1]
    other = create(client).json()["id"]
    foreign = patch(client, other, client.get(f"/api/v1/articles/{other}/")["ETag"], {"cover": media_ids[0]})
    assert foreign.status_code == 400 and "cover" in foreign.json()["error"]["fields"]
    timeline = client.get(f"/api/v1/articles/{article_id}/timeline/").json()
    assert timeline["summary"] == ["Location data removed from 2 photos."]
    media_entries = [e for e in timeline["entries"] if e["type"] == "media"]
    assert len(media_entries) == 2 and all("gps" in e["metadata_removed"] for e in media_entries)

"""Profiles, avatars, public author pages, the personal-data export and deleting an account."""

import io
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from knox.models import AuthToken
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from moderation.models import EditorApplication
from newsroom.accounts.models import User
from submissions import workflow
from submissions.models import Article, ArticleEvent
from submissions.states import Action, Status
from tests.conftest import error_code
from tests.factories import PASSWORD, ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

RED, BLUE = (255, 0, 0), (0, 0, 255)
SECRET_MAKE = "SpyCam Industries"
SECRET_XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-hideout-location</x:xmpmeta>'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def author(contributor):
    contributor.trust_level = 3  # trusted: the daily submission allowance is not what these tests are about
    contributor.save(update_fields=["trust_level"])
    return contributor


@pytest.fixture
def article_in(editor, commit):
    """article_in(author, status) -> an article of `author` driven through the real workflow to `status`."""

    def make(writer, status, **kw):
        article = ArticleFactory(author=writer, **kw)
        if status == Status.SUBMITTED:
            workflow.article_submit(actor=writer, article_id=article.pk)  # no commit: the checks never run
        elif status != Status.DRAFT:
            with commit():
                workflow.article_submit(actor=writer, article_id=article.pk)
            with commit():
                if status == Status.CHANGES_REQUESTED:
                    workflow.article_request_changes(
                        actor=editor, article_id=article.pk, message="Уточните источники."
                    )
                elif status == Status.REJECTED:
                    workflow.article_reject(
                        actor=editor,
                        article_id=article.pk,
                        reason_code="unverifiable",
                        message="Нет источников.",
                    )
                elif status == Status.PUBLISHED:
                    workflow.article_approve(actor=editor, article_id=article.pk)
        article.refresh_from_db()
        assert article.status == status
        return article

    return make


# --- helpers ---------------------------------------------------------------------------------------------------


def two_colour_image(size=(40, 20)) -> Image.Image:
    """Left half red, right half blue: shows which way the image was turned."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def upload(data: bytes, name: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def jpeg_with_metadata(orientation: int = 6) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = SECRET_MAKE  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x0112] = orientation  # Orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)})
    data = encode(two_colour_image((40, 20)), "JPEG", exif=exif.tobytes(), xmp=SECRET_XMP, quality=95)
    # the upload really carries what the server must strip
    with Image.open(io.BytesIO(data)) as check:
        sent = check.getexif()
        assert sent[0x010F] == SECRET_MAKE and sent[0x0112] == orientation
        assert sent.get_ifd(0x8825)[1] == "N"
        assert "xmp" in check.info
    return data


def put_avatar(client, data: bytes, name: str = "holiday-photo.jpg", content_type: str = "image/jpeg"):
    return client.put("/api/v1/me/avatar/", {"avatar": upload(data, name, content_type)}, format="multipart")


def stored_files(user) -> list[Path]:
    folder = Path(default_storage.location) / "avatars" / str(user.pk)
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def close_to(pixel, colour, tolerance=60) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


# --- profile ---------------------------------------------------------------------------------------------------


def test_profile_update_and_byline_follows_the_pen_name(api, contributor):
    client = api(contributor)
    response = client.patch(
        "/api/v1/me/", {"display_name": "Анна Петрова", "bio": "Пишу о городе."}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["display_name"], body["pen_name"], body["bio"]) == ("Анна Петрова", "", "Пишу о городе.")
    assert body["byline"] == "Анна Петрова"  # no pen name: the display name

    assert client.patch("/api/v1/me/", {"pen_name": "Городской Хроникёр"}, format="json").status_code == 200
    me = client.get("/api/v1/me/").json()
    assert me["byline"] == "Городской Хроникёр"
    assert (me["display_name"], me["bio"]) == ("Анна Петрова", "Пишу о городе.")  # untouched by the 2nd PATCH
    contributor.refresh_from_db()
    assert (contributor.display_name, contributor.pen_name, contributor.bio) == (
        "Анна Петрова",
        "Городской Хроникёр",
        "Пишу о городе.",
    )

    assert client.patch("/api/v1/me/", {"pen_name": ""}, format="json").json()["byline"] == "Анна Петрова"


def test_profile_bio_up_to_1000_characters(api, contributor):
    client = api(contributor)
    assert client.patch("/api/v1/me/", {"bio": "я" * 1000}, format="json").status_code == 200
    response = client.patch("/api/v1/me/", {"bio": "я" * 1001, "display_name": "Другое Имя"}, format="json")
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert set(response.json()["error"]["fields"]) == {"bio"}
    contributor.refresh_from_db()
    assert contributor.bio == "я" * 1000 and contributor.display_name != "Другое Имя"  # nothing applied


def test_profile_requires_sign_in(api):
    response = api().patch("/api/v1/me/", {"bio": "x"}, format="json")
    assert response.status_code == 401 and error_code(response) == "not_authenticated"


# --- avatar ----------------------------------------------------------------------------------------------------


def test_avatar_jpeg_is_turned_squared_and_stripped_of_metadata(api, contributor):
    response = put_avatar(api(contributor), jpeg_with_metadata(orientation=6))
    assert response.status_code == 200, response.content
    contributor.refresh_from_db()
    name = contributor.avatar.name
    assert name.startswith(f"avatars/{contributor.pk}/") and name.endswith(".webp")
    assert "holiday" not in name and "photo" not in name  # the server names the file
    assert response.json()["avatar"].endswith(name)

    raw = default_storage.open(name).read()
    assert SECRET_MAKE.encode() not in raw and b"secret-hideout" not in raw
    with Image.open(io.BytesIO(raw)) as stored:
        assert stored.format == "WEBP"
        assert stored.size == (512, 512)
        assert len(stored.getexif()) == 0
        assert "exif" not in stored.info and "xmp" not in stored.info
        rgb = stored.convert("RGB")
        # orientation 6 turns the 40x20 red|blue picture a quarter clockwise: red on top, blue below
        assert close_to(rgb.getpixel((64, 64)), RED) and close_to(rgb.getpixel((448, 64)), RED)
        assert close_to(rgb.getpixel((64, 448)), BLUE) and close_to(rgb.getpixel((448, 448)), BLUE)


@pytest.mark.parametrize(("fmt", "content_type"), [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_avatar_png_and_webp_are_accepted_and_reencoded(api, contributor, fmt, content_type):
    if fmt == "PNG":
        info = PngInfo()
        info.add_text("Author", SECRET_MAKE)
        options = {"pnginfo": info}
    else:
        exif = Image.Exif()
        exif[0x010F] = SECRET_MAKE
        options = {"exif": exif.tobytes(), "lossless": True}
    image = Image.new("RGBA", (30, 50), (0, 128, 0, 255))
    data = encode(image, fmt, **options)
    assert SECRET_MAKE.encode() in data
    response = put_avatar(api(contributor), data, name=f"me.{fmt.lower()}", content_type=content_type)
    assert response.status_code == 200, response.content
    contributor.refresh_from_db()
    raw = default_storage.open(contributor.avatar.name).read()
    assert SECRET_MAKE.encode() not in raw
    with Image.open(io.BytesIO(raw)) as stored:
        assert (stored.format, stored.size) == ("WEBP", (512, 512))
        assert close_to(stored.convert("RGB").getpixel((256, 256)), (0, 128, 0))


@pytest.mark.parametrize(
    ("data", "name", "content_type", "code"),
    [
        (
            b"Just some notes, definitely not a picture.\n" * 20,
            "avatar.jpg",
            "image/jpeg",
            "unsupported_file",
        ),
        (encode(two_colour_image(), "GIF"), "avatar.gif", "image/gif", "unsupported_image_format"),
        (encode(two_colour_image(), "GIF"), "disguised.png", "image/png", "unsupported_image_format"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
            "a.png",
            "image/png",
            "svg_not_allowed",
        ),
        (
            encode(two_colour_image(), "JPEG") + b"<html><script>alert(1)</script>",
            "a.jpg",
            "image/jpeg",
            "polyglot_file",
        ),
    ],
    ids=["text-named-jpg", "gif", "gif-named-png", "svg", "polyglot"],
)
def test_avatar_refuses_what_is_not_jpeg_png_or_webp(api, contributor, data, name, content_type, code):
    """Avatars go through the same cleaning as article images, with the same codes."""
    response = put_avatar(api(contributor), data, name=name, content_type=content_type)
    assert response.status_code == 400
    assert error_code(response) == code
    contributor.refresh_from_db()
    assert not contributor.avatar and stored_files(contributor) == []


def test_avatar_over_the_byte_limit_is_413(api, contributor, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "AVATAR_MAX_BYTES": 1000}
    noisy = encode(Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)), "PNG")
    tiny = encode(Image.new("RGB", (4, 4), RED), "PNG")
    assert len(noisy) > 1000 > len(tiny)
    client = api(contributor)
    response = put_avatar(client, noisy, name="big.png", content_type="image/png")
    assert response.status_code == 413 and error_code(response) == "file_too_large"
    contributor.refresh_from_db()
    assert not contributor.avatar and stored_files(contributor) == []
    assert put_avatar(client, tiny, name="small.png", content_type="image/png").status_code == 200


def test_avatar_over_the_pixel_limit_is_413(api, contributor, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "AVATAR_MAX_PIXELS": 100 * 100}
    client = api(contributor)
    response = put_avatar(client, encode(two_colour_image((101, 100)), "JPEG"))
    assert response.status_code == 413 and error_code(response) == "image_too_large"
    contributor.refresh_from_db()
    assert not contributor.avatar and stored_files(contributor) == []
    assert put_avatar(client, encode(two_colour_image((100, 100)), "JPEG")).status_code == 200


def test_replacing_the_avatar_deletes_the_old_file(api, contributor):
    client = api(contributor)
    assert put_avatar(client, encode(two_colour_image(), "JPEG")).status_code == 200
    contributor.refresh_from_db()
    first = contributor.avatar.name
    assert default_storage.exists(first)
    assert put_avatar(client, encode(two_colour_image(), "PNG"), "b.png", "image/png").status_code == 200
    contributor.refresh_from_db()
    second = contributor.avatar.name
    assert second != first
    assert not default_storage.exists(first) and default_storage.exists(second)
    assert stored_files(contributor) == [Path(default_storage.path(second))]


def test_removing_the_avatar_deletes_the_file(api, contributor):
    client = api(contributor)
    assert put_avatar(client, encode(two_colour_image(), "JPEG")).status_code == 200
    contributor.refresh_from_db()
    name = contributor.avatar.name
    assert default_storage.exists(name)
    response = client.delete("/api/v1/me/avatar/")
    assert response.status_code == 200 and response.json()["avatar"] is None
    contributor.refresh_from_db()
    assert not contributor.avatar
    assert not default_storage.exists(name) and stored_files(contributor) == []
    assert client.get("/api/v1/me/").json()["avatar"] is None


def test_avatar_accepts_a_multi_picture_camera_jpeg(api, contributor):
    """Many phone cameras write MPO: a baseline JPEG (image/jpeg, .jpg) with extra pictures appended. Pillow
    reports its format as "MPO"; it is still the JPEG the user took."""
    data = encode(
        two_colour_image((60, 40)), "MPO", save_all=True, append_images=[Image.new("RGB", (30, 20), BLUE)]
    )
    assert data[:3] == b"\xff\xd8\xff"  # a JPEG stream
    with Image.open(io.BytesIO(data)) as sent:
        assert sent.format == "MPO" and sent.n_frames == 2
    response = put_avatar(api(contributor), data, name="IMG_0001.jpg")
    assert response.status_code == 200, response.content
    contributor.refresh_from_db()
    with Image.open(default_storage.open(contributor.avatar.name)) as stored:
        assert (stored.format, stored.size) == ("WEBP", (512, 512))
        assert close_to(stored.convert("RGB").getpixel((64, 256)), RED)  # the first (main) picture


def test_avatar_requires_sign_in(api):
    response = put_avatar(api(), encode(two_colour_image(), "JPEG"))
    assert response.status_code == 401


# --- public author page ----------------------------------------------------------------------------------------


def test_author_page_shows_the_pen_name_and_counts_only_published_work(api, author, article_in):
    author.pen_name = "Ночной Дозор"
    author.bio = "Пишу о том, что происходит ночью."
    author.date_joined = datetime(2024, 3, 15, 12, 0, tzinfo=UTC)
    author.save()
    for _ in range(2):
        article_in(author, Status.PUBLISHED)
    for status in (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.REJECTED):
        article_in(author, status)

    response = api().get(f"/api/v1/authors/{author.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == author.pk
    assert body["byline"] == "Ночной Дозор"
    assert body["bio"] == "Пишу о том, что происходит ночью."
    assert body["published_count"] == 2
    assert body["joined"] == "2024-03"
    assert body["avatar"] is None
    assert author.email not in response.content.decode()
    assert author.display_name not in response.content.decode()


def test_author_page_without_pen_name_shows_the_display_name(api, author, article_in):
    article_in(author, Status.PUBLISHED)
    body = api().get(f"/api/v1/authors/{author.pk}/").json()
    assert body["byline"] == author.display_name and body["published_count"] == 1


def test_author_page_is_404_without_published_work(api, author, article_in):
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.CHANGES_REQUESTED):
        article_in(author, status)
    nobody = UserFactory()
    for user_id in (author.pk, nobody.pk, 987654):
        response = api().get(f"/api/v1/authors/{user_id}/")
        assert response.status_code == 404, user_id
        assert error_code(response) == "not_found"


# --- export ----------------------------------------------------------------------------------------------------


def test_export_holds_account_articles_and_editor_track(api, author, article_in):
    draft = article_in(author, Status.DRAFT, title="Черновик о парке")
    submitted = article_in(author, Status.SUBMITTED, title="Новость на проверке")
    someone_elses = ArticleFactory()
    EditorApplication.objects.create(user=author, motivation="Хочу помогать редакции.")
    login = api().post(
        "/api/v1/auth/login/", {"email": author.email, "password": PASSWORD, "device": "phone"}, format="json"
    )
    assert login.status_code == 200
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['token']}")

    response = client.get("/api/v1/me/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = response.json()
    assert {"account", "submissions", "editor_track"} <= set(data)

    account = data["account"]
    assert account["email"] == author.email and account["id"] == author.pk
    assert account["roles"] == ["contributor"]
    assert account["trust"]["level"] == 3
    assert [s["device"] for s in account["sessions"]] == ["phone"]

    articles = {a["id"]: a for a in data["submissions"]["articles"]}
    assert set(articles) == {draft.pk, submitted.pk}  # someone else's article is not in it
    assert someone_elses.pk not in articles
    assert articles[draft.pk]["status"] == "draft" and articles[draft.pk]["title"] == "Черновик о парке"
    assert articles[draft.pk]["revisions"] == []
    assert articles[submitted.pk]["status"] == "submitted"
    assert [r["title"] for r in articles[submitted.pk]["revisions"]] == ["Новость на проверке"]
    assert articles[submitted.pk]["revisions"][0]["body"] == submitted.body
    events = data["submissions"]["events"]
    assert {"article": submitted.pk, "action": "submit", "by_me": True}.items() <= events[0].items()

    applications = data["editor_track"]["applications"]
    assert [(a["state"], a["motivation"]) for a in applications] == [("open", "Хочу помогать редакции.")]


def test_export_requires_sign_in(api):
    response = api().get("/api/v1/me/export/")
    assert response.status_code == 401 and error_code(response) == "not_authenticated"


# --- deleting the account --------------------------------------------------------------------------------------


def test_delete_with_a_wrong_password_changes_nothing(api, author, article_in):
    draft = article_in(author, Status.DRAFT)
    client = api(author)
    response = client.delete("/api/v1/me/", {"password": "not-my-password"}, format="json")
    assert response.status_code == 400 and error_code(response) == "invalid_credentials"
    missing = client.delete("/api/v1/me/", {}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()["error"]["fields"]

    fresh = User.objects.get(pk=author.pk)
    assert (fresh.email, fresh.display_name, fresh.is_active, fresh.deleted_at) == (
        author.email,
        author.display_name,
        True,
        None,
    )
    assert fresh.check_password(PASSWORD)
    assert Article.objects.filter(pk=draft.pk).exists()
    assert client.get("/api/v1/me/").status_code == 200  # still signed in


def test_delete_account_erases_private_work_and_keeps_the_published_record(api, author, article_in):
    old_email = author.email
    published = article_in(author, Status.PUBLISHED, title="Мост откроют в декабре")
    private = [
        article_in(author, status)
        for status in (
            Status.DRAFT,
            Status.SUBMITTED,
            Status.IN_REVIEW,
            Status.CHANGES_REQUESTED,
            Status.REJECTED,
        )
    ]
    EditorApplication.objects.create(user=author, motivation="Хочу в редакцию.")
    my_events = set(ArticleEvent.objects.filter(actor=author).values_list("pk", flat=True))
    assert ArticleEvent.objects.filter(article=published, actor=author).exists()  # the author's own submit
    client = api(author)
    assert put_avatar(client, encode(two_colour_image(), "JPEG")).status_code == 200
    author.refresh_from_db()
    avatar_name = author.avatar.name

    response = client.delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204

    # private work is gone (emptied rows stay for the append-only audit trail), the public record stays
    assert list(Article.objects.filter(author_id=author.pk, erased_at=None)) == [published]
    for article in Article.objects.filter(pk__in=[a.pk for a in private]):
        assert (article.title, article.lead, article.body, article.body_html) == ("", "", "", "")
        assert article.status == Status.WITHDRAWN and article.queue_key is None
        assert not article.revisions.exists() and not article.sources.exists()
    assert ArticleEvent.objects.filter(article__in=private, data__erased=True).count() == len(private)
    assert not EditorApplication.objects.filter(user_id=author.pk).exists()
    # the audit trail still points at the same (now anonymous) row
    assert set(ArticleEvent.objects.filter(actor_id=author.pk).values_list("pk", flat=True)) == my_events
    gone = User.objects.get(pk=author.pk)
    assert gone.email.endswith("@deleted.invalid") and old_email.split("@")[0] not in gone.email
    assert gone.display_name == "" and gone.bio == ""
    assert not gone.is_active and gone.deleted_at is not None
    assert not gone.groups.exists()
    assert not gone.has_usable_password()
    assert not gone.avatar and not default_storage.exists(avatar_name)

    # the feed names a former contributor, in the reader's language
    item = api().get("/api/v1/feed/").json()["results"][0]
    assert (item["slug"], item["author"], item["author_id"]) == (published.slug, "бывший автор", author.pk)
    assert api(lang="en").get("/api/v1/feed/").json()["results"][0]["author"] == "former contributor"
    detail = api().get(f"/api/v1/feed/{published.slug}/")
    assert detail.status_code == 200 and detail.json()["author"] == "бывший автор"
    assert api(lang="en").get(f"/api/v1/feed/{published.slug}/").json()["author"] == "former contributor"
    page = api().get(f"/api/v1/authors/{author.pk}/")
    assert page.status_code == 200 and page.json()["byline"] == "бывший автор"
    assert old_email not in page.content.decode() and old_email not in detail.content.decode()

    # no way back in
    login = api().post("/api/v1/auth/login/", {"email": old_email, "password": PASSWORD}, format="json")
    assert login.status_code == 400 and error_code(login) == "invalid_credentials"
    assert not AuthToken.objects.filter(user_id=author.pk).exists()  # every session is revoked
    stale = client.get("/api/v1/me/")
    assert stale.status_code == 401

    # the address is free for a new account
    again = api().post(
        "/api/v1/auth/register/",
        {"email": old_email, "password": PASSWORD, "display_name": "Снова Я"},
        format="json",
    )
    assert again.status_code == 201
    newcomer = User.objects.get(email=old_email)
    assert newcomer.pk != author.pk and newcomer.display_name == "Снова Я"


def test_delete_account_leaves_no_sign_in_records_under_the_old_address(api, author):
    """django-axes logs every sign-in (AccessLog) and failed attempt (AccessAttempt) by e-mail and IP; after the
    account is deleted, nothing should still tie that address to the site."""
    old_email = author.email
    login = api().post("/api/v1/auth/login/", {"email": old_email, "password": PASSWORD}, format="json")
    assert login.status_code == 200
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['token']}")
    wrong = api().post("/api/v1/auth/login/", {"email": old_email, "password": "nope-nope-1"}, format="json")
    assert wrong.status_code == 400
    # what the deletion has to clear
    assert AccessLog.objects.filter(username=old_email).exists()
    assert AccessAttempt.objects.filter(username=old_email).exists()

    assert client.delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 204
    assert not AccessLog.objects.filter(username=old_email).exists()
    assert not AccessAttempt.objects.filter(username=old_email).exists()


def test_delete_account_keeps_the_pen_name_on_published_work(api, author, article_in):
    author.pen_name = "Ночной Дозор"
    author.save(update_fields=["pen_name"])
    published = article_in(author, Status.PUBLISHED)
    assert api(author).delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 204
    for lang in ("ru", "en"):
        assert api(lang=lang).get(f"/api/v1/feed/{published.slug}/").json()["author"] == "Ночной Дозор"
    page = api().get(f"/api/v1/authors/{author.pk}/").json()
    assert page["byline"] == "Ночной Дозор" and page["published_count"] == 1


def test_an_editor_leaving_keeps_their_decisions_pseudonymous(api, author, editor, article_in):
    editor_email = editor.email
    published = article_in(author, Status.PUBLISHED)
    decisions = set(
        ArticleEvent.objects.filter(article=published, actor=editor).values_list("action", flat=True)
    )
    assert {Action.APPROVE, Action.PUBLISH} <= decisions
    assert api(editor).delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 204

    assert (
        set(
            ArticleEvent.objects.filter(article=published, actor_id=editor.pk).values_list(
                "action", flat=True
            )
        )
        == decisions
    )
    gone = User.objects.get(pk=editor.pk)
    assert gone.email != editor_email and gone.email.endswith("@deleted.invalid")
    assert not gone.is_active and not gone.groups.exists() and not gone.is_staff
    assert not gone.has_perm("submissions.moderate_article")
    # the author's article is untouched
    assert api().get(f"/api/v1/feed/{published.slug}/").json()["author"] == author.display_name

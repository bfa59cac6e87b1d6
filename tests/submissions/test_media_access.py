"""Unpublished images stay private: /media/ serves an article's image and its responsive sizes to anyone once the
article is public, before that to its author and the editors who may see the article only (session, or a signed
and expiring URL for token clients); avatars stay public; nothing else, and no path out of MEDIA_ROOT."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from PIL import Image

from newsroom.accounts.models import User
from submissions import media as media_services
from submissions.models import Article, Media
from submissions.states import Status
from tests.factories import ArticleFactory, UserFactory
from tests.robustness.conftest import count

pytestmark = pytest.mark.django_db

SIZES = (480, 960, 1600)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NEWSROOM = {**settings.NEWSROOM, "MEDIA_SIZES": SIZES}


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def image_of(article: Article, stem: str = "0a1b2c3d4e5f60718293a4b5") -> Media:
    """An image of the article with its three responsive sizes, every file really stored."""
    name = default_storage.save(f"media/{article.pk}/{stem}.jpg", ContentFile(jpeg()))
    sizes = {}
    for width in SIZES:
        size = default_storage.save(name.replace(".jpg", f"-{width}w.jpg"), ContentFile(jpeg()))
        sizes[str(width)] = {"name": size, "width": width, "height": width * 3 // 4, "bytes": 1}
    return Media.objects.create(
        article=article,
        file=name,
        format="jpeg",
        width=2000,
        height=1500,
        sizes=sizes,
        uploaded_by=article.author,
    )


def names_of(media: Media) -> list[str]:
    return [media.file.name] + [entry["name"] for entry in media.sizes.values()]


def path_of(name: str) -> str:
    return f"/media/{name}"


# every status; a withdrawn article both ways: withdrawn after a submission (editors saw it) or as a draft (never)
CASES = [(status, status != Status.DRAFT) for status in Status if status != Status.WITHDRAWN] + [
    (Status.WITHDRAWN, True),
    (Status.WITHDRAWN, False),
]
PUBLIC = {Status.PUBLISHED, Status.RETRACTED}


def article_in(status: str, *, submitted: bool, author: User) -> Article:
    now = timezone.now()
    return ArticleFactory(
        author=author,
        status=status,
        submitted_at=now if submitted else None,
        published_at=now if status in PUBLIC else None,
    )


def expected(status: str, submitted: bool, who: str) -> int:
    """The rule, stated on its own: public once published (or retracted: its page stays); else the author, and
    editors (junior editors too) once it was submitted."""
    if status in PUBLIC or who == "author":
        return 200
    if who in ("editor", "junior") and submitted:
        return 200
    return 404


@pytest.fixture
def people(contributor, editor, junior) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "other": UserFactory(),
        "author": contributor,
        "editor": editor,
        "junior": junior,
    }


def test_every_file_of_every_status_for_everyone_through_the_session(people):
    author = people["author"]
    assert author is not None
    checked = 0
    for status, submitted in CASES:
        media = image_of(article_in(status, submitted=submitted, author=author))
        for who, user in people.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            for name in names_of(media):
                response = client.get(path_of(name))
                count("media access: file x status x viewer tried")
                assert response.status_code == expected(status, submitted, who), (
                    status,
                    submitted,
                    who,
                    name,
                )
                if response.status_code == 200:
                    assert b"".join(response.streaming_content) == default_storage.open(name).read()
                    cache = response["Cache-Control"]
                    if status in PUBLIC:
                        assert "public" in cache and "max-age=2592000" in cache, cache
                    else:
                        assert "private" in cache and "no-store" in cache, cache
                checked += 1
    assert checked == len(CASES) * len(people) * (1 + len(SIZES))


def test_every_file_of_every_status_through_signed_urls_without_a_session(people):
    """What token clients get: URLs signed for one user, opened by a plain <img> (no cookie, no header)."""
    author = people["author"]
    assert author is not None
    for status, submitted in CASES:
        media = image_of(article_in(status, submitted=submitted, author=author))
        for who, user in people.items():
            for name in names_of(media):
                url = media_services.media_url(media, name, actor=user)
                signed = "access" in parse_qs(urlsplit(url).query)
                assert signed == (user is not None and status not in PUBLIC), (status, who, url)
                response = Client().get(url)
                assert response.status_code == expected(status, submitted, who), (
                    status,
                    submitted,
                    who,
                    name,
                )


def test_published_images_are_public_and_cacheable_and_their_urls_plain(api, contributor, editor):
    article = article_in(Status.PUBLISHED, submitted=True, author=contributor)
    media = image_of(article)
    body = api(contributor).get(f"/api/v1/articles/{article.pk}/media/").json()
    urls = [body[0]["url"]] + [size["url"] for size in body[0]["sizes"].values()]
    assert [urlsplit(url).path for url in urls] == [path_of(name) for name in names_of(media)]
    for url in urls:
        assert urlsplit(url).query == ""  # the same URL for every reader: cacheable by anyone
        response = Client().get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=2592000"
        assert "Cookie" not in response.get("Vary", "")


def test_the_authors_api_urls_of_a_draft_work_with_a_token_and_nowhere_else(api, contributor):
    article = article_in(Status.DRAFT, submitted=False, author=contributor)
    media = image_of(article)
    body = api(contributor).get(f"/api/v1/articles/{article.pk}/media/").json()
    urls = [body[0]["url"]] + [size["url"] for size in body[0]["sizes"].values()]
    assert len(urls) == 1 + len(SIZES)
    for url, name in zip(urls, names_of(media), strict=True):
        assert Client().get(url).status_code == 200  # no session, no header: the signature alone
        assert Client().get(path_of(name)).status_code == 404  # without it: nothing
    # a signature opens its own file only
    other_name = names_of(media)[1]
    token = parse_qs(urlsplit(urls[0]).query)["access"][0]
    assert Client().get(path_of(other_name), {"access": token}).status_code == 404
    assert Client().get(path_of(names_of(media)[0]), {"access": token[:-2] + "xx"}).status_code == 404


def test_a_signed_url_expires(contributor, settings):
    settings.MEDIA_PRIVATE_URL_MAX_AGE = 600
    media = image_of(article_in(Status.IN_REVIEW, submitted=True, author=contributor))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        url = media_services.media_url(media, media.file.name, actor=contributor)
        assert Client().get(url).status_code == 200
        traveller.shift(timedelta(seconds=590))
        assert Client().get(url).status_code == 200
        traveller.shift(timedelta(seconds=20))
        response = Client().get(url)
    assert response.status_code == 404


def test_a_signed_url_stops_working_when_its_holder_may_no_longer_see_the_article(editor, contributor):
    media = image_of(article_in(Status.IN_REVIEW, submitted=True, author=contributor))
    url = media_services.media_url(media, media.file.name, actor=editor)
    assert Client().get(url).status_code == 200
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    assert Client().get(url).status_code == 404


def test_avatars_stay_public(contributor):
    name = default_storage.save(
        f"avatars/{contributor.pk}/0a1b2c3d4e5f60718293a4b5.webp", ContentFile(b"RIFF")
    )
    User.objects.filter(pk=contributor.pk).update(avatar=name)
    response = Client().get(path_of(name))
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    # a replaced avatar's file left behind is nobody's: not served
    stale = default_storage.save(
        f"avatars/{contributor.pk}/ffffffffffffffffffffffff.webp", ContentFile(b"RIFF")
    )
    assert Client().get(path_of(stale)).status_code == 404


def test_files_of_no_image_are_never_served(contributor, settings):
    """A deleted image's leftover, another kind of file under MEDIA_ROOT: 404 even for the author."""
    article = article_in(Status.PUBLISHED, submitted=True, author=contributor)
    image_of(article)
    leftover = default_storage.save(f"media/{article.pk}/ffffffffffffffffffffffff.jpg", ContentFile(jpeg()))
    other = default_storage.save("exports/1/data.json", ContentFile(b"{}"))
    client = Client()
    client.force_login(contributor)
    for name in (leftover, other):
        assert (settings.MEDIA_ROOT / name).exists()
        assert client.get(path_of(name)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret_key",
        "/media/media/{pk}/../../../secret_key",
        "/media/media/{pk}/..%2F..%2F..%2Fsecret_key",
        "/media/media/{pk}/%2e%2e/%2e%2e/%2e%2e/secret_key",
        "/media/media/{pk}/..\\..\\..\\secret_key",
        "/media//etc/passwd",
        "/media/media/{pk}/0a1b2c3d4e5f60718293a4b5.jpg%00.png",
        "/media/avatars/{pk}/../../../secret_key",
    ],
)
def test_paths_out_of_the_media_folder_are_refused(path, contributor, settings):
    article = article_in(Status.PUBLISHED, submitted=True, author=contributor)
    image_of(article)
    (settings.MEDIA_ROOT.parent / "secret_key").write_text("do-not-serve")
    client = Client()
    client.force_login(contributor)
    response = client.get(path.format(pk=article.pk))
    assert response.status_code in (400, 404)
    assert b"do-not-serve" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_only_reads(contributor):
    media = image_of(article_in(Status.PUBLISHED, submitted=True, author=contributor))
    client = Client(enforce_csrf_checks=False)
    assert client.post(path_of(media.file.name)).status_code == 405
    assert client.head(path_of(media.file.name)).status_code == 200


def test_a_front_server_sends_the_file_when_configured(contributor, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    media = image_of(article_in(Status.DRAFT, submitted=False, author=contributor))
    client = Client()
    assert client.get(path_of(media.file.name)).status_code == 404
    client.force_login(contributor)
    response = client.get(path_of(media.file.name))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{media.file.name}"
    assert "no-store" in response["Cache-Control"]


def test_on_s3_unpublished_images_get_presigned_expiring_urls(contributor, editor, settings):
    pytest.importorskip("storages.backends.s3")
    settings.MEDIA_PRIVATE_URL_MAX_AGE = 900
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "newsroom-media",
                "endpoint_url": "https://s3.example.org",
                "access_key": "AKIAEXAMPLE",
                "secret_key": "example-secret",
                "custom_domain": "media.example.org",
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    draft = ArticleFactory(author=contributor)
    media = Media.objects.create(
        article=draft, file=f"media/{draft.pk}/a.jpg", format="jpeg", width=1, height=1
    )
    private = urlsplit(media_services.media_url(media, media.file.name, actor=contributor))
    query = parse_qs(private.query)
    assert private.netloc == "s3.example.org" and private.path.endswith(f"/media/{draft.pk}/a.jpg")
    assert query["X-Amz-Expires"] == ["900"] and query["X-Amz-Signature"]
    # the view redirects whoever may see it to such a URL, and nobody else
    client = Client()
    assert client.get(path_of(media.file.name)).status_code == 404
    client.force_login(contributor)
    response = client.get(path_of(media.file.name))
    assert response.status_code == 302 and "X-Amz-Signature=" in response["Location"]

    Article.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)
    media.refresh_from_db()
    public = media_services.media_url(media, media.file.name, actor=contributor)
    assert public == f"https://media.example.org/media/{draft.pk}/a.jpg"  # plain, cacheable, on the CDN

"""Images of an article: identified by content, refused precisely, stored re-encoded without metadata, resized by
a task, and gone from storage with their row."""

import io
import random
import struct
import time
import zlib
from pathlib import Path

import piexif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageCms, ImageFile
from PIL.PngImagePlugin import PngInfo

from submissions import media as media_services
from submissions.models import Article, Media
from submissions.tasks import make_media_sizes
from tests.conftest import error_code
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

RED, BLUE = (255, 0, 0), (0, 0, 255)
SECRET_MAKE = "SpyCam Industries"
SECRET_XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-hideout-location</x:xmpmeta>'
UPLOADED_NAME = "my-secret-holiday-in-sochi.jpg"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def article(contributor):
    return ArticleFactory(author=contributor)


@pytest.fixture
def client(api, contributor):
    return api(contributor)


# --- helpers ---------------------------------------------------------------------------------------------------


def two_colour_image(size=(40, 20), mode="RGB") -> Image.Image:
    """Left half red, right half blue: shows which way the image was turned."""
    image = Image.new(mode, size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def small_jpeg() -> bytes:
    return encode(two_colour_image((64, 48)), "JPEG", quality=90)


def camera_jpeg(size=(2000, 1000), orientation=6) -> bytes:
    """A phone photo: Make/Model, orientation, GPS position, XMP and a comment."""
    exif = piexif.dump(
        {
            "0th": {
                piexif.ImageIFD.Make: SECRET_MAKE.encode(),
                piexif.ImageIFD.Model: b"Model 7",
                piexif.ImageIFD.Orientation: orientation,
            },
            "GPS": {
                piexif.GPSIFD.GPSLatitudeRef: b"N",
                piexif.GPSIFD.GPSLatitude: ((55, 1), (45, 1), (21, 1)),
                piexif.GPSIFD.GPSLongitudeRef: b"E",
                piexif.GPSIFD.GPSLongitude: ((37, 1), (37, 1), (4, 1)),
            },
        }
    )
    data = encode(
        two_colour_image(size), "JPEG", exif=exif, xmp=SECRET_XMP, comment=b"taken at home", quality=90
    )
    sent = piexif.load(data)  # the upload really carries what the server must strip
    assert (
        sent["GPS"][piexif.GPSIFD.GPSLatitudeRef] == b"N"
        and sent["0th"][piexif.ImageIFD.Orientation] == orientation
    )
    return data


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def handmade_png(width: int, height: int, rows, *, bit_depth=8, colour_type=0, level=9, extra=b"") -> bytes:
    """A PNG written chunk by chunk: for shapes Pillow would need gigabytes of memory to create."""
    compressor = zlib.compressobj(level)
    idat = b"".join(compressor.compress(b"\x00" + row) for row in rows) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + extra
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def post_image(client, article, data: bytes, name=UPLOADED_NAME, content_type="image/jpeg", **fields):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(
        f"/api/v1/articles/{article.pk}/media/", {"file": upload, **fields}, format="multipart"
    )


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def read_stored(settings, name: str) -> bytes:
    return (Path(settings.MEDIA_ROOT) / name).read_bytes()


def close_to(pixel, colour, tolerance=60) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def assert_no_metadata(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        assert dict(image.getexif()) == {}
        assert not {"exif", "xmp", "comment", "icc_profile", "photoshop"} & set(image.info)
    assert SECRET_MAKE.encode() not in data and b"secret-hideout" not in data and b"taken at home" not in data
    if data.startswith(b"\xff\xd8"):
        exif = piexif.load(data)
        assert exif["GPS"] == {} and exif["0th"] == {} and exif["Exif"] == {}


# --- accepted images -------------------------------------------------------------------------------------------


def test_camera_jpeg_loses_every_metadata_is_turned_upright_and_gets_sizes(client, article, settings):
    response = post_image(client, article, camera_jpeg(), caption="Сквер", credit="Анна")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["format"], body["width"], body["height"]) == ("jpeg", 1000, 2000)  # orientation 6 applied
    assert {"exif", "gps", "xmp", "comment"} <= set(body["metadata_removed"])
    assert (body["caption"], body["credit"]) == ("Сквер", "Анна")
    assert body["url"].startswith(f"{settings.SITE_URL}/")  # on SITE_URL, never on the request's Host

    media = Media.objects.get(pk=body["id"])
    assert media.uploaded_by == article.author and media.file.name.endswith(".jpg")
    stored = read_stored(settings, media.file.name)
    assert stored.startswith(b"\xff\xd8")
    assert_no_metadata(stored)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (1000, 2000)
        # turned clockwise: the left (red) half of the sensor image is now on top
        assert close_to(image.getpixel((500, 100)), RED) and close_to(image.getpixel((500, 1900)), BLUE)

    # the sizes task ran after commit: 480 and 960 (1600 is wider than the image), no metadata either
    listed = client.get(f"/api/v1/articles/{article.pk}/media/")
    assert listed.status_code == 200
    [item] = listed.json()
    assert sorted(item["sizes"], key=int) == ["480", "960"]
    media.refresh_from_db()
    total = len(stored)
    for width, entry in media.sizes.items():
        data = read_stored(settings, entry["name"])
        assert entry["name"] == media.file.name.replace(".jpg", f"-{width}w.jpg")
        assert_no_metadata(data)
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and image.size == (int(width), int(width) * 2)
            assert image.size == (entry["width"], entry["height"]) and image.width <= media.width
        assert entry["bytes"] == len(data)
        # a draft's image: a signed URL of the media view (tests/submissions/test_media_access.py)
        assert item["sizes"][width]["url"].split("?")[0].endswith(entry["name"]) and item["sizes"][width][
            "width"
        ] == int(width)
        total += len(data)
    assert media.bytes == total == item["bytes"]
    assert len(stored_files(settings)) == 3


def test_the_stored_name_is_the_servers_own(client, article, settings):
    response = post_image(client, article, small_jpeg(), name="../../etc/my-secret-holiday-in-sochi.jpg")
    assert response.status_code == 201
    name = Media.objects.get().file.name
    assert name.startswith(f"media/{article.pk}/") and name.endswith(".jpg")
    assert "secret" not in name and "sochi" not in name and "holiday" not in name and ".." not in name
    assert "sochi" not in response.json()["url"]
    assert [p.name for p in stored_files(settings)] == [Path(name).name]


def test_a_png_named_jpg_is_stored_as_png_with_its_transparency(client, article, settings):
    image = two_colour_image((64, 48), mode="RGBA")
    image.putpixel((0, 0), (0, 0, 0, 0))
    info = PngInfo()
    info.add_text("Comment", "taken at home")
    data = encode(image, "PNG", pnginfo=info)
    response = post_image(client, article, data, name="photo.jpg", content_type="image/jpeg")
    assert response.status_code == 201
    body = response.json()
    assert body["format"] == "png" and body["metadata_removed"] == ["comment"]
    media = Media.objects.get()
    assert media.file.name.endswith(".png") and body["url"].split("?")[0].endswith(".png")
    stored = read_stored(settings, media.file.name)
    assert stored.startswith(b"\x89PNG") and b"taken at home" not in stored
    with Image.open(io.BytesIO(stored)) as back:
        assert back.mode == "RGBA" and back.getpixel((0, 0))[3] == 0 and back.getpixel((1, 1))[3] == 255
        assert not getattr(back, "text", {})


def test_webp_is_accepted_and_stays_webp(client, article, settings):
    response = post_image(
        client, article, encode(two_colour_image((600, 300)), "WEBP", quality=90), name="a.png"
    )
    assert response.status_code == 201
    media = Media.objects.get()
    assert (media.format, media.width) == ("webp", 600) and media.file.name.endswith(".webp")
    assert read_stored(settings, media.file.name)[8:12] == b"WEBP"
    assert list(media.sizes) == ["480"] and media.sizes["480"]["name"].endswith("-480w.webp")
    with Image.open(Path(settings.MEDIA_ROOT) / media.sizes["480"]["name"]) as size:
        assert size.format == "WEBP" and size.size == (480, 240)


def test_an_embedded_colour_profile_is_applied_and_dropped(client, article, settings):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    response = post_image(client, article, encode(two_colour_image((64, 48)), "JPEG", icc_profile=srgb))
    assert response.status_code == 201 and "icc" in response.json()["metadata_removed"]
    stored = read_stored(settings, Media.objects.get().file.name)
    with Image.open(io.BytesIO(stored)) as back:
        assert "icc_profile" not in back.info and close_to(back.getpixel((2, 2)), RED)


def test_short_html_markers_inside_compressed_pixels_are_chance_not_a_polyglot(client, article):
    # stored (level 0) deflate: the pixel bytes "<svg" and "<html" appear verbatim in IDAT, as they may by chance
    data = handmade_png(16, 2, [b"<svg xx <html yy", b"<body zz <?php w"], level=0)
    assert b"<svg" in data and b"<html" in data
    assert post_image(client, article, data).status_code == 201


# --- refusals --------------------------------------------------------------------------------------------------


def bomb_png() -> bytes:
    """30000×30000 pixels in ~110 kB: decoding it would take 900 MB."""
    return handmade_png(30000, 30000, [b"\x00" * (30000 // 8)] * 30000, bit_depth=1)


def over_our_limit_png() -> bytes:
    """60 M pixels: under Pillow's own bomb limit, over MEDIA_MAX_PIXELS (50 M)."""
    return handmade_png(10000, 6000, [b"\x00" * 1250] * 6000, bit_depth=1)


def polyglot_jpeg() -> bytes:
    return small_jpeg() + b"<html><script>alert(1)</script></html>"


def html_in_jpeg_comment() -> bytes:
    return encode(two_colour_image((64, 48)), "JPEG", comment=b"<body onload=alert(1)>")


def html_in_png_text() -> bytes:
    info = PngInfo()
    info.add_text("Description", "<html><body>hi</body></html>")
    return encode(two_colour_image((64, 48)), "PNG", pnginfo=info)


def truncated_jpeg() -> bytes:
    data = encode(Image.effect_noise((200, 200), 60).convert("RGB"), "JPEG", quality=90)
    return data[: len(data) // 2]


SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
)


@pytest.mark.parametrize(
    ("make", "name", "content_type", "status", "code"),
    [
        (lambda: SVG, "logo.jpg", "image/jpeg", 400, "svg_not_allowed"),
        (lambda: SVG.split(b"\n", 1)[1], "logo.svg", "image/svg+xml", 400, "svg_not_allowed"),
        (polyglot_jpeg, "photo.jpg", "image/jpeg", 400, "polyglot_file"),
        (html_in_jpeg_comment, "photo.jpg", "image/jpeg", 400, "polyglot_file"),
        (html_in_png_text, "photo.png", "image/png", 400, "polyglot_file"),
        (bomb_png, "bomb.png", "image/png", 413, "image_too_large"),
        (over_our_limit_png, "huge.png", "image/png", 413, "image_too_large"),
        (
            lambda: encode(two_colour_image(), "WEBP") + b"<?php system($_GET['c']); ?>",
            "a.webp",
            "image/webp",
            400,
            "polyglot_file",
        ),
        (truncated_jpeg, "half.jpg", "image/jpeg", 400, "image_truncated"),
        (lambda: encode(two_colour_image(), "GIF"), "cat.jpg", "image/jpeg", 400, "unsupported_image_format"),
        (lambda: encode(two_colour_image(), "BMP"), "cat.bmp", "image/bmp", 400, "unsupported_image_format"),
        (
            lambda: encode(two_colour_image(), "TIFF"),
            "cat.tif",
            "image/tiff",
            400,
            "unsupported_image_format",
        ),
        (lambda: random.Random(7).randbytes(5000), "noise.jpg", "image/jpeg", 400, "unsupported_file"),
        (
            lambda: b"Just some notes, definitely not a picture.\n" * 20,
            "a.png",
            "image/png",
            400,
            "unsupported_file",
        ),
        (lambda: b"", "empty.jpg", "image/jpeg", 400, "unsupported_file"),
    ],
    ids=[
        "svg",
        "svg-no-prolog",
        "polyglot",
        "html-in-jpeg-comment",
        "html-in-png-text",
        "decompression-bomb",
        "over-max-pixels",
        "php-after-webp",
        "truncated",
        "gif",
        "bmp",
        "tiff",
        "random-bytes",
        "text",
        "empty",
    ],
)
def test_refused_uploads_leave_nothing_behind(
    client, article, settings, make, name, content_type, status, code
):
    data = make()
    started = time.monotonic()
    response = post_image(client, article, data, name=name, content_type=content_type)
    assert time.monotonic() - started < 5  # the bomb is refused from its header, never decoded
    assert response.status_code == status and error_code(response) == code, response.json()
    assert not Media.objects.exists() and stored_files(settings) == []
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_over_the_byte_limit_is_413(client, article, settings):
    data = encode(Image.effect_noise((120, 120), 80).convert("RGB"), "PNG")
    settings.NEWSROOM = {**settings.NEWSROOM, "MEDIA_MAX_BYTES": len(data) - 1}
    response = post_image(client, article, data, name="big.png", content_type="image/png")
    assert response.status_code == 413 and error_code(response) == "file_too_large"
    assert response.json()["error"]["limit"] == len(data) - 1
    settings.NEWSROOM = {**settings.NEWSROOM, "MEDIA_MAX_BYTES": len(data)}
    assert post_image(client, article, data).status_code == 201  # exactly at the limit


def test_too_many_pixels_is_refused_before_decoding(client, article, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "MEDIA_MAX_PIXELS": 64 * 48 - 1}
    response = post_image(client, article, small_jpeg())
    assert response.status_code == 413 and error_code(response) == "image_too_large"
    assert stored_files(settings) == []


def test_the_quota_counts_stored_bytes_and_leaves_nothing_behind(client, article, settings):
    first = post_image(client, article, small_jpeg())
    assert first.status_code == 201
    used = first.json()["bytes"]
    files = stored_files(settings)
    settings.NEWSROOM = {**settings.NEWSROOM, "MEDIA_QUOTA_BYTES": used + 100}
    other_article = ArticleFactory(author=article.author)  # the quota is the author's, over all articles
    response = post_image(
        client, other_article, encode(Image.effect_noise((64, 48), 80).convert("RGB"), "JPEG")
    )
    assert response.status_code == 413 and error_code(response) == "quota_exceeded"
    assert (response.json()["error"]["used"], response.json()["error"]["quota"]) == (used, used + 100)
    assert Media.objects.count() == 1 and stored_files(settings) == files


def test_an_article_takes_a_limited_number_of_images(client, article, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "MEDIA_PER_ARTICLE": 2}
    for _ in range(2):
        assert post_image(client, article, small_jpeg()).status_code == 201
    response = post_image(client, article, small_jpeg())
    assert response.status_code == 409 and error_code(response) == "too_many_media"
    assert Media.objects.count() == 2 and len(stored_files(settings)) == 2


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    source=st.sampled_from(["JPEG", "PNG", "WEBP"]),
    cut=st.integers(min_value=0, max_value=10_000),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
)
def test_damaged_images_are_refused_never_a_server_error(source, cut, flips):
    data = bytearray(encode(Image.effect_noise((48, 32), 60).convert("RGB"), source))
    for position, value in flips:
        data[position % len(data)] = value
    data = bytes(data[: max(1, len(data) - cut % len(data))])
    try:
        result = media_services.clean_image(data)
    except media_services.ApplicationError as refusal:
        assert 400 <= refusal.status < 500
    else:
        assert result.format in {"jpeg", "png", "webp"}
        assert_no_metadata(result.data)


# --- who may do what -------------------------------------------------------------------------------------------


def test_another_contributors_article_is_not_found(api, article, settings):
    stranger = api(UserFactory())
    media = Media.objects.get(pk=post_image(api(article.author), article, small_jpeg()).json()["id"])
    base = f"/api/v1/articles/{article.pk}/media/"
    for response in (
        stranger.get(base),
        post_image(stranger, article, small_jpeg()),
        stranger.patch(f"{base}{media.pk}/", {"caption": "взлом"}, format="json"),
        stranger.delete(f"{base}{media.pk}/"),
    ):
        assert response.status_code == 404 and error_code(response) == "not_found"
    assert Media.objects.get().caption == "" and len(stored_files(settings)) == 1


def test_a_submitted_article_takes_no_new_images_or_changes(client, article, settings):
    media_id = post_image(client, article, small_jpeg()).json()["id"]
    Article.objects.filter(pk=article.pk).update(status="submitted")
    base = f"/api/v1/articles/{article.pk}/media/"
    for response in (
        post_image(client, article, small_jpeg()),
        client.patch(f"{base}{media_id}/", {"caption": "поздно"}, format="json"),
        client.delete(f"{base}{media_id}/"),
    ):
        assert response.status_code == 409 and error_code(response) == "article_not_editable"
    assert Media.objects.count() == 1 and len(stored_files(settings)) == 1
    assert client.get(base).status_code == 200  # the author still sees them


def test_anonymous_requests_are_401(api, article):
    base = f"/api/v1/articles/{article.pk}/media/"
    for response in (api().get(base), post_image(api(), article, small_jpeg()), api().delete(f"{base}1/")):
        assert response.status_code == 401 and error_code(response) == "not_authenticated"


def test_uploads_are_throttled_reading_is_not(client, article, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"upload": "1/hour"}}
    assert post_image(client, article, small_jpeg()).status_code == 201
    response = post_image(client, article, small_jpeg())
    assert response.status_code == 429 and error_code(response) == "throttled"
    for _ in range(3):
        assert client.get(f"/api/v1/articles/{article.pk}/media/").status_code == 200


def test_a_missing_file_field_is_a_field_error(client, article):
    response = client.post(f"/api/v1/articles/{article.pk}/media/", {"caption": "x"}, format="multipart")
    assert response.status_code == 400 and error_code(response) == "invalid"
    assert set(response.json()["error"]["fields"]) == {"file"}


# --- edits and deletion ----------------------------------------------------------------------------------------


def test_patch_changes_caption_and_credit(client, article):
    media_id = post_image(client, article, small_jpeg()).json()["id"]
    url = f"/api/v1/articles/{article.pk}/media/{media_id}/"
    response = client.patch(url, {"caption": "Сквер на Садовой"}, format="json")
    assert response.status_code == 200
    assert (response.json()["caption"], response.json()["credit"]) == ("Сквер на Садовой", "")
    response = client.patch(url, {"credit": "Фото: Анна"}, format="json")
    assert (response.json()["caption"], response.json()["credit"]) == ("Сквер на Садовой", "Фото: Анна")
    too_long = client.patch(url, {"caption": "я" * 501}, format="json")
    assert too_long.status_code == 400 and set(too_long.json()["error"]["fields"]) == {"caption"}
    assert (
        client.patch(
            f"/api/v1/articles/{article.pk}/media/999999/", {"caption": "x"}, format="json"
        ).status_code
        == 404
    )


def test_delete_removes_the_row_and_every_file(client, article, settings):
    keep = post_image(client, article, small_jpeg()).json()["id"]
    gone = post_image(client, article, camera_jpeg()).json()["id"]
    assert len(Media.objects.get(pk=gone).sizes) == 2 and len(stored_files(settings)) == 4
    Article.objects.filter(pk=article.pk).update(cover_id=gone)

    response = client.delete(f"/api/v1/articles/{article.pk}/media/{gone}/")
    assert response.status_code == 204
    assert list(Media.objects.values_list("pk", flat=True)) == [keep]
    assert [p.name for p in stored_files(settings)] == [Path(Media.objects.get().file.name).name]
    article.refresh_from_db()
    assert article.cover_id is None
    assert client.delete(f"/api/v1/articles/{article.pk}/media/{gone}/").status_code == 404


def test_deleting_the_article_deletes_its_files(client, article, settings, commit):
    post_image(client, article, camera_jpeg())
    post_image(client, article, small_jpeg())
    other = post_image(client, ArticleFactory(author=article.author), small_jpeg()).json()["id"]
    assert len(stored_files(settings)) == 5
    with commit():
        Article.objects.filter(pk=article.pk).delete()
    assert list(Media.objects.values_list("pk", flat=True)) == [other]
    assert [p.name for p in stored_files(settings)] == [Path(Media.objects.get().file.name).name]


# --- the sizes task --------------------------------------------------------------------------------------------


def test_the_sizes_task_is_idempotent_and_quiet_about_deleted_images(client, article, settings):
    media_id = post_image(client, article, camera_jpeg(size=(1800, 900), orientation=1)).json()["id"]
    media = Media.objects.get(pk=media_id)
    assert sorted(media.sizes, key=int) == ["480", "960", "1600"]
    before = (media.sizes, media.bytes, stored_files(settings))

    make_media_sizes(media_id)  # a redelivery: nothing changes
    media.refresh_from_db()
    assert (media.sizes, media.bytes, stored_files(settings)) == before

    # a size lost from storage is made again, under the same name, without counting its bytes twice
    (Path(settings.MEDIA_ROOT) / media.sizes["960"]["name"]).unlink()
    make_media_sizes(media_id)
    media.refresh_from_db()
    assert (media.sizes, media.bytes, stored_files(settings)) == before

    Media.objects.filter(pk=media_id).delete()
    make_media_sizes(media_id)  # gone: returns quietly
    make_media_sizes(10**9)


def test_a_narrow_image_gets_no_sizes(client, article):
    media_id = post_image(client, article, small_jpeg()).json()["id"]
    media = Media.objects.get(pk=media_id)
    assert media.sizes == {} and media.width == 64

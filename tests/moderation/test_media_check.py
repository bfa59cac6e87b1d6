"""The media check: stored images decode, have sane sizes, really carry no metadata, and are fingerprinted and
compared with the photos of other authors' published articles."""

import io

import numpy as np
import piexif
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from moderation.checks.base import Snapshot
from moderation.checks.media import MediaCheck, hamming, phash64, to_signed64
from moderation.models import ImageFingerprint, Outcome
from submissions.media import media_add
from submissions.models import Article, Media
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- helpers ---------------------------------------------------------------------------------------------------


def photo(seed=1, size=(640, 480)) -> Image.Image:
    """A photo-like picture: smooth blobs of colour, different for every seed."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, size=(6, 8, 3), dtype=np.uint8)
    return Image.fromarray(coarse).resize(size, Image.Resampling.BICUBIC)


def jpeg(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, **options)
    return out.getvalue()


def upload(author, article, data: bytes, name="photo.jpg") -> Media:
    return media_add(
        actor=author,
        article_id=article.pk,
        upload=SimpleUploadedFile(name, data, content_type="image/jpeg"),
    )


def stored_directly(article, data: bytes, *, width=640, height=480, ext="jpg") -> Media:
    """A Media row whose file was written to storage as it is, bypassing the upload pipeline."""
    name = default_storage.save(f"media/{article.pk}/direct.{ext}", ContentFile(data))
    return Media.objects.create(
        article=article, uploaded_by=article.author, file=name, format="jpeg", width=width, height=height
    )


def snap(article) -> Snapshot:
    return Snapshot(
        revision_id=1,
        article_id=article.pk,
        author_id=article.author_id,
        title=article.title,
        lead=article.lead,
        body=article.body,
        language="ru",
        category="city",
        media_ids=tuple(article.media.order_by("position", "id").values_list("pk", flat=True)),
    )


def codes(result):
    return [f.code for f in result.findings]


def published_with(data: bytes, author=None) -> Article:
    """An article of `author` (another one by default) that was checked and published with this photo."""
    author = author or UserFactory()
    article = ArticleFactory(author=author)
    upload(author, article, data)
    MediaCheck().run(snap(article))  # its fingerprint is stored when it is checked
    Article.objects.filter(pk=article.pk).update(status="published")
    return article


# --- tests -----------------------------------------------------------------------------------------------------


def test_no_media_passes():
    result = MediaCheck().run(Snapshot(1, 1, 1, "Заголовок новости", "", "Текст", "ru", "city", media_ids=()))
    assert result.outcome == Outcome.PASS and result.evidence == {"images": 0}


def test_a_clean_image_passes_and_is_fingerprinted(contributor, draft):
    media = upload(contributor, draft, jpeg(photo(1)))
    result = MediaCheck().run(snap(draft))
    assert result.outcome == Outcome.PASS and result.findings == [] and result.score == 0
    [item] = result.evidence["items"]
    assert item["media_id"] == media.pk and item["flags"] == []
    assert (item["format"], item["width"], item["height"]) == ("jpeg", 640, 480)
    fingerprint = ImageFingerprint.objects.get(media=media)
    assert fingerprint.article_id == draft.pk and item["phash"] == f"{fingerprint.phash & (2**64 - 1):016x}"
    assert result.evidence["images"] == 1 and result.evidence["compared_with"] == 0

    MediaCheck().run(snap(draft))  # run again: the fingerprint is updated, not duplicated
    assert ImageFingerprint.objects.filter(media=media).count() == 1


def test_a_photo_already_published_by_another_author_warns(contributor, draft):
    data = jpeg(photo(7))
    earlier = published_with(data)
    upload(contributor, draft, jpeg(photo(1)))  # an unrelated photo first
    upload(contributor, draft, data)
    result = MediaCheck().run(snap(draft))
    assert result.outcome == Outcome.WARN and codes(result) == ["image_already_published"]
    assert 0 < result.score <= 0.5
    first, second = result.evidence["items"]
    assert first["flags"] == [] and "matches" not in first
    assert second["flags"] == ["already_published"]
    [match] = second["matches"]
    assert match["article_id"] == earlier.pk and match["distance"] <= 6
    finding = result.findings[0]
    assert f"статье №{earlier.pk}" in finding.ru and f"article {earlier.pk}" in finding.en
    assert "Изображение 2" in finding.ru


def test_a_resized_recompressed_copy_is_still_recognised(contributor, draft):
    original = photo(11, size=(1200, 900))
    earlier = published_with(jpeg(original))
    copy = original.resize((900, 675), Image.Resampling.LANCZOS)
    upload(contributor, draft, jpeg(copy, optimize=True))
    result = MediaCheck().run(snap(draft))
    assert result.outcome == Outcome.WARN
    assert result.evidence["items"][0]["matches"][0]["article_id"] == earlier.pk


def test_only_published_photos_of_other_authors_count(contributor, draft):
    data = jpeg(photo(3))
    published_with(data, author=contributor)  # the author's own published photo: reuse is theirs to make
    unpublished = ArticleFactory(author=UserFactory())
    upload(unpublished.author, unpublished, data)
    MediaCheck().run(snap(unpublished))  # fingerprinted, but not published
    upload(contributor, draft, data)
    result = MediaCheck().run(snap(draft))
    assert result.outcome == Outcome.PASS and result.evidence["compared_with"] == 0


def test_a_different_photo_is_not_a_match(contributor, draft):
    published_with(jpeg(photo(5)))
    upload(contributor, draft, jpeg(photo(6)))
    result = MediaCheck().run(snap(draft))
    assert result.outcome == Outcome.PASS and result.evidence["compared_with"] == 1


def test_a_tiny_image_warns(contributor, draft):
    upload(contributor, draft, jpeg(photo(2, size=(50, 50))))
    result = MediaCheck().run(snap(draft))
    assert result.outcome == Outcome.WARN and codes(result) == ["image_small"]
    assert result.evidence["items"][0]["flags"] == ["small"]
    assert "50×50" in result.findings[0].ru and "200×200" in result.findings[0].en


def test_a_strip_warns(contributor, draft):
    upload(contributor, draft, jpeg(photo(2, size=(2400, 220))))
    result = MediaCheck().run(snap(draft))
    assert result.outcome == Outcome.WARN and codes(result) == ["image_aspect"]


def test_a_stored_file_with_exif_fails(draft):
    exif = piexif.dump(
        {
            "0th": {piexif.ImageIFD.Make: b"SpyCam", piexif.ImageIFD.Model: b"Model 7"},
            "GPS": {
                piexif.GPSIFD.GPSLatitudeRef: b"N",
                piexif.GPSIFD.GPSLatitude: ((55, 1), (45, 1), (21, 1)),
                piexif.GPSIFD.GPSLongitudeRef: b"E",
                piexif.GPSIFD.GPSLongitude: ((37, 1), (37, 1), (4, 1)),
            },
        }
    )
    media = stored_directly(draft, jpeg(photo(4), exif=exif))
    result = MediaCheck().run(snap(draft))
    assert result.outcome == Outcome.FAIL and codes(result) == ["metadata_not_removed"]
    [item] = result.evidence["items"]
    assert item["media_id"] == media.pk and item["flags"] == ["metadata"]
    assert set(item["metadata"]) >= {"exif", "gps"}
    assert "метаданные" in result.findings[0].ru and "gps" in result.findings[0].en


def test_a_stored_png_with_a_text_chunk_fails(draft):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Иван Петров")
    out = io.BytesIO()
    photo(4).save(out, format="PNG", pnginfo=info)
    stored_directly(draft, out.getvalue(), ext="png")
    result = MediaCheck().run(snap(draft))
    assert result.outcome == Outcome.FAIL and result.evidence["items"][0]["metadata"] == ["comment"]


def test_a_corrupt_stored_file_fails(draft):
    stored_directly(draft, b"\xff\xd8\xff\xe0 this is not really a JPEG" * 10)
    truncated = jpeg(photo(8))
    stored_directly(draft, truncated[: len(truncated) // 2])
    result = MediaCheck().run(snap(draft))
    assert result.outcome == Outcome.FAIL and codes(result) == ["image_corrupt", "image_corrupt"]
    assert all(item["flags"] == ["corrupt"] for item in result.evidence["items"])
    assert not ImageFingerprint.objects.exists()


def test_a_missing_stored_file_fails(draft):
    media = stored_directly(draft, jpeg(photo(9)))
    default_storage.delete(media.file.name)
    result = MediaCheck().run(snap(draft))
    assert result.outcome == Outcome.FAIL and codes(result) == ["image_missing"]


def test_an_image_deleted_after_the_revision_is_skipped(contributor, draft):
    media = upload(contributor, draft, jpeg(photo(1)))
    snapshot = snap(draft)
    Media.objects.filter(pk=media.pk).delete()
    result = MediaCheck().run(snapshot)
    assert result.outcome == Outcome.PASS and result.evidence["missing"] == [media.pk]


def test_hash_helpers():
    assert to_signed64(2**64 - 1) == -1 and to_signed64(2**63) == -(2**63) and to_signed64(5) == 5
    assert hamming(-1, 0) == 64 and hamming(0b1011, 0b0001) == 2
    a, b = phash64(photo(1)), phash64(photo(1).convert("RGBA"))
    assert -(2**63) <= a < 2**63 and hamming(a, b) <= 2

"""Images of an article: the upload is identified by its content, refused with a precise code when it is not a
plain JPEG, PNG or WebP photo, decoded, turned upright and re-encoded without any metadata. The original bytes are
never stored; the responsive sizes are made after commit by `submissions.tasks.make_media_sizes`.

Importing this module connects the receiver that deletes a Media's files from storage with its row (whoever deletes
it: the author, an article's deletion, an account's deletion).
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from newsroom.api.errors import ApplicationError, NotFound
from submissions.errors import ArticleNotEditable
from submissions.models import Article, Media
from submissions.selectors import article_get_for_actor
from submissions.states import EDITABLE_STATES

__all__ = [
    "FileTooLarge",
    "ImageTooManyPixels",
    "ImageTruncated",
    "NotFound",
    "PolyglotFile",
    "QuotaExceeded",
    "SvgNotAllowed",
    "TooManyMedia",
    "UnsupportedFile",
    "UnsupportedImageFormat",
    "clean_image",
    "encode_image",
    "media_add",
    "media_delete",
    "media_file_names",
    "media_list",
    "media_update",
    "media_upload_check",
    "size_name",
]

logger = logging.getLogger(__name__)


# --- refusals --------------------------------------------------------------------------------------------------


class FileTooLarge(ApplicationError):
    code = "file_too_large"
    status = 413
    default_message = _("The file is too large.")


class UnsupportedFile(ApplicationError):
    code = "unsupported_file"
    status = 400
    default_message = _("The file is not an image. Upload a JPEG, PNG or WebP photo.")


class SvgNotAllowed(ApplicationError):
    code = "svg_not_allowed"
    status = 400
    default_message = _("SVG images are not accepted. Upload a JPEG, PNG or WebP photo.")


class UnsupportedImageFormat(ApplicationError):
    code = "unsupported_image_format"
    status = 400
    default_message = _("This image format is not accepted. Upload a JPEG, PNG or WebP photo.")


class PolyglotFile(ApplicationError):
    code = "polyglot_file"
    status = 400
    default_message = _("The file contains web page or script code besides the image.")


class ImageTooManyPixels(ApplicationError):
    code = "image_too_large"
    status = 413
    default_message = _("The image has too many pixels.")


class ImageTruncated(ApplicationError):
    code = "image_truncated"
    status = 400
    default_message = _("The image is damaged or incomplete. Try uploading it again.")


class TooManyMedia(ApplicationError):
    code = "too_many_media"
    status = 409
    default_message = _("The article already has as many images as allowed.")


class QuotaExceeded(ApplicationError):
    code = "quota_exceeded"
    status = 413
    default_message = _("Your storage for images is full. Delete some images to upload new ones.")


# --- identifying and cleaning an image ------------------------------------------------------------------------

# Pillow format -> (stored format, extension)
ACCEPTED = {"JPEG": ("jpeg", "jpg"), "MPO": ("jpeg", "jpg"), "PNG": ("png", "png"), "WEBP": ("webp", "webp")}
PILLOW_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
# Other image formats, told apart from "not an image" for a clearer refusal. Only formats with a real signature:
# the loose ones (TGA, PCX, PPM, ...) would take random bytes or text for an image.
_OTHER_FORMATS = ("GIF", "BMP", "TIFF", "ICO", "ICNS", "JPEG2000", "PSD", "AVIF", "QOI", "DDS")
# ISO media brands of HEIC/HEIF/AVIF photos (phones), which this Pillow cannot read
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")

# what Pillow's parsers and decoders raise on hostile or damaged input
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    TypeError,
    KeyError,
    struct.error,
    zlib.error,
)

_SVG_START = re.compile(rb"(?i)^(?:\xef\xbb\xbf)?\s*(?:<\?xml|<!doctype\s+svg|<svg)")
_SVG_ANYWHERE = re.compile(rb"(?i)<svg[\s>/]")
# Web page or script markers. The long ones are looked for everywhere; the short ones outside the compressed pixel
# data, where four ASCII letters occur by chance (b"<svg" about once in 500 million random bytes, i.e. in ~1% of
# 5 MB photos) and mean nothing: a payload meant for a browser or an interpreter sits in a header, a metadata
# segment, a comment or a text chunk, or is appended after the image's end, and all of those are searched.
_MARKERS_EVERYWHERE = re.compile(rb"(?i)<(?:script|iframe)")
_MARKERS = re.compile(rb"(?i)<(?:html|body|iframe|script|svg|\?php)")
# the next marker after entropy-coded data (not a stuffed 0xFF00, a restart marker or a fill byte)
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


@dataclass(frozen=True)
class CleanImage:
    """The re-encoded image, ready to store."""

    format: str  # jpeg / png / webp
    extension: str
    data: bytes
    width: int
    height: int
    metadata_removed: list[str]


def read_upload(upload: Any) -> bytes:
    """The uploaded bytes, read once and at most MEDIA_MAX_BYTES + 1 of them."""
    limit = settings.NEWSROOM["MEDIA_MAX_BYTES"]
    too_large = FileTooLarge(
        _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)}, limit=limit
    )
    if (getattr(upload, "size", None) or 0) > limit:
        raise too_large
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return bytes(data)


def _other_image_format(data: bytes) -> bool:
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return True
    formats = [f for f in _OTHER_FORMATS if f in Image.OPEN]
    try:
        with Image.open(io.BytesIO(data), formats=formats):
            return True
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return True  # an image all right, just not one of ours
    except Exception:
        return False


def _identify(data: bytes) -> NoReturn:
    """Refuses what is not a JPEG, PNG or WebP image, saying what it is instead."""
    if not data:
        raise UnsupportedFile()
    if _SVG_START.match(data[:1024]) or _SVG_ANYWHERE.search(data[:1024]):
        raise SvgNotAllowed()
    if _other_image_format(data):
        raise UnsupportedImageFormat()
    raise UnsupportedFile()


def _jpeg_outside_scans(data: bytes) -> list[bytes]:
    """Every byte of a JPEG (or MPO: JPEGs one after another) except its entropy-coded scan data."""
    parts: list[bytes] = []
    i, n = 0, len(data)
    while i < n:
        if data[i : i + 2] != b"\xff\xd8":
            parts.append(data[i:])  # appended after the last image
            return parts
        parts.append(data[i : i + 2])
        i += 2
        while i < n:
            if data[i] != 0xFF:
                parts.append(data[i:])  # not where a marker should be: search the rest whole
                return parts
            while i < n and data[i] == 0xFF:  # fill bytes
                i += 1
            if i >= n:
                break
            marker = data[i]
            i += 1
            if marker == 0xD9:  # EOI: another image (MPO), or trailing bytes
                break
            if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # RSTn, TEM: no length
                continue
            length = int.from_bytes(data[i : i + 2], "big")
            if length < 2:
                parts.append(data[i:])
                return parts
            parts.append(data[i : i + length])
            i += length
            if marker == 0xDA:  # SOS: skip the entropy-coded data up to the next real marker
                found = _JPEG_MARKER.search(data, i)
                i = found.start() if found else n
    return parts


def _png_outside_idat(data: bytes) -> list[bytes]:
    parts: list[bytes] = [data[:8]]
    i, n = 8, len(data)
    while i + 8 <= n:
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        end = i + 12 + length
        parts.append(data[i : i + 8] if kind in (b"IDAT", b"fdAT") else data[i:end])
        i = end
        if kind == b"IEND":
            break
    parts.append(data[i:])
    return parts


def _webp_outside_bitstream(data: bytes) -> list[bytes]:
    parts: list[bytes] = [data[:12]]
    i, n = 12, len(data)
    riff_end = min(n, 8 + int.from_bytes(data[4:8], "little"))
    while i + 8 <= riff_end:
        kind = data[i : i + 4]
        size = int.from_bytes(data[i + 4 : i + 8], "little")
        end = i + 8 + size + (size & 1)
        parts.append(data[i : i + 8] if kind in (b"VP8 ", b"VP8L", b"ALPH", b"ANMF") else data[i:end])
        i = end
    parts.append(data[i:])
    return parts


def _is_polyglot(data: bytes, pillow_format: str) -> bool:
    """HTML, script or PHP besides the image (a file that is also a web page when served or sniffed)."""
    if _MARKERS_EVERYWHERE.search(data):
        return True
    split = {
        "JPEG": _jpeg_outside_scans,
        "MPO": _jpeg_outside_scans,
        "PNG": _png_outside_idat,
        "WEBP": _webp_outside_bitstream,
    }[pillow_format]
    return any(_MARKERS.search(part) for part in split(data))


def _metadata(image: Image.Image, data: bytes) -> list[str]:
    """What the upload carried besides pixels (recorded before it is dropped)."""
    found: set[str] = set()
    info = image.info
    try:
        exif = image.getexif()
        if len(exif):
            found.add("exif")
        if exif.get(0x8825) is not None or len(exif.get_ifd(0x8825)):
            found.add("gps")
    except Exception:  # a malformed EXIF block is still an EXIF block
        found.add("exif")
    if info.get("exif"):
        found.add("exif")
    if info.get("xmp") or b"<x:xmpmeta" in data or b"<?xpacket" in data:
        found.add("xmp")
    if "photoshop" in info or b"Photoshop 3.0\x00" in data:
        found.add("iptc")
    if info.get("comment"):
        found.add("comment")
    if info.get("icc_profile"):
        found.add("icc")
    for key in getattr(image, "text", None) or {}:
        lowered = key.lower()
        if lowered == "xml:com.adobe.xmp":
            found.add("xmp")
        elif "iptc" in lowered or "8bim" in lowered:
            found.add("iptc")
        elif "exif" in lowered:
            found.add("exif")
        else:
            found.add("comment")
    return sorted(found)


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Converts colours from the embedded profile (e.g. a phone's Display P3) to sRGB, since the profile goes."""
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile: keep the pixels as they are
    return converted if converted is not None else image


def _normalise_mode(image: Image.Image, fmt: str) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit grey: scale, do not clip, to 8 bits
        image = image.convert("I").point(lambda v: v / 256).convert("L")
    if fmt == "jpeg":
        target = "RGB"
    elif image.has_transparency_data:
        target = "RGBA"
    elif fmt == "png" and image.mode in ("1", "L"):
        target = "L"
    else:
        target = "RGB"
    return image if image.mode == target else image.convert(target)


def encode_image(image: Image.Image, fmt: str) -> bytes:
    """Encodes `image` as `fmt` (jpeg / png / webp) with no metadata at all: no EXIF, XMP, ICC or comment."""
    image.info = {}  # some encoders fall back to the image's own info (comment, ICC profile, transparency)
    if hasattr(image, "encoderinfo"):
        del image.encoderinfo
    out = io.BytesIO()
    if fmt == "jpeg":
        image.save(out, format="JPEG", quality=85, optimize=True)
    elif fmt == "png":
        image.save(out, format="PNG")
    else:
        image.save(out, format="WEBP", quality=85)
    return out.getvalue()


def clean_image(data: bytes) -> CleanImage:
    """Identifies `data` by content alone, refuses anything but a sound JPEG/PNG/WebP photo of allowed size, and
    re-encodes it upright, in sRGB and without metadata. Every refusal is an ApplicationError, never a 500."""
    Image.init()  # registers every plugin (MPO and WebP are not among those loaded up front)
    max_pixels = settings.NEWSROOM["MEDIA_MAX_PIXELS"]
    too_large = ImageTooManyPixels(max_pixels=max_pixels)
    try:
        image = Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "WEBP"])  # JPEG's opener also makes MPOs
    except UnidentifiedImageError:
        _identify(data)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large from exc
    except _DECODE_ERRORS as exc:  # a header a plugin recognised and then choked on
        raise ImageTruncated() from exc
    with image:
        pillow_format = image.format or ""
        stored, extension = ACCEPTED[pillow_format]
        if _is_polyglot(data, pillow_format):
            raise PolyglotFile()
        width, height = image.size
        if width * height > max_pixels:
            raise ImageTooManyPixels(
                _("The image has too many pixels (%(w)d×%(h)d).") % {"w": width, "h": height},
                max_pixels=max_pixels,
            )
        try:
            image.load()  # ImageFile.LOAD_TRUNCATED_IMAGES is left False: a short file is an error
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_large from exc
        except _DECODE_ERRORS as exc:
            raise ImageTruncated() from exc
        removed = _metadata(image, data)
        icc = image.info.get("icc_profile")
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:  # an unreadable orientation: keep the pixels as they are
            upright = image.copy()
    clean = _normalise_mode(_to_srgb(upright, icc), stored)
    return CleanImage(
        format=stored,
        extension=extension,
        data=encode_image(clean, stored),
        width=clean.width,
        height=clean.height,
        metadata_removed=removed,
    )


# --- storage names ---------------------------------------------------------------------------------------------


def size_name(name: str, width: int) -> str:
    """The storage name of a responsive size: next to the image, "<name>-480w.<ext>"."""
    stem, ext = posixpath.splitext(name)
    return f"{stem}-{width}w{ext}"


def media_file_names(media: Media) -> list[str]:
    """Every storage name that may belong to `media`: the image, its recorded sizes, and the names a size task
    would write (one may be running)."""
    if not media.file or not media.file.name:
        return []
    names = [media.file.name]
    names += [entry["name"] for entry in (media.sizes or {}).values() if entry.get("name")]
    names += [size_name(media.file.name, width) for width in settings.NEWSROOM["MEDIA_SIZES"]]
    return list(dict.fromkeys(names))


def _delete_files(storage: Any, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete media file %s", name)


@receiver(post_delete, sender=Media, dispatch_uid="submissions.media.delete_files")
def delete_media_files(sender: Any, instance: Media, **kwargs: Any) -> None:
    """The files go when the row is gone for good: after the deleting transaction commits."""
    names = media_file_names(instance)
    if names:
        storage = instance.file.storage
        transaction.on_commit(lambda: _delete_files(storage, names), robust=True)


# --- services --------------------------------------------------------------------------------------------------


def _editable_article(*, actor: Any, article_id: int, lock: bool = False) -> Article:
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=lock)
    if article.status not in EDITABLE_STATES:
        raise ArticleNotEditable(status=article.status)
    return article


def _check_count(article: Article) -> int:
    limit = settings.NEWSROOM["MEDIA_PER_ARTICLE"]
    count = Media.objects.filter(article=article).count()
    if count >= limit:
        raise TooManyMedia(_("An article may have at most %(limit)d images.") % {"limit": limit}, limit=limit)
    return count


def media_list(*, actor: Any, article_id: int) -> QuerySet[Media]:
    """The images of the actor's own article (NotFound for anyone else's)."""
    article = article_get_for_actor(actor=actor, article_id=article_id)
    return Media.objects.filter(article=article).order_by("position", "id")


def media_upload_check(*, actor: Any, article_id: int) -> Article:
    """The refusals an upload meets before its body is even read: not the actor's article (NotFound), not editable,
    no room for another image. The API calls it before parsing the multipart body; media_add calls it too."""
    article = _editable_article(actor=actor, article_id=article_id)
    _check_count(article)
    return article


def media_add(*, actor: Any, article_id: int, upload: Any, caption: str = "", credit: str = "") -> Media:
    """Adds an image to the author's editable article. The upload is cleaned before any lock is taken; the limits
    (images per article, the author's storage quota) are checked again under the article's and the author's row
    locks, so that concurrent uploads cannot slip past them together."""
    media_upload_check(actor=actor, article_id=article_id)  # refuse early, before decoding
    image = clean_image(read_upload(upload))

    media: Media | None = None
    try:
        with transaction.atomic():
            article = _editable_article(actor=actor, article_id=article_id, lock=True)
            get_user_model().objects.select_for_update().filter(pk=actor.pk).first()  # quota: one at a time
            position = _check_count(article)
            quota = settings.NEWSROOM["MEDIA_QUOTA_BYTES"]
            used = Media.objects.filter(uploaded_by_id=actor.pk).aggregate(total=Sum("bytes"))["total"] or 0
            # the responsive sizes made later are reserved now: their bytes grow roughly with their area
            needed = int(
                len(image.data)
                * (
                    1
                    + sum((w / image.width) ** 2 for w in settings.NEWSROOM["MEDIA_SIZES"] if w < image.width)
                )
            )
            if used + needed > quota:
                raise QuotaExceeded(
                    _("Your images take %(used)s of %(quota)s; this one needs %(size)s more.")
                    % {
                        "used": filesizeformat(used),
                        "quota": filesizeformat(quota),
                        "size": filesizeformat(needed),
                    },
                    used=used,
                    quota=quota,
                )
            media = Media(
                article=article,
                uploaded_by=actor,
                format=image.format,
                width=image.width,
                height=image.height,
                bytes=len(image.data),
                caption=caption,
                credit=credit,
                metadata_removed=image.metadata_removed,
                position=position,
            )
            # upload_to (models.media_path) makes the name: random, only the extension is ours
            media.file.save(f"image.{image.extension}", ContentFile(image.data), save=False)
            media.save()
            media_id = media.pk

            def make_sizes() -> None:
                from submissions.tasks import make_media_sizes

                make_media_sizes.delay(media_id)

            transaction.on_commit(make_sizes, robust=True)
    except BaseException:
        if media is not None and media.file.name:
            _delete_files(media.file.storage, [media.file.name])
        raise
    assert media is not None
    return media


def _media_of(article: Article, media_id: int, *, lock: bool = False) -> Media:
    qs = Media.objects.filter(pk=media_id, article=article)
    if lock:
        qs = qs.select_for_update()
    media = qs.first()
    if media is None:
        raise NotFound()
    return media


@transaction.atomic
def media_update(
    *, actor: Any, article_id: int, media_id: int, caption: str | None = None, credit: str | None = None
) -> Media:
    article = _editable_article(actor=actor, article_id=article_id, lock=True)
    media = _media_of(article, media_id, lock=True)
    changed = []
    if caption is not None and caption != media.caption:
        media.caption = caption
        changed.append("caption")
    if credit is not None and credit != media.credit:
        media.credit = credit
        changed.append("credit")
    if changed:
        media.save(update_fields=changed)
    return media


@transaction.atomic
def media_delete(*, actor: Any, article_id: int, media_id: int) -> None:
    """Deletes the image; its files (the image and every size) go after commit (see delete_media_files). An
    article whose cover it was is left without a cover (Article.cover is SET_NULL)."""
    article = _editable_article(actor=actor, article_id=article_id, lock=True)
    _media_of(article, media_id, lock=True).delete()

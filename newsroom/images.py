"""Uploaded images, identified by their content alone and refused with a precise code unless they are a sound
JPEG, PNG or WebP photo within the size limits; then decoded, turned upright, converted to sRGB and re-encoded
without any metadata (EXIF, GPS, XMP, IPTC, comments, colour profiles). The uploaded bytes are never kept.

Used for article images (submissions.media) and avatars (accounts), so both refuse the same things the same way.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import posixpath
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any, NoReturn

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from newsroom.api.errors import ApplicationError

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


class StorageFull(ApplicationError):
    code = "storage_full"
    status = 507
    default_message = _("There is no room left to store files right now. Try again later.")


class StorageUnavailable(ApplicationError):
    code = "storage_unavailable"
    status = 503
    default_message = _("Files cannot be stored right now. Try again later.")


# --- writing a file to storage ----------------------------------------------------------------------------------

# the write failed for lack of space: the disk, or the owner's quota on it
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


def storage_error(exc: OSError) -> ApplicationError:
    """The refusal for a failed write: 507 `storage_full` for a full disk, 503 `storage_unavailable` otherwise."""
    if exc.errno in _NO_SPACE:
        return StorageFull()
    return StorageUnavailable()


def discard_file(storage: Any, name: str) -> None:
    """Deletes `name` from `storage`, logging (never raising) when that fails too."""
    try:
        storage.delete(name)
    except Exception:
        logger.exception("Could not delete the file %s", name)


def write_file(storage: Any, name: str, data: bytes, *, max_length: int | None = None) -> str:
    """Writes `data` as `name` (which must not exist: a fresh, random name) and returns the stored name.

    A write that fails (a full disk: ENOSPC or EDQUOT; any other OSError) leaves nothing behind: the partial
    file a local storage has already created is deleted, and the client gets `storage_full` (507) or
    `storage_unavailable` (503) instead of a 500."""
    try:
        return str(storage.save(name, ContentFile(data), max_length=max_length))
    except OSError as exc:
        with contextlib.suppress(Exception):
            if storage.exists(name):
                discard_file(storage, name)
        logger.error("Could not store %s (%d bytes): %s", name, len(data), exc)
        raise storage_error(exc) from exc


def size_name(name: str, width: int) -> str:
    """The storage name of a responsive size: next to the image, "<name>-480w.<ext>"."""
    stem, ext = posixpath.splitext(name)
    return f"{stem}-{width}w{ext}"


def store_upload(field_file: FieldFile, filename: str, data: bytes) -> str:
    """`field_file.save(filename, data, save=False)`, but with the name chosen before the write, so that a failed
    write can remove its partial file (see `write_file`). The field's `upload_to` makes random names; a name
    already taken is never written to, and so never deleted, here."""
    storage, field = field_file.storage, field_file.field
    name = field.generate_filename(field_file.instance, filename)
    for _attempt in range(5):
        if not storage.exists(name):
            break
        name = field.generate_filename(field_file.instance, filename)
    else:
        name = storage.get_available_name(name, max_length=field.max_length)
    stored = write_file(storage, name, data, max_length=field.max_length)
    field_file.name = stored
    setattr(field_file.instance, field.attname, stored)
    field_file._committed = True  # type: ignore[attr-defined]  # as FieldFile.save does
    return stored


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


def read_upload(upload: Any, *, max_bytes: int | None = None) -> bytes:
    """The uploaded bytes, read once and at most `max_bytes` (default MEDIA_MAX_BYTES) + 1 of them."""
    limit = max_bytes or settings.NEWSROOM["MEDIA_MAX_BYTES"]
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


EXIF_GPS_IFD = 0x8825


def metadata_kinds(image: Image.Image, data: bytes) -> list[str]:
    """What `image` (opened from `data`) carries besides pixels, sorted: "exif", "gps", "xmp", "iptc", "comment"
    (text chunks and comments), "icc" (a colour profile). Read from Pillow's parse and from the bytes themselves,
    so a block Pillow skips or cannot parse still counts. Uploads record it before it is dropped; the media check
    reads it back from the stored file, which should carry none."""
    found: set[str] = set()
    info = image.info
    try:
        exif = image.getexif()
        if len(exif):
            found.add("exif")
        if exif.get(EXIF_GPS_IFD) is not None or len(exif.get_ifd(EXIF_GPS_IFD)):
            found.add("gps")
    except Exception:  # a malformed EXIF block is still an EXIF block
        found.add("exif")
    if info.get("exif") or b"Exif\x00\x00" in data:
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


def clean_image(data: bytes, *, max_pixels: int | None = None) -> CleanImage:
    """Identifies `data` by content alone, refuses anything but a sound JPEG/PNG/WebP photo of allowed size, and
    re-encodes it upright, in sRGB and without metadata. Every refusal is an ApplicationError, never a 500."""
    Image.init()  # registers every plugin (MPO and WebP are not among those loaded up front)
    max_pixels = max_pixels or settings.NEWSROOM["MEDIA_MAX_PIXELS"]
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
        removed = metadata_kinds(image, data)
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

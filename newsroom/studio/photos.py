"""The photos of an article in the editor: how each is shown (through the authorising media view's URLs), what was
stripped from it on upload, and the uploads themselves — through submissions.media, the same services (and
refusals, and limits) as POST /api/v1/articles/{id}/media/."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsroom.accounts.models import User
from newsroom.api.errors import ApplicationError
from newsroom.studio.common import throttle_wait
from newsroom.studio.forms import messages_of
from submissions import media as media_services
from submissions.media_apis import MediaUploadInput
from submissions.models import Article, Media

THUMBNAIL = "480"  # the responsive size the editor shows (the file itself until the sizes task has run)

# what an upload stripped from a photo (submissions.media's metadata_removed), location first: that is the one
# that can give a source away
REMOVED: dict[str, Any] = {
    "gps": gettext_lazy("location data removed"),
    "exif": gettext_lazy("camera data (EXIF) removed"),
    "xmp": gettext_lazy("XMP metadata removed"),
    "iptc": gettext_lazy("IPTC captions and credits removed"),
    "comment": gettext_lazy("comments in the file removed"),
    "icc": gettext_lazy("colour profile replaced with sRGB"),
}


def removed_text(kinds: Iterable[str]) -> str:
    """What an upload stripped, in words ("location data removed, camera data (EXIF) removed"), or that the file
    carried nothing to remove."""
    present = set(kinds)
    words = [str(text) for kind, text in REMOVED.items() if kind in present]
    words += [kind for kind in sorted(present - REMOVED.keys())]
    return ", ".join(words) if words else _("the file carried no metadata")


@dataclass
class PhotoCard:
    """A photo as the editor shows it: its image, the caption and credit as typed, and their errors."""

    media: Media
    src: str
    caption: str
    credit: str
    removed: str
    is_cover: bool
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.media.pk


def photo_cards(
    photos: Sequence[Media],
    *,
    viewer: User,
    cover: str,
    captions: dict[int, dict[str, str]] | None = None,
    errors: dict[int, dict[str, list[str]]] | None = None,
) -> list[PhotoCard]:
    """The cards of `photos` (read with their article: no query per photo). Unpublished articles' images go
    through submissions.media_views: the URL media_url signs for the viewer."""
    cards = []
    for media in photos:
        entry = (media.sizes or {}).get(THUMBNAIL) or {}
        name = entry.get("name") or media.file.name or ""
        typed = (captions or {}).get(media.pk, {})
        cards.append(
            PhotoCard(
                media=media,
                src=media_services.media_url(media, name, actor=viewer),
                caption=typed.get("caption", media.caption),
                credit=typed.get("credit", media.credit),
                removed=removed_text(media.metadata_removed or []),
                is_cover=cover == str(media.pk),
                errors=(errors or {}).get(media.pk, {}),
            )
        )
    return cards


@dataclass
class UploadResult:
    """One file of a multiple upload: stored (with what was stripped from it) or refused (with the API's reason)."""

    name: str
    ok: bool
    text: str


def upload_files(
    request: HttpRequest, *, actor: User, article: Article, files: list[Any]
) -> list[UploadResult]:
    """Adds each file to the article as POST .../media/ would: the API's MediaUploadInput, submissions.media's
    checks (format by content, size, pixels, quota, images per article) and the API's throttles, per file. One
    refused file does not stop the others; a throttle does (the rest are reported as not sent)."""
    results = []
    for index, upload in enumerate(files):
        name = str(getattr(upload, "name", "") or _("file %(n)d") % {"n": index + 1})[:200]
        wait = throttle_wait(request, "upload", "media_upload")
        if wait is not None:
            results += [
                UploadResult(
                    str(getattr(rest, "name", "")),
                    False,
                    _("Too many uploads: try again in %(seconds)d s.") % {"seconds": wait},
                )
                for rest in files[index:]
            ]
            break
        checked = MediaUploadInput(data={"file": upload, "caption": "", "credit": ""})
        if not checked.is_valid():
            results.append(UploadResult(name, False, " ".join(messages_of(checked.errors))))
            continue
        try:
            media = media_services.media_add(
                actor=actor, article_id=article.pk, upload=checked.validated_data["file"]
            )
        except ApplicationError as exc:
            results.append(UploadResult(name, False, str(exc.message)))
            continue
        results.append(UploadResult(name, True, removed_text(media.metadata_removed or [])))
    return results

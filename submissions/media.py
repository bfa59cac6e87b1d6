"""Images of an article: the upload is identified by its content, refused with a precise code when it is not a
plain JPEG, PNG or WebP photo, decoded, turned upright and re-encoded without any metadata. The original bytes are
never stored; the responsive sizes are made after commit by `submissions.tasks.make_media_sizes`.

Importing this module connects the receiver that deletes a Media's files from storage with its row (whoever deletes
it: the author, an article's deletion, an account's deletion).

Who may see an image: anyone once its article is public (published, or retracted: the readers' page still shows
it); before that only its author and the editors who may see the article. `media_url` gives each of them a URL
that works without a header: for local storage a signed, expiring URL of submissions.media_views; on S3 a
presigned, expiring one.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from newsroom.accounts.models import User
from newsroom.api.errors import ApplicationError, NotFound
from newsroom.api.links import absolute
from newsroom.images import (
    FileTooLarge,
    ImageTooManyPixels,
    ImageTruncated,
    PolyglotFile,
    StorageFull,
    StorageUnavailable,
    SvgNotAllowed,
    UnsupportedFile,
    UnsupportedImageFormat,
    clean_image,
    encode_image,
    read_upload,
    size_name,
    store_upload,
)
from submissions import policy
from submissions.errors import ArticleNotEditable, NotAllowed
from submissions.models import Article, Media
from submissions.selectors import article_get_for_actor
from submissions.states import Status
from submissions.tasks import make_media_sizes

__all__ = [
    "FileTooLarge",
    "ImageTooManyPixels",
    "ImageTruncated",
    "NotFound",
    "PolyglotFile",
    "QuotaExceeded",
    "StorageFull",
    "StorageUnavailable",
    "SvgNotAllowed",
    "TooManyMedia",
    "UnsupportedFile",
    "UnsupportedImageFormat",
    "clean_image",
    "encode_image",
    "may_view_media",
    "media_add",
    "media_delete",
    "media_file_get",
    "media_file_names",
    "media_is_public",
    "media_list",
    "media_update",
    "media_upload_check",
    "media_url",
    "media_url_access",
]

logger = logging.getLogger(__name__)


# --- refusals --------------------------------------------------------------------------------------------------


class TooManyMedia(ApplicationError):
    code = "too_many_media"
    status = 409
    default_message = _("The article already has as many images as allowed.")


class QuotaExceeded(ApplicationError):
    code = "quota_exceeded"
    status = 413
    default_message = _("Your storage for images is full. Delete some images to upload new ones.")


# --- storage names ---------------------------------------------------------------------------------------------


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


# --- who sees an image, and through which URL --------------------------------------------------------------------

# The readers' pages show the images of these articles (a retracted article keeps its page, with the notice)
PUBLIC_STATES = frozenset({Status.PUBLISHED, Status.RETRACTED})

# media/<article id>/<random name>[-<width>w].<ext>: see models.media_path and newsroom.images.size_name
_MEDIA_NAME = re.compile(r"media/(?P<article>[1-9][0-9]{0,17})/[A-Za-z0-9_-]{1,150}\.[A-Za-z0-9]{1,8}")

_URL_SALT = "submissions.media.url"
_presigners: dict[str, Storage] = {}


def media_is_public(article: Article) -> bool:
    return article.status in PUBLIC_STATES


def may_view_media(actor: User | None, article: Article) -> bool:
    """Anyone, once the article is public; before that its author, and editors who may see the article
    (submissions.policy.SEEN_BY_EDITORS: never a draft)."""
    if media_is_public(article):
        return True
    if actor is None or not actor.is_active or actor.deleted_at is not None:
        return False
    if article.author_id == actor.pk:
        return True
    try:
        article_get_for_actor(actor=actor, article_id=article.pk, as_editor=True)
    except (NotAllowed, NotFound):
        return False
    return True


def media_file_get(name: str) -> Media | None:
    """The image whose storage name, or one of whose recorded sizes' names, is `name` (with its article); None for
    any other name: another kind of file, a deleted image's leftovers, a path that tries to leave its folder."""
    match = _MEDIA_NAME.fullmatch(name)
    if match is None:
        return None
    for media in Media.objects.filter(article_id=int(match["article"])).select_related("article"):
        if media.file.name == name or any(
            entry.get("name") == name for entry in (media.sizes or {}).values() if isinstance(entry, dict)
        ):
            return media
    return None


def _access_signer(name: str) -> signing.TimestampSigner:
    # the file's name is part of the salt: an access token opens that one file only
    return signing.TimestampSigner(salt=f"{_URL_SALT}:{name}")


def media_url_access(name: str, token: str) -> int | None:
    """The id of the user a signed media URL was made for, if `token` is valid for `name` and not expired."""
    try:
        value = _access_signer(name).unsign(token, max_age=settings.MEDIA_PRIVATE_URL_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return None
    return int(value) if value.isdigit() else None


def _presigned_url(storage: Storage, name: str) -> str:
    """An expiring, presigned URL of an object on S3-compatible storage, on the bucket's own endpoint (a
    MEDIA_S3_CUSTOM_DOMAIN in front of it serves published images only)."""
    default: Any = settings.STORAGES["default"]
    configured: dict[str, Any] = default.get("OPTIONS") or {}
    options = {
        "signature_version": "s3v4",  # unless configured otherwise: SigV2 presigning is deprecated
        **configured,
        "custom_domain": None,
        "querystring_auth": True,
        "querystring_expire": settings.MEDIA_PRIVATE_URL_MAX_AGE,
    }
    cls = storage.__class__  # the class behind default_storage (a LazyObject proxies __class__, not type())
    key = f"{cls.__module__}.{cls.__qualname__}:{sorted(options.items())!r}"
    presigner = _presigners.get(key)
    if presigner is None:
        presigner = _presigners[key] = cls(**options)
    return str(presigner.url(name))


def media_url(media: Media, name: str, *, actor: User | None) -> str:
    """The absolute URL through which `actor` sees `name` (the image's file or one of its sizes).

    Public articles' images: the storage's plain URL, the same for everyone and cacheable. Others: for local
    storage, the media view's URL signed for the actor (valid MEDIA_PRIVATE_URL_MAX_AGE seconds: an <img> sends no
    token header); on S3, a presigned URL as long-lived. Without an actor: the plain URL, which only the
    article's author and editors signed in to the site can open."""
    storage = media.file.storage
    url = absolute(storage.url(name))
    if actor is None or media_is_public(media.article):
        return url
    if isinstance(storage, FileSystemStorage):
        return f"{url}?{urlencode({'access': _access_signer(name).sign(str(actor.pk))})}"
    return _presigned_url(storage, name)


# --- services --------------------------------------------------------------------------------------------------


def _editable_article(*, actor: User, article_id: int, lock: bool = False) -> Article:
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=lock)
    if not policy.may_edit(article):
        raise ArticleNotEditable(status=article.status)
    return article


def _check_count(article: Article) -> int:
    limit = settings.NEWSROOM["MEDIA_PER_ARTICLE"]
    count = Media.objects.filter(article=article).count()
    if count >= limit:
        raise TooManyMedia(_("An article may have at most %(limit)d images.") % {"limit": limit}, limit=limit)
    return count


def media_list(*, actor: User, article_id: int) -> QuerySet[Media]:
    """The images of the actor's own article (NotFound for anyone else's)."""
    article = article_get_for_actor(actor=actor, article_id=article_id)
    return Media.objects.filter(article=article).select_related("article").order_by("position", "id")


def media_upload_check(*, actor: User, article_id: int) -> Article:
    """The refusals an upload meets before its body is even read: not the actor's article (NotFound), not editable,
    no room for another image. The API calls it before parsing the multipart body; media_add calls it too."""
    article = _editable_article(actor=actor, article_id=article_id)
    _check_count(article)
    return article


def media_add(*, actor: User, article_id: int, upload: Any, caption: str = "", credit: str = "") -> Media:
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
            # upload_to (models.media_path) makes the name: random, only the extension is ours. A failed write
            # (full disk) leaves no file and raises storage_full / storage_unavailable: nothing is saved
            store_upload(media.file, f"image.{image.extension}", image.data)
            media.save()
            media_id = media.pk

            def make_sizes() -> None:
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
    *, actor: User, article_id: int, media_id: int, caption: str | None = None, credit: str | None = None
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
def media_delete(*, actor: User, article_id: int, media_id: int) -> None:
    """Deletes the image; its files (the image and every size) go after commit (see delete_media_files). An
    article whose cover it was is left without a cover (Article.cover is SET_NULL)."""
    article = _editable_article(actor=actor, article_id=article_id, lock=True)
    _media_of(article, media_id, lock=True).delete()

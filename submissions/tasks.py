"""Background work of the submissions app."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from PIL import Image

from newsroom.celery import reliable_task
from newsroom.images import (
    PILLOW_FORMAT,
    StorageFull,
    StorageUnavailable,
    discard_file,
    encode_image,
    size_name,
    write_file,
)
from submissions import workflow
from submissions.models import Article, Media
from submissions.states import Status
from submissions.trust import trust_recompute_all


def _recorded(storage: Any, entry: Any) -> bool:
    return isinstance(entry, dict) and bool(entry.get("name")) and storage.exists(entry["name"])


@reliable_task
def make_media_sizes(media_id: int) -> None:
    """Makes the responsive sizes of an image: for every width of MEDIA_SIZES narrower than the image, a
    downscaled copy in the same format and without metadata, stored next to it as "<name>-<width>w.<ext>".

    Idempotent: sizes already recorded and present are skipped, a size written again overwrites its file, and
    `Media.bytes` (the image plus its sizes, for the quota) is recomputed rather than added to. A deleted image is
    skipped; one deleted while its sizes were being made has them removed again."""
    media = Media.objects.filter(pk=media_id).first()
    if media is None or not media.file.name:
        return
    storage, name = media.file.storage, media.file.name
    missing = [
        width
        for width in settings.NEWSROOM["MEDIA_SIZES"]
        if width < media.width and not _recorded(storage, (media.sizes or {}).get(str(width)))
    ]
    if not missing:
        return

    with storage.open(name, "rb") as stored:
        data = stored.read()
    made: dict[str, dict[str, Any]] = {}
    Image.init()
    with Image.open(io.BytesIO(data), formats=[PILLOW_FORMAT[media.format]]) as image:
        image.load()
        for width in missing:
            height = max(1, round(image.height * width / image.width))
            encoded = encode_image(
                image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0), media.format
            )
            target = size_name(name, width)
            if storage.exists(target):  # a previous run's: overwrite (some storages would pick another name)
                storage.delete(target)
            try:
                saved = write_file(storage, target, encoded)
            except (StorageFull, StorageUnavailable):
                # no room (or no storage) for the sizes: the image is served without them, and none of the
                # files of this run is left behind (write_file removed the partial one and logged it)
                for entry in made.values():
                    discard_file(storage, entry["name"])
                return
            made[str(width)] = {"name": saved, "width": width, "height": height, "bytes": len(encoded)}

    with transaction.atomic():
        row = Media.objects.select_for_update().filter(pk=media_id).first()
        if row is None:  # deleted meanwhile: its receiver did not know these files
            for entry in made.values():
                storage.delete(entry["name"])
            return
        sizes = dict(row.sizes or {})
        own_bytes = row.bytes - sum(int(entry.get("bytes", 0)) for entry in sizes.values())
        for key, entry in made.items():
            previous = sizes.get(key)
            if previous and previous.get("name") and previous["name"] != entry["name"]:
                storage.delete(previous["name"])
        sizes.update(made)
        row.sizes = sizes
        row.bytes = own_bytes + sum(int(entry["bytes"]) for entry in sizes.values())
        row.save(update_fields=["sizes", "bytes"])


@reliable_task
def publish_due() -> int:
    """Beat: publishes scheduled articles whose time has come."""
    now = timezone.now()
    due = Article.objects.filter(status=Status.SCHEDULED, publish_at__lte=now).values_list("pk", flat=True)
    return sum(
        workflow.article_publish(actor=None, article_id=pk, now=now) is not None for pk in list(due[:500])
    )


@reliable_task
def recompute_trust_levels() -> int:
    """Nightly: trust levels also change with time alone (account age, sanctions ageing out)."""
    return trust_recompute_all()

"""Media: the article's images as they are stored (never as uploaded: the upload is gone).

For each image of the snapshot: the stored file decodes (else fail); it is not tiny (under 200×200 → warn) nor a
strip (aspect ratio over 10:1 → warn); it really carries no metadata (EXIF, GPS, XMP, IPTC, comments), read back
from the file rather than trusted from Media.metadata_removed (else fail: the author's privacy is at stake); and
its perceptual hash (pHash, 64 bits) is stored in ImageFingerprint and compared with the images of published
articles of other authors: a Hamming distance of 6 or less → warn "already published in article N".

The comparison: the fingerprints of published articles are loaded once per run (article, media, hash) and compared
all at once with numpy (XOR and popcount over a uint64 array) — fine for hundreds of thousands of images. Beyond
that the table needs a database-side prefilter, which the current model cannot give: equal-band lookup needs the
hash split into bands in indexed columns, and to find every pair within distance 6 by pigeonhole at least 7 bands
are needed (8 bands of 8 bits, a candidate shares ≥ 2 exact bands) — a model change, left for when it is needed.

Settings (NEWSROOM): MEDIA_MIN_SIDE (200), MEDIA_MAX_ASPECT (10.0), MEDIA_DUPLICATE_DISTANCE (6).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import imagehash
import numpy as np
from django.conf import settings
from PIL import Image

from moderation.checks.base import Finding, Result, Snapshot
from moderation.models import ImageFingerprint, Outcome
from newsroom.images import metadata_kinds
from submissions.models import Media
from submissions.states import Status

MAX_MATCHES = 5  # per image, in the evidence
FAIL_SCORE = 0.8
WARN_SCORES = {"image_already_published": 0.4, "image_small": 0.15, "image_aspect": 0.15}
WARN_SCORE_MAX = 0.5
_MASK64 = (1 << 64) - 1


def _setting(key: str, default: Any) -> Any:
    return getattr(settings, "NEWSROOM", {}).get(key, default)


def to_signed64(value: int) -> int:
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


def phash64(image: Image.Image) -> int:
    """The 64-bit perceptual hash of `image`, as a signed integer (ImageFingerprint.phash)."""
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    return to_signed64(int(str(imagehash.phash(image)), 16))


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK64).bit_count()


class PublishedIndex:
    """The fingerprints of published images of other authors, loaded on first use."""

    def __init__(self, *, author_id: int, article_id: int) -> None:
        self.author_id = author_id
        self.article_id = article_id
        self._rows: list[tuple[int, int]] | None = None  # (article_id, media_id)
        self._hashes: np.ndarray | None = None

    def _load(self) -> None:
        rows = list(
            ImageFingerprint.objects.filter(article__status=Status.PUBLISHED)
            .exclude(article__author_id=self.author_id)
            .exclude(article_id=self.article_id)
            .values_list("article_id", "media_id", "phash")
        )
        self._rows = [(article_id, media_id) for article_id, media_id, _ in rows]
        self._hashes = np.array([phash for _, _, phash in rows], dtype=np.int64).view(np.uint64)

    @property
    def loaded(self) -> bool:
        return self._rows is not None

    def __len__(self) -> int:
        if self._rows is None:
            self._load()
        assert self._rows is not None
        return len(self._rows)

    def near(self, phash: int, distance: int) -> list[dict[str, int]]:
        """Published images within `distance` bits of `phash`, the closest first."""
        if self._hashes is None:
            self._load()
        assert self._hashes is not None and self._rows is not None
        if not len(self._rows):
            return []
        xor = self._hashes ^ np.array([phash], dtype=np.int64).view(np.uint64)[0]
        if hasattr(np, "bitwise_count"):  # numpy >= 2
            distances = np.bitwise_count(xor)
        else:
            distances = np.unpackbits(xor.view(np.uint8)).reshape(-1, 64).sum(axis=1)
        hits = np.flatnonzero(distances <= distance)
        found = [
            {"article_id": self._rows[i][0], "media_id": self._rows[i][1], "distance": int(distances[i])}
            for i in hits
        ]
        return sorted(found, key=lambda m: (m["distance"], m["article_id"], m["media_id"]))


@dataclass
class Item:
    media_id: int
    number: int  # 1-based, in the article's order
    flags: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def as_evidence(self) -> dict[str, Any]:
        return {"media_id": self.media_id, "flags": self.flags, **self.details}


class MediaCheck:
    name = "media"
    version = 1
    weight = 1.0

    def run(self, snapshot: Snapshot) -> Result:
        if not snapshot.media_ids:
            return Result(Outcome.PASS, 0.0, [], {"images": 0})
        min_side = int(_setting("MEDIA_MIN_SIDE", 200))
        max_aspect = float(_setting("MEDIA_MAX_ASPECT", 10.0))
        max_distance = int(_setting("MEDIA_DUPLICATE_DISTANCE", 6))

        by_id = {m.pk: m for m in Media.objects.filter(pk__in=snapshot.media_ids)}
        index = PublishedIndex(author_id=snapshot.author_id, article_id=snapshot.article_id)
        items: list[Item] = []
        fails: list[Finding] = []
        warns: list[Finding] = []
        missing: list[int] = []
        for number, media_id in enumerate(snapshot.media_ids, start=1):
            media = by_id.get(media_id)
            if media is None:  # deleted since the revision was taken
                missing.append(media_id)
                continue
            item = Item(media_id=media_id, number=number)
            items.append(item)
            self._check_one(media, item, index, min_side, max_aspect, max_distance, fails, warns)

        evidence: dict[str, Any] = {
            "images": len(items),
            "items": [item.as_evidence() for item in items],
        }
        if missing:
            evidence["missing"] = missing
        if index.loaded:
            evidence["compared_with"] = len(index)
        if fails:
            return Result(Outcome.FAIL, FAIL_SCORE, [*fails, *warns], evidence)
        if warns:
            kinds = {finding.code for finding in warns}
            score = min(WARN_SCORE_MAX, sum(WARN_SCORES.get(kind, 0.2) for kind in kinds))
            return Result(Outcome.WARN, score, warns, evidence)
        return Result(Outcome.PASS, 0.0, [], evidence)

    def _check_one(
        self,
        media: Media,
        item: Item,
        index: PublishedIndex,
        min_side: int,
        max_aspect: float,
        max_distance: int,
        fails: list[Finding],
        warns: list[Finding],
    ) -> None:
        n = item.number
        if not media.file or not media.file.name:
            item.flags.append("missing_file")
            fails.append(
                Finding(
                    "image_missing", f"Файл изображения {n} не найден.", f"The file of image {n} is missing."
                )
            )
            return
        try:
            with media.file.storage.open(media.file.name, "rb") as stored:
                data = stored.read()
        except OSError:
            item.flags.append("missing_file")
            fails.append(
                Finding(
                    "image_missing", f"Файл изображения {n} не найден.", f"The file of image {n} is missing."
                )
            )
            return
        try:
            image = Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "WEBP"])
            image.load()
        except Exception as exc:  # Pillow raises many kinds on damaged data
            item.flags.append("corrupt")
            item.details["error"] = type(exc).__name__
            fails.append(
                Finding(
                    "image_corrupt",
                    f"Изображение {n} повреждено: файл не читается.",
                    f"Image {n} is damaged: the file cannot be decoded.",
                )
            )
            return
        with image:
            width, height = image.size
            item.details.update({"format": (image.format or "").lower(), "width": width, "height": height})

            if min(width, height) < min_side:
                item.flags.append("small")
                warns.append(
                    Finding(
                        "image_small",
                        f"Изображение {n} слишком маленькое: {width}×{height}, нужно не меньше {min_side}×{min_side}.",
                        f"Image {n} is too small: {width}×{height}, at least {min_side}×{min_side} is expected.",
                    )
                )
            if min(width, height) and max(width, height) / min(width, height) > max_aspect:
                item.flags.append("aspect")
                warns.append(
                    Finding(
                        "image_aspect",
                        f"У изображения {n} странные пропорции: {width}×{height}.",
                        f"Image {n} has odd proportions: {width}×{height}.",
                    )
                )

            # read back from the file; a colour profile says nothing of the author or the place
            metadata = [kind for kind in metadata_kinds(image, data) if kind != "icc"]
            if metadata:
                item.flags.append("metadata")
                item.details["metadata"] = metadata
                kinds = ", ".join(metadata)
                fails.append(
                    Finding(
                        "metadata_not_removed",
                        f"В сохранённом изображении {n} остались метаданные ({kinds}): "
                        "они могут раскрыть автора или место съёмки.",
                        f"Stored image {n} still carries metadata ({kinds}): it may reveal the author or the place.",
                    )
                )

            phash = phash64(image)
        item.details["phash"] = f"{phash & _MASK64:016x}"
        ImageFingerprint.objects.update_or_create(
            media_id=media.pk, defaults={"article_id": media.article_id, "phash": phash}
        )
        matches = index.near(phash, max_distance)
        if matches:
            item.flags.append("already_published")
            item.details["matches"] = matches[:MAX_MATCHES]
            best = matches[0]
            warns.append(
                Finding(
                    "image_already_published",
                    f"Изображение {n} уже опубликовано в статье №{best['article_id']} "
                    f"(различие {best['distance']} бит из 64).",
                    f"Image {n} was already published in article {best['article_id']} "
                    f"({best['distance']} of 64 bits differ).",
                )
            )

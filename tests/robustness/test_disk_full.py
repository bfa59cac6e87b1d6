"""A full disk while an upload is written: the client gets 507 `storage_full` (another storage failure: 503
`storage_unavailable`), no partial file stays in storage and no row is saved.

The disk really is full: writes go to /dev/full, which fails every write with ENOSPC (Linux), or, when the tests
run as root and may mount, to a tiny tmpfs filled up first. Where either is missing the test skips with the reason
through the suite's services gate: under NEWSROOM_REQUIRE_SERVICES=1 (CI) it fails instead, so a run can never
pass by skipping the scenario.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsroom.accounts.models import User
from submissions.models import Media
from submissions.tasks import make_media_sizes
from tests.conftest import error_code
from tests.factories import ArticleFactory
from tests.services import unavailable

pytestmark = pytest.mark.django_db

DEV_FULL = Path("/dev/full")


class FullDiskStorage(FileSystemStorage):
    """Local files on a disk that has run out of space: the file is created and its first bytes land, then the
    write fails with the device's own ENOSPC — what a full disk leaves behind is a partial file."""

    def _save(self, name: str, content: Any) -> str:
        full_path = Path(self.path(name))
        full_path.parent.mkdir(parents=True, exist_ok=True)
        with full_path.open("xb") as partial, DEV_FULL.open("wb", buffering=0) as device:
            for chunk in content.chunks():
                partial.write(chunk[: len(chunk) // 2])
                partial.flush()
                device.write(chunk)  # OSError(ENOSPC)
        return name


def _photo(width: int = 640, height: int = 480) -> bytes:
    image = Image.effect_noise((width, height), 64).convert("RGB")  # noise: it does not compress to nothing
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def full_disk(settings: Any, tmp_path: Path) -> Path:
    if not DEV_FULL.exists():
        unavailable("needs /dev/full (Linux) for a real ENOSPC")
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.FullDiskStorage"}}
    return root


def test_an_article_image_on_a_full_disk_is_refused_with_507_and_leaves_nothing(api, contributor, full_disk):
    article = ArticleFactory(author=contributor)
    response = api(contributor, lang="en").post(
        f"/api/v1/articles/{article.pk}/media/", {"file": _upload(_photo())}, format="multipart"
    )
    assert response.status_code == 507, response.content
    assert error_code(response) == "storage_full"
    assert (
        response.json()["error"]["message"]
        == "There is no room left to store files right now. Try again later."
    )
    assert not Media.objects.filter(article=article).exists()
    assert _files(full_disk) == []  # the partial file is gone


def test_an_avatar_on_a_full_disk_is_refused_with_507_and_the_old_one_stays(
    api, contributor, settings, full_disk
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    client = api(contributor)
    photo = _photo(200, 200)
    first = client.put("/api/v1/me/avatar/", {"avatar": _upload(photo)}, format="multipart")
    assert first.status_code == 200, first.content
    old = User.objects.get(pk=contributor.pk).avatar.name
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.FullDiskStorage"}}

    response = client.put("/api/v1/me/avatar/", {"avatar": _upload(photo)}, format="multipart")
    assert response.status_code == 507, response.content
    assert error_code(response) == "storage_full"
    assert User.objects.get(pk=contributor.pk).avatar.name == old
    assert [p.relative_to(full_disk).as_posix() for p in _files(full_disk)] == [old]


def test_another_storage_failure_is_a_503_and_leaves_nothing(api, contributor, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"  # ENOTDIR: the storage cannot write at all
    article = ArticleFactory(author=contributor)
    response = api(contributor).post(
        f"/api/v1/articles/{article.pk}/media/", {"file": _upload(_photo())}, format="multipart"
    )
    assert response.status_code == 503, response.content
    assert error_code(response) == "storage_unavailable"
    assert not Media.objects.filter(article=article).exists()


def test_sizes_that_do_not_fit_leave_no_file_and_the_image_stays(api, contributor, settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    article = ArticleFactory(author=contributor)
    response = api(contributor).post(
        f"/api/v1/articles/{article.pk}/media/", {"file": _upload(_photo(1200, 800))}, format="multipart"
    )
    assert response.status_code == 201, response.content
    media = Media.objects.get(pk=response.json()["id"])
    for entry in (media.sizes or {}).values():  # the eager task made them; make them again on a full disk
        (root / entry["name"]).unlink()
    Media.objects.filter(pk=media.pk).update(sizes={}, bytes=len((root / media.file.name).read_bytes()))
    if not DEV_FULL.exists():
        unavailable("needs /dev/full (Linux) for a real ENOSPC")
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.FullDiskStorage"}}
    make_media_sizes(media.pk)
    media.refresh_from_db()
    assert media.sizes == {}
    assert [p.relative_to(root).as_posix() for p in _files(root)] == [media.file.name]


# --- a real tiny file system --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _tmpfs(folder: Path, size: str) -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        unavailable("mounting a tmpfs needs root and mount(8)")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if done.returncode != 0:
        unavailable(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_an_upload_to_a_really_full_file_system_is_refused_with_507(api, contributor, settings, tmp_path):
    with _tmpfs(tmp_path / "media", "256k") as root:
        settings.MEDIA_ROOT = root
        filler = root / "filler"
        with filler.open("wb") as f, contextlib.suppress(OSError):  # fill it up, then leave a few kilobytes
            while True:
                f.write(b"\0" * 4096)
                f.flush()
        os.truncate(filler, max(0, filler.stat().st_size - 8192))
        article = ArticleFactory(author=contributor)
        response = api(contributor).post(
            f"/api/v1/articles/{article.pk}/media/", {"file": _upload(_photo())}, format="multipart"
        )
        assert response.status_code == 507, response.content
        assert error_code(response) == "storage_full"
        assert not Media.objects.filter(article=article).exists()
        assert _files(root) == [filler]


def test_the_full_disk_error_is_enospc():
    """The premise of the tests above: /dev/full fails a write with ENOSPC, as a full disk does."""
    if not DEV_FULL.exists():
        unavailable("needs /dev/full (Linux)")
    with DEV_FULL.open("wb", buffering=0) as device, pytest.raises(OSError) as failure:
        device.write(b"x")
    assert failure.value.errno == errno.ENOSPC

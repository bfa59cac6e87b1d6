"""Objects for the robustness suite: each role's own and other people's, at small ids that generated requests hit."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from moderation.models import EditorApplication
from newsroom.accounts.models import Notification, User
from newsroom.accounts.roles import CHIEF_EDITOR, EDITOR, JUNIOR_EDITOR
from submissions import media as media_services
from submissions import workflow
from submissions.models import Article, Media
from tests.factories import ArticleFactory, UserFactory

ROLES = ("anonymous", "contributor", "junior_editor", "editor", "chief_editor")
_GRANTS = {"junior_editor": JUNIOR_EDITOR, "editor": EDITOR, "chief_editor": CHIEF_EDITOR}


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def _commit() -> Any:
    return TestCase.captureOnCommitCallbacks(execute=True)


def draft_with_image_and_two_submitted(
    author: User, *, filename: str = "photo.jpg", caption: str = "Сквер"
) -> tuple[Article, Media, Article, Article]:
    """author's draft with an image, then two of author's articles submitted, in this order of ids."""
    draft = ArticleFactory(author=author)
    image = media_services.media_add(
        actor=author,
        article_id=draft.pk,
        upload=SimpleUploadedFile(filename, jpeg(), content_type="image/jpeg"),
        caption=caption,
    )
    first = ArticleFactory(author=author)
    second = ArticleFactory(author=author)
    with _commit():
        workflow.article_submit(actor=author, article_id=first.pk)
        workflow.article_submit(actor=author, article_id=second.pk)
    return draft, image, first, second


def _articles_of(author: User, publisher: User) -> None:
    """A draft with an image, an article in review and a published one."""
    _, _, _, published = draft_with_image_and_two_submitted(author)
    with _commit():
        workflow.article_approve(actor=publisher, article_id=published.pk)
    Notification.objects.create(user=author, kind="approve", key=f"world-{author.pk}", title="Опубликовано")


def build_world(role: str) -> User | None:
    """Another author's articles first (lowest ids), then the role's own; returns the role's user."""
    publisher = UserFactory(role=CHIEF_EDITOR)
    _articles_of(UserFactory(), publisher)
    EditorApplication.objects.create(user=UserFactory(trust_level=2))
    if role == "anonymous":
        return None
    user = UserFactory(role=_GRANTS[role]) if role in _GRANTS else UserFactory()
    _articles_of(user, publisher)
    return user

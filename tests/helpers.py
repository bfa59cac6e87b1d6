"""Plain helpers shared by test files in more than one folder: moving articles through the workflow, the moderation
API's addresses, a new article's fields."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from submissions import workflow
from submissions.models import Article
from submissions.states import Status
from tests.factories import ArticleFactory

# the fields of a new article, as POST /api/v1/articles/ takes them
NEW_ARTICLE = {
    "title": "Во дворе на Садовой починили детскую площадку",
    "lead": "Жители добились ремонта после двух лет жалоб.",
    "body": "Текст новости. " * 40,
    "language": "ru",
    "category": "city",
}


def _commit() -> Any:
    """As the `commit` fixture: the block's after-commit hooks run at its end."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def submitted(author: Any, **fields: Any) -> Article:
    """A new article by author (ArticleFactory fields), submitted with its after-commit work (the checks) run: in
    review."""
    article = ArticleFactory(author=author, **fields)
    with _commit():
        workflow.article_submit(actor=author, article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    return article


def submit_and_approve(article: Article, editor: Any) -> Article:
    """Submits the article as its author, then approves it as editor, each in its own commit; returns it refreshed
    (published, unless a check or the author's allowance stopped it: callers assert what they expect)."""
    with _commit():
        workflow.article_submit(actor=article.author, article_id=article.pk)
    with _commit():
        workflow.article_approve(actor=editor, article_id=article.pk)
    article.refresh_from_db()
    return article


def moderation_url(article: Article, tail: str = "") -> str:
    return f"/api/v1/moderation/articles/{article.pk}/{tail}"


def reject(client: Any, article: Article, code: str = "low_quality", **extra: Any) -> Any:
    """Rejects the article through the moderation API."""
    return client.post(moderation_url(article, "reject/"), {"reason_code": code, **extra}, format="json")


def gps_jpeg(*, make: bytes = b"SpyCam Industries", size: tuple[int, int] = (64, 48)) -> bytes:
    """A phone photo as JPEG: the camera's make and a GPS position in its EXIF (checked to be there)."""
    import io

    import piexif
    from PIL import Image

    exif = piexif.dump(
        {
            "0th": {piexif.ImageIFD.Make: make},
            "GPS": {
                piexif.GPSIFD.GPSLatitudeRef: b"N",
                piexif.GPSIFD.GPSLatitude: ((55, 1), (45, 1), (21, 1)),
                piexif.GPSIFD.GPSLongitudeRef: b"E",
                piexif.GPSIFD.GPSLongitude: ((37, 1), (37, 1), (4, 1)),
            },
        }
    )
    out = io.BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    assert piexif.load(data)["GPS"]  # the photo really carries a position
    return data


def signed_in(user: Any, lang: str = "ru", **kwargs: Any) -> Any:
    """A test client of the site's pages, signed in by session as `user`, reading in `lang`."""
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE=lang, **kwargs)
    client.force_login(user)
    return client

"""Photos in the studio's editor: several uploaded at once through submissions.media (the API's checks and refusals),
what was stripped from each said on the page, the files served only through the authorising media view, captions
and credits, the cover, removal."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import piexif
import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from submissions.models import Article, Media
from submissions.states import Status
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import gps_jpeg, submitted
from tests.studio.test_studio_editor import HTMX, errors_of, fields, load, page_state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def plain_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def photo_of(article: Article, n: int = 0) -> Media:
    """A stored photo of the article (without going through an upload)."""
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, format="JPEG")
    name = default_storage.save(f"media/{article.pk}/{'ab' * 6}{n:012d}.jpg", ContentFile(out.getvalue()))
    return Media.objects.create(
        article=article, file=name, format="jpeg", width=32, height=24, uploaded_by=article.author, position=n
    )


def path_of(url: str) -> str:
    parts = urlsplit(unescape(url))
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_upload_several_photos_at_once_and_say_what_was_removed(
    browser: Client, author: Any, settings: Any
) -> None:
    article = ArticleFactory(author=author)
    data = {
        **fields(**load(browser, article)),
        "action": "upload",
        "file": [upload("holiday-in-sochi.jpg", gps_jpeg()), upload("plan.png", plain_png(), "image/png")],
    }
    response = browser.post(f"/studio/{article.pk}/", data)
    assert response.status_code == 302 and response["Location"] == f"/studio/{article.pk}/"
    jpeg, png = Media.objects.filter(article=article).order_by("position")
    assert png.metadata_removed == []
    assert "gps" in jpeg.metadata_removed and "exif" in jpeg.metadata_removed
    # the stored file carries no EXIF and no position
    stored = default_storage.open(jpeg.file.name).read()
    assert piexif.load(stored)["GPS"] == {} and b"SpyCam" not in stored
    assert "sochi" not in jpeg.file.name

    page = browser.get(response["Location"]).content.decode()
    assert "holiday-in-sochi.jpg: загружено; геоданные удалены, данные камеры (EXIF) удалены." in unescape(
        page
    )
    assert "plan.png: загружено; метаданных в файле не было." in unescape(page)
    assert "При загрузке: геоданные удалены" in page  # said on the photo itself, for as long as it is there
    # the page shows the photos through the authorising media view, which serves them to the author only
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) == 2 and all("/media/media/" in s and "access=" in s for s in sources)
    served = browser.get(path_of(sources[0]))
    assert served.status_code == 200
    body = b"".join(served.streaming_content)
    assert piexif.load(body)["GPS"] == {}
    assert Client().get(path_of(sources[0]).split("?")[0]).status_code == 404  # nobody else
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(path_of(sources[0]).split("?")[0]).status_code == 404


def test_a_refused_file_is_explained_and_the_others_are_kept(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    data = {
        **fields(**load(browser, article)),
        "action": "upload",
        "file": [
            upload("notes.txt", b"just text, not an image", "text/plain"),
            upload("ok.png", plain_png(), "image/png"),
        ],
    }
    response = browser.post(f"/studio/{article.pk}/", data, follow=True)
    page = unescape(response.content.decode())
    assert "notes.txt: не загружено." in page
    assert "ok.png: загружено" in page
    assert Media.objects.filter(article=article).count() == 1


def test_upload_with_htmx_answers_the_photos_and_the_pages_new_state(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    state = load(browser, article)
    data = {
        **fields(title="Заголовок при загрузке", **state),
        "action": "upload",
        "file": [upload("a.jpg", gps_jpeg())],
    }
    response = browser.post(f"/studio/{article.pk}/", data, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="photos"') and "<html" not in html
    assert "a.jpg: загружено; геоданные удалены" in unescape(html)
    article.refresh_from_db()
    assert article.title == "Заголовок при загрузке"  # the form was saved first
    assert page_state(html)["version"] == str(article.version)
    assert (
        '<div id="editor-state" hx-swap-oob="true">' in html
        and 'id="save-status" hx-swap-oob="innerHTML"' in html
    )
    # the section keeps its own error list for the cover; the page's one is replaced out of band
    assert html.count('id="errors-cover"') == 2 and html.count('id="errors-cover" hx-swap-oob="true"') == 1


def test_the_upload_button_reports_progress_through_the_static_script(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    html = browser.get(f"/studio/{article.pk}/").content.decode()
    assert '<progress id="upload-progress"' in html
    assert re.search(
        r'<button[^>]*value="upload"[^>]*data-upload[^>]*hx-encoding="multipart/form-data"', html
    )
    found = finders.find("studio/editor.js")  # the script the page links, as collectstatic will find it
    assert found
    text = Path(str(found)).read_text()
    assert "htmx:xhr:progress" in text and "upload-progress" in text


def test_a_new_article_takes_photos_too(browser: Client, author: Any) -> None:
    data = {**fields(), "action": "upload", "file": [upload("a.png", plain_png(), "image/png")]}
    response = browser.post("/studio/new/", data)
    article = Article.objects.get()
    assert response["Location"] == f"/studio/{article.pk}/" and article.media.count() == 1


def test_an_invalid_form_uploads_nothing_and_keeps_the_text(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    data = {
        **fields(category="no-such", body="Текст остаётся", **load(browser, article)),
        "action": "upload",
        "file": [upload("a.png", plain_png(), "image/png")],
    }
    response = browser.post(f"/studio/{article.pk}/", data)
    assert response.status_code == 400
    assert "Текст остаётся" in response.content.decode() and not Media.objects.exists()


def test_captions_credits_and_the_cover(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    first, second = photo_of(article, 0), photo_of(article, 1)
    state = load(browser, article)
    data = fields(
        **state,
        cover=str(second.pk),
        **{f"media-{first.pk}-caption": "Площадка до ремонта", f"media-{first.pk}-credit": "Анна Петрова"},
    )
    assert browser.post(f"/studio/{article.pk}/", data).status_code == 302
    first.refresh_from_db()
    article.refresh_from_db()
    assert (first.caption, first.credit) == ("Площадка до ремонта", "Анна Петрова")
    assert article.cover_id == second.pk
    page = browser.get(f"/studio/{article.pk}/").content.decode()
    assert f'name="cover" value="{second.pk}" checked' in page
    assert 'value="Площадка до ремонта"' in page


def test_a_caption_is_checked_like_the_apis(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author, title="Было")
    photo = photo_of(article)
    data = fields(title="Стало", **load(browser, article), **{f"media-{photo.pk}-caption": "Подпись\u202e"})
    response = browser.post(f"/studio/{article.pk}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "U+202E" in html and 'aria-invalid="true"' in html
    photo.refresh_from_db()
    article.refresh_from_db()
    assert (
        photo.caption == "" and article.title == "Было"
    )  # nothing saved, the typed caption kept in the form
    assert "Подпись\u202e" in html


def test_another_articles_photo_cannot_be_the_cover(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    foreign = photo_of(ArticleFactory())
    response = browser.post(f"/studio/{article.pk}/", fields(cover=str(foreign.pk), **load(browser, article)))
    assert response.status_code == 400
    assert errors_of(response.content.decode(), "cover")
    assert Article.objects.get(pk=article.pk).cover_id is None


def test_remove_a_photo_and_the_cover_goes_with_it(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    photo, other = photo_of(article, 0), photo_of(article, 1)
    article.cover = photo
    article.save(update_fields=["cover"])
    data = fields(cover=str(photo.pk), remove_media=str(photo.pk), **load(browser, article))
    response = browser.post(f"/studio/{article.pk}/", data, follow=True)
    assert "Фотография удалена." in response.content.decode()
    assert list(Media.objects.filter(article=article)) == [other]
    assert Article.objects.get(pk=article.pk).cover_id is None
    # with htmx: the photos' part only
    data = fields(remove_media=str(other.pk), **page_state(response.content.decode()))
    answer = browser.post(f"/studio/{article.pk}/", data, **HTMX)
    assert answer.status_code == 200 and answer.content.decode().lstrip().startswith('<section id="photos"')
    assert not Media.objects.filter(article=article).exists()


def test_someone_elses_photo_cannot_be_removed_through_my_article(browser: Client, author: Any) -> None:
    mine = ArticleFactory(author=author)
    foreign = photo_of(ArticleFactory())
    response = browser.post(
        f"/studio/{mine.pk}/", fields(remove_media=str(foreign.pk), **load(browser, mine))
    )
    assert response.status_code == 302
    assert Media.objects.filter(pk=foreign.pk).exists()
    assert (
        browser.post(f"/studio/{foreign.article_id}/", {"remove_media": str(foreign.pk)}).status_code == 404
    )


def test_photos_of_an_article_in_review_are_shown_read_only(browser: Client, author: Any) -> None:
    article = submitted(author)
    photo_of(article)
    page = browser.get(f"/studio/{article.pk}/").content.decode()
    assert "<img src=" in page and 'name="file"' not in page and 'name="remove_media"' not in page
    data = {
        "action": "upload",
        "version": str(article.version),
        "file": [upload("a.png", plain_png(), "image/png")],
    }
    assert browser.post(f"/studio/{article.pk}/", data).status_code == 409
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW and article.media.count() == 1


def test_uploads_share_the_apis_throttle(browser: Client, author: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"media_upload": "1/min"}}
    article = ArticleFactory(author=author)
    data = {
        **fields(**load(browser, article)),
        "action": "upload",
        "file": [upload("a.png", plain_png(), "image/png"), upload("b.png", plain_png(), "image/png")],
    }
    page = unescape(browser.post(f"/studio/{article.pk}/", data, follow=True).content.decode())
    assert "a.png: загружено" in page and "b.png: не загружено. Слишком много загрузок" in page
    assert article.media.count() == 1


def test_editor_query_count_is_the_same_for_1_and_50_photos(
    browser: Client, author: Any, django_assert_max_num_queries: Any
) -> None:
    article = ArticleFactory(author=author)
    photo_of(article, 0)
    with django_assert_max_num_queries(15) as one:
        assert browser.get(f"/studio/{article.pk}/").status_code == 200
    for n in range(1, 50):
        photo_of(article, n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = browser.get(f"/studio/{article.pk}/")
    assert response.content.decode().count('class="photo"') == 50

"""Invisible characters (text-direction controls, zero-width and other format characters) are refused in every
short text that reaches a page title, a byline or a feed: field code `invisible_control` (docs/errors.md)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers as drf

from newsroom.accounts.serializers import MeInput, RegisterInput
from newsroom.api.text import INVISIBLE_CONTROL, invisible_characters, visible
from submissions.media_apis import MediaUpdateInput, MediaUploadInput
from submissions.models import Article
from submissions.serializers import ArticleInput, SourceInput
from tests.conftest import error_code
from tests.helpers import NEW_ARTICLE
from tests.robustness.conftest import count
from tests.submissions.test_media import post_image, small_jpeg

pytestmark = pytest.mark.django_db

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
OTHER_INVISIBLE = ["\u200b", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u3164", "\U000e0041", "\x1b"]
CONTROLS = BIDI + OTHER_INVISIBLE

# the input serializers of every text a page or a feed shows as a title, a byline, a tag or a caption
INPUTS = [ArticleInput, SourceInput, MediaUploadInput, MediaUpdateInput, RegisterInput, MeInput]
# their free texts that are not display texts of that kind: long texts (Markdown, a bio) keep bidi marks for
# quotations in right-to-left scripts; secrets and tokens are never shown
NOT_TITLES = {"body", "bio", "password"}


def swept_fields() -> list[tuple[type, str]]:
    """Every plain text field (or list of them) of INPUTS: a field added later is swept too."""
    found = []
    for serializer in INPUTS:
        for name, field in serializer().fields.items():
            field = field.child if isinstance(field, drf.ListField) else field
            if type(field) is drf.CharField and name not in NOT_TITLES:
                found.append((serializer, name))
    return found


SWEPT = swept_fields()


def test_the_sweep_covers_the_display_texts():
    assert {name for _, name in SWEPT} >= {
        "title", "lead", "tags", "place_name", "description", "caption", "credit", "display_name", "pen_name",
    }  # fmt: skip


def _codes(detail: Any) -> set[str]:
    if isinstance(detail, dict):
        return set().union(*(_codes(v) for v in detail.values())) if detail else set()
    if isinstance(detail, list):
        return set().union(*(_codes(v) for v in detail)) if detail else set()
    return {detail.code}


def _validate(serializer: type, name: str, text: str) -> drf.Serializer:
    value: Any = [text] if isinstance(serializer().fields[name], drf.ListField) else text
    checked = serializer(data={name: value}, partial=True)
    checked.is_valid()
    return checked


@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize(("serializer", "name"), SWEPT, ids=lambda x: getattr(x, "__name__", x))
def test_every_display_text_refuses_every_invisible_character(serializer, name, char):
    clean = _validate(serializer, name, "Пожар в центре")
    assert name not in clean.errors, clean.errors  # the same text without the character passes
    for text in (f"Пожар{char} в центре", f"{char}Пожар в центре", f"Пожар в центре{char}"):
        refused = _validate(serializer, name, text)
        count("invisible controls: field x character x place tried")
        assert _codes(refused.errors.get(name, {})) == {INVISIBLE_CONTROL}, (text, refused.errors)


@pytest.mark.parametrize(
    "text",
    [
        "👩\u200d💻 Программисты города",  # ZWJ in an emoji sequence
        "می\u200cخواهم",  # ZWNJ in a Persian word
        "Матч 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # the flag of Scotland
        "שלום и مرحبا",  # right-to-left letters themselves are text
        "Line one\nline two",
    ],
)
def test_characters_words_and_emoji_need_are_allowed(text):
    assert invisible_characters(text) == [] and visible(text) == text
    assert "title" not in _validate(ArticleInput, "title", text).errors


def test_visible_drops_only_the_invisible():
    assert visible("\u202eПожар\u2066 в\u200b центре\u2069") == "Пожар в центре"
    assert invisible_characters("\u202eПожар\u2066 в\u202e") == ["U+202E", "U+2066"]


# --- the API answers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_title_with_a_direction_override_is_a_field_error_naming_the_character(api, contributor, lang):
    title = "Пожар в центре \u202eадорог\u2066"
    response = api(contributor, lang=lang).post(
        "/api/v1/articles/", {**NEW_ARTICLE, "title": title}, format="json"
    )
    assert response.status_code == 400 and error_code(response) == "invalid"
    [detail] = response.json()["error"]["fields"]["title"]
    assert detail["code"] == INVISIBLE_CONTROL and "U+202E, U+2066" in detail["message"]
    assert ("невидимые" in detail["message"]) == (lang == "ru")
    assert not Article.objects.filter(author=contributor).exists()


def test_tags_and_edits_refuse_them_too(api, draft):
    client, url = api(draft.author), f"/api/v1/articles/{draft.pk}/"
    for data in ({"tags": ["пожар", "центр\u200f"]}, {"lead": "\u2067Лид"}, {"place_name": "Москва\u061c"}):
        etag = client.get(url)["ETag"]
        response = client.patch(url, data, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 400, data
        assert str(response.json()["error"]["fields"]).count("'code'") == 1
        assert f"'code': '{INVISIBLE_CONTROL}'" in str(response.json()["error"]["fields"])
    draft.refresh_from_db()
    assert invisible_characters(draft.lead + draft.place_name) == []


def test_display_and_pen_names_refuse_them(api, contributor):
    client = api(contributor)
    for field in ("display_name", "pen_name"):
        response = client.patch("/api/v1/me/", {field: "Анна \u202eавортеП"}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["fields"][field][0]["code"] == INVISIBLE_CONTROL
    contributor.refresh_from_db()
    assert "\u202e" not in contributor.display_name + contributor.pen_name
    registered = api().post(
        "/api/v1/auth/register/",
        {
            "email": "new@example.org",
            "password": "a long enough passphrase 42",
            "display_name": "\u3164\u3164",
        },
        format="json",
    )
    assert registered.status_code == 400
    assert registered.json()["error"]["fields"]["display_name"][0]["code"] == INVISIBLE_CONTROL


def test_image_captions_and_credits_refuse_them(api, draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = api(draft.author)
    upload = post_image(client, draft, small_jpeg(), caption="Сквер\u200b на Садовой")
    assert (
        upload.status_code == 400
        and upload.json()["error"]["fields"]["caption"][0]["code"] == INVISIBLE_CONTROL
    )
    media_id = post_image(client, draft, small_jpeg(), caption="Сквер на Садовой").json()["id"]
    edit = client.patch(
        f"/api/v1/articles/{draft.pk}/media/{media_id}/", {"credit": "\u202dАнна"}, format="json"
    )
    assert (
        edit.status_code == 400 and edit.json()["error"]["fields"]["credit"][0]["code"] == INVISIBLE_CONTROL
    )

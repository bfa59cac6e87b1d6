"""The editor's form: what the page posts, read into the API's own input (submissions.serializers.ArticleInput,
submissions.media_apis.MediaUpdateInput) and the serializers' errors put back next to the fields they name.

No Django form restates a rule: the page posts the API's field names (`title`, `lead`, `body`, `language`,
`category`, `tags`, `place_name`, `region`, `has_third_party_material`, `rights_confirmed`, `cover`), the sources
as rows (`sources-<n>-kind`, `-url`, `-description`) and the captions of the photos (`media-<id>-caption`,
`-credit`); `EditorForm.validate` turns them into the dictionary a JSON client would send and hands it to the
API's serializer, so the same input gets the same codes and messages (in the reader's language).

A refused save keeps everything: the form is re-rendered from what was posted, never from the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from submissions.media_apis import MediaUpdateInput
from submissions.models import Article, Category, Media, Source
from submissions.serializers import ArticleInput
from submissions.states import Language, SourceKind

TEXT_FIELDS = ("title", "lead", "body", "place_name", "region")
FLAGS = ("has_third_party_material", "rights_confirmed")
# what a save sends: every field of the form, so that an emptied field is emptied (coordinates are not on the page,
# so they are never sent and never changed)
ARTICLE_FIELDS = (*TEXT_FIELDS, "language", "category", "tags", *FLAGS, "sources", "cover")
MAX_SOURCES = 20  # ArticleInput.sources max_length: a form never offers more rows
_SOURCE_NAME = re.compile(r"sources-(\d{1,2})-(kind|url|description)")
_MEDIA_NAME = re.compile(r"media-([1-9]\d{0,17})-(caption|credit)")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

LABELS: dict[str, Any] = {
    "title": pgettext_lazy("studio field", "Title"),
    "lead": pgettext_lazy("studio field", "Lead"),
    "body": pgettext_lazy("studio field", "Text"),
    "language": pgettext_lazy("studio field", "Language"),
    "category": pgettext_lazy("studio field", "Section"),
    "tags": pgettext_lazy("studio field", "Tags"),
    "place_name": pgettext_lazy("studio field", "Place"),
    "region": pgettext_lazy("studio field", "Region"),
    "has_third_party_material": pgettext_lazy("studio field", "Third-party material"),
    "rights_confirmed": pgettext_lazy("studio field", "Right to publish"),
    "sources": pgettext_lazy("studio field", "Sources"),
    "cover": pgettext_lazy("studio field", "Cover photo"),
}
YES, NO = gettext_lazy("yes"), gettext_lazy("no")


def messages_of(detail: Any) -> list[str]:
    """Every message in a serializer's (or an ApplicationError's) error detail, flattened, each once."""
    found: list[str] = []
    if isinstance(detail, Mapping):
        if "message" in detail and "code" in detail:  # {"code", "message"}: an ApplicationError's field error
            found.append(str(detail["message"]))
        else:
            for value in detail.values():
                found += messages_of(value)
    elif isinstance(detail, list | tuple):
        for value in detail:
            found += messages_of(value)
    elif detail is not None:
        found.append(str(detail))
    return list(dict.fromkeys(found))


def split_tags(text: str) -> list[str]:
    """The tags field is one line, comma-separated (a `#` before a tag is fine: the API drops it)."""
    return [tag.strip() for tag in text.split(",") if tag.strip()]


def valid_token(value: str) -> str:
    """The editor page's id (a hidden field): kept only if it looks like one the page made."""
    return value if _TOKEN.fullmatch(value or "") else ""


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


@dataclass
class SourceRow:
    kind: str = ""
    url: str = ""
    description: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    def is_blank(self) -> bool:
        return not (self.kind or self.url.strip() or self.description.strip())

    def as_input(self) -> dict[str, str]:
        return {"kind": self.kind, "url": self.url.strip(), "description": self.description}

    @property
    def all_errors(self) -> list[str]:
        return list(dict.fromkeys(m for messages in self.errors.values() for m in messages))


@dataclass
class EditorForm:
    """The editor's fields as the page shows them (strings, as typed), with the errors to show beside them."""

    title: str = ""
    lead: str = ""
    body: str = ""
    language: str = Language.RU
    category: str = ""
    tags: str = ""
    place_name: str = ""
    region: str = ""
    has_third_party_material: bool = False
    rights_confirmed: bool = False
    cover: str = ""
    sources: list[SourceRow] = field(default_factory=list)
    captions: dict[int, dict[str, str]] = field(default_factory=dict)  # photo id -> caption/credit, as posted
    # the page's state: the version its text is based on, the version a conflict was shown against, its id
    version: int | None = None
    conflict_version: int | None = None
    keep: dict[str, str] = field(default_factory=dict)  # field -> "mine" | "theirs", after a conflict
    token: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    media_errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)

    # --- reading -------------------------------------------------------------------------------------------------

    @classmethod
    def from_article(cls, article: Article, *, tags: Iterable[str], sources: Iterable[Source]) -> EditorForm:
        return cls(
            title=article.title,
            lead=article.lead,
            body=article.body,
            language=article.language,
            category=article.category.slug if article.category_id and article.category else "",
            tags=", ".join(tags),
            place_name=article.place_name,
            region=article.region,
            has_third_party_material=article.has_third_party_material,
            rights_confirmed=article.rights_confirmed,
            cover=str(article.cover_id or ""),
            sources=[SourceRow(s.kind, s.url, s.description) for s in sources],
            version=article.version,
        )

    @classmethod
    def from_post(cls, post: Any) -> EditorForm:
        """The posted form, as typed. Source rows are read in their order on the page (at most MAX_SOURCES);
        a row's number in its field names only groups its fields."""
        rows: dict[int, SourceRow] = {}
        captions: dict[int, dict[str, str]] = {}
        keep: dict[str, str] = {}
        for name in post:
            if match := _SOURCE_NAME.fullmatch(name):
                row = rows.setdefault(int(match[1]), SourceRow())
                setattr(row, match[2], post.get(name, ""))
            elif match := _MEDIA_NAME.fullmatch(name):
                captions.setdefault(int(match[1]), {})[match[2]] = post.get(name, "")
            elif name.startswith("keep-") and name[5:] in ARTICLE_FIELDS:
                keep[name[5:]] = "theirs" if post.get(name) == "theirs" else "mine"
        flags = {name: post.get(name, "") in ("on", "true", "1") for name in FLAGS}
        form = cls(
            language=post.get("language", Language.RU),
            category=post.get("category", ""),
            tags=post.get("tags", ""),
            has_third_party_material=flags["has_third_party_material"],
            rights_confirmed=flags["rights_confirmed"],
            cover=post.get("cover", ""),
            sources=[rows[n] for n in sorted(rows)][:MAX_SOURCES],
            captions=captions,
            version=_int(post.get("version")),
            conflict_version=_int(post.get("conflict_version")),
            keep=keep,
            token=valid_token(post.get("editor_token", "")),
        )
        for name in TEXT_FIELDS:
            setattr(form, name, post.get(name, ""))
        return form

    def is_blank(self) -> bool:
        """Nothing written yet: an autosave of an untouched new page creates no draft."""
        return not (self.title.strip() or self.lead.strip() or self.body.strip())

    # --- checking ------------------------------------------------------------------------------------------------

    def api_input(self) -> dict[str, Any]:
        """What a JSON client would PATCH: every field of the page, blank source rows left out."""
        return {
            **{name: getattr(self, name) for name in TEXT_FIELDS},
            "language": self.language,
            "category": self.category or None,
            "tags": split_tags(self.tags),
            **{name: getattr(self, name) for name in FLAGS},
            "sources": [row.as_input() for row in self.sources if not row.is_blank()],
            "cover": self.cover or None,
        }

    def validate(self, article: Article | None) -> dict[str, Any] | None:
        """The validated fields (ArticleInput's `validated_data`, ready for the services), or None with the
        errors put on the form. A NUL character is refused first, as the API's JSON parser refuses it before its
        serializer runs (a slug with one would reach the database)."""
        data = self.api_input()
        nul = [name for name, value in data.items() if _holds_nul(value)]
        if nul:
            for name in nul:
                self.errors[name] = [_("Remove the NUL character (U+0000) from this field.")]
            return None
        serializer = ArticleInput(data=data, context={"article": article})
        if serializer.is_valid():
            return dict(serializer.validated_data)
        self._put_errors(serializer.errors)
        return None

    def _put_errors(self, errors: Mapping[str, Any]) -> None:
        sent = [row for row in self.sources if not row.is_blank()]
        for name, detail in errors.items():
            if name == "sources" and isinstance(detail, list) and len(detail) == len(sent):
                for row, row_detail in zip(sent, detail, strict=True):
                    for key, value in (row_detail or {}).items():
                        row.errors[key if key in ("kind", "url", "description") else "row"] = messages_of(
                            value
                        )
                continue
            target = "latitude" if name in ("latitude", "longitude") else name
            target = target if target in ARTICLE_FIELDS else "form"
            self.errors.setdefault(target, [])
            self.errors[target] = list(dict.fromkeys(self.errors[target] + messages_of(detail)))

    def put_application_error(self, fields: Mapping[str, Any]) -> None:
        """An ApplicationError's `fields` ({name: [{"code", "message"}]}) next to the fields they name."""
        self._put_errors(fields)

    def validate_captions(self, photos: Mapping[int, Media]) -> dict[int, dict[str, str]] | None:
        """The changed captions and credits of the article's photos, checked by the API's MediaUpdateInput (None,
        with the errors on the form, if one is refused). Fields of photos that are gone are ignored."""
        changes: dict[int, dict[str, str]] = {}
        for media_id, posted in self.captions.items():
            media = photos.get(media_id)
            if media is None:
                continue
            wanted = {k: v for k, v in posted.items() if v != getattr(media, k)}
            if not wanted:
                continue
            serializer = MediaUpdateInput(data=wanted)
            if serializer.is_valid():
                changes[media_id] = dict(serializer.validated_data)
            else:
                self.media_errors[media_id] = {k: messages_of(v) for k, v in serializer.errors.items()}
        return None if self.media_errors else changes

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.media_errors or any(row.errors for row in self.sources))

    def error_count(self) -> int:
        return (
            len(self.errors)
            + sum(len(e) for e in self.media_errors.values())
            + sum(1 for row in self.sources if row.errors)
        )


# --- the two versions of a conflict --------------------------------------------------------------------------------


@dataclass
class ConflictField:
    """A field whose saved value (theirs) differs from the one the author sent (theirs is kept unless chosen)."""

    name: str
    label: str
    theirs: str
    yours: str
    multiline: bool = False
    keep: str = "mine"


def _display(name: str, value: Any, categories: Mapping[str, str]) -> str:
    if name in FLAGS:
        return str(YES if value else NO)
    if name == "category":
        return categories.get(value or "", value or "—")
    if name == "tags":
        return ", ".join(value) or "—"
    if name == "sources":
        kinds = dict(SourceKind.choices)
        lines = [
            " — ".join(part for part in (str(kinds.get(kind, kind)), url, description) if part)
            for kind, url, description in value
        ]
        return "\n".join(lines) or "—"
    if name == "cover":
        return _("photo #%(id)s") % {"id": value} if value else "—"
    if name == "language":
        return str(dict(Language.choices).get(value, value))
    return str(value or "")


def comparable(name: str, value: Any) -> Any:
    """A field's value in one shape whichever side it comes from: a validated input or the saved article."""
    if name == "category":
        return value.slug if isinstance(value, Category) else (value or "")
    if name == "cover":
        return value.pk if isinstance(value, Media) else value
    if name == "tags":
        return sorted(value)
    if name == "sources":
        return [
            (s["kind"], s.get("url", ""), s.get("description", "")) if isinstance(s, Mapping) else s
            for s in value
        ]
    return value


def saved_values(article: Article, *, tags: Iterable[str], sources: Iterable[Source]) -> dict[str, Any]:
    """The article as saved, in `comparable` shape."""
    values = {name: getattr(article, name) for name in (*TEXT_FIELDS, "language", *FLAGS)}
    values["category"] = article.category.slug if article.category_id and article.category else ""
    values["tags"] = sorted(tags)
    values["sources"] = [(s.kind, s.url, s.description) for s in sources]
    values["cover"] = article.cover_id
    return values


def conflicts(
    theirs: Mapping[str, Any],
    data: Mapping[str, Any],
    *,
    categories: Mapping[str, str],
    keep: Mapping[str, str],
) -> list[ConflictField]:
    """The fields of `data` (a validated save) whose value differs from the saved one, in the form's order."""
    found = []
    for name in ARTICLE_FIELDS:
        if name not in data:
            continue
        mine = comparable(name, data[name])
        if mine == theirs[name]:
            continue
        found.append(
            ConflictField(
                name=name,
                label=str(LABELS[name]),
                theirs=_display(name, theirs[name], categories),
                yours=_display(name, mine, categories),
                multiline=name in ("body", "lead", "sources"),
                keep=keep.get(name, "mine"),
            )
        )
    return found

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from newsroom.accounts.models import User
from newsroom.api.links import absolute, origin
from newsroom.api.text import visible
from submissions.links import article_api_path, article_api_url
from submissions.media_apis import MediaOutput
from submissions.models import Article, Media
from submissions.states import Status

DISCLAIMER = _(
    "This news was written by a reader of the site, not by its staff. The editors reviewed it before "
    "publication; the author is responsible for its content. Material taken from elsewhere belongs to its "
    "owners and is credited under Sources."
)


class VisibleCharField(serializers.CharField):
    """A public text without invisible characters (newsroom.api.text.visible): what was stored before they were
    refused, or written in the admin, reaches the app as the pages and feeds show it."""

    def to_representation(self, value: Any) -> str:
        return visible(super().to_representation(value))


@extend_schema_field(str)
class VisibleTagField(serializers.RelatedField):
    """A tag's name, as VisibleCharField shows a text."""

    def to_representation(self, value: Any) -> str:
        return visible(value.name)


class PublicMediaOutput(MediaOutput):
    caption = VisibleCharField(read_only=True)
    credit = VisibleCharField(read_only=True)

    class Meta(MediaOutput.Meta):
        fields = ["id", "url", "width", "height", "caption", "credit", "sizes"]
        read_only_fields = fields


class FeedItemOutput(serializers.ModelSerializer):
    category = serializers.SerializerMethodField()
    author = serializers.CharField(source="author.byline")
    author_id = serializers.IntegerField()
    title = VisibleCharField(read_only=True)
    lead = VisibleCharField(read_only=True)
    tags = VisibleTagField(many=True, read_only=True)
    cover = PublicMediaOutput(allow_null=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "slug",
            "title",
            "lead",
            "language",
            "category",
            "tags",
            "region",
            "author",
            "author_id",
            "published_at",
            "cover",
            "url",
        ]

    def get_category(self, obj: Article) -> dict[str, str]:
        assert obj.category is not None  # published articles always have one (submit requires it)
        return {"slug": obj.category.slug, "name": obj.category.name_for(translation.get_language())}

    def get_url(self, obj: Article) -> str:
        return article_api_url(obj.slug or "")


def _iso(value: Any, zone: Any) -> str | None:
    """serializers.DateTimeField().to_representation of an aware time (with USE_TZ), without its lookups per value."""
    if not value:
        return None
    text: str = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def feed_items(rows: list[dict[str, Any]], tags: dict[int, list[str]]) -> list[dict[str, Any]]:
    """FeedItemOutput's JSON for selectors.feed_rows() dictionaries, built directly: no model instance and no
    serializer field per value. The output is the same item for item (tests/publishing/test_feed_fast_path.py
    compares both on every kind of item); FeedItemOutput stays the documented schema."""
    english = (translation.get_language() or "").startswith("en")
    zone = (
        timezone.get_current_timezone()
    )  # DRF's DateTimeField: the time in the current zone, ISO 8601, Z for UTC
    base = origin()  # the same as absolute(url) for a path, without checking every URL again
    storage = Media._meta.get_field("file").storage

    def url_of(url: str) -> str:
        return base + url if url.startswith("/") else absolute(url)

    items = []
    for row in rows:
        cover = None
        if row["cover_id"] is not None:
            sizes = row["cover__sizes"] or {}
            cover = {
                "id": row["cover_id"],
                "url": url_of(storage.url(row["cover__file"])),
                "width": row["cover__width"],
                "height": row["cover__height"],
                "caption": visible(row["cover__caption"]),
                "credit": visible(row["cover__credit"]),
                "sizes": {
                    key: {
                        "url": url_of(storage.url(entry["name"])),
                        "width": entry["width"],
                        "height": entry["height"],
                        "bytes": entry["bytes"],
                    }
                    for key, entry in sorted(sizes.items(), key=lambda item: int(item[0]))
                },
            }
        items.append(
            {
                "slug": row["slug"],
                "title": visible(row["title"]),
                "lead": visible(row["lead"]),
                "language": row["language"],
                "category": {
                    "slug": row["category__slug"],
                    "name": row["category__name_en"] if english else row["category__name_ru"],
                },
                "tags": [visible(tag) for tag in tags.get(row["id"], [])],
                "region": row["region"],
                "author": User.byline_of(
                    row["author__pen_name"], row["author__display_name"], row["author__deleted_at"]
                ),
                "author_id": row["author_id"],
                "published_at": _iso(row["published_at"], zone),
                "cover": cover,
                "url": base + article_api_path(row["slug"]),
            }
        )
    return items


class PublicCorrectionOutput(serializers.Serializer):
    text = serializers.CharField()
    published_at = serializers.DateTimeField(source="created_at")


class PublicSourceOutput(serializers.Serializer):
    kind = serializers.CharField()
    url = serializers.CharField()
    description = VisibleCharField()


class ProvenanceOutput(serializers.Serializer):
    own_reporting = serializers.BooleanField()
    third_party_material = serializers.BooleanField()
    sources = PublicSourceOutput(many=True)
    disclaimer = serializers.CharField()


class RetractionOutput(serializers.Serializer):
    retracted_at = serializers.DateTimeField()
    reason = serializers.CharField(source="retraction_reason")


class FeedArticleOutput(FeedItemOutput):
    """The article page: the text, its dated corrections and, once retracted, the retraction notice (the URL
    stays)."""

    corrections = PublicCorrectionOutput(many=True, read_only=True)
    retraction = serializers.SerializerMethodField()
    media = PublicMediaOutput(many=True, read_only=True)
    provenance = serializers.SerializerMethodField()

    class Meta(FeedItemOutput.Meta):
        fields = [
            *FeedItemOutput.Meta.fields,
            "body",
            "body_html",
            "status",
            "media",
            "provenance",
            "corrections",
            "retraction",
        ]

    @extend_schema_field(ProvenanceOutput)
    def get_provenance(self, obj: Article) -> dict[str, Any]:
        """Which material is the contributor's own and which is third-party, with its sources."""
        return {
            "own_reporting": not obj.has_third_party_material,
            "third_party_material": obj.has_third_party_material,
            "sources": [
                {"kind": s.kind, "url": s.url, "description": visible(s.description)}
                for s in obj.sources.all()
            ],
            "disclaimer": str(DISCLAIMER),
        }

    @extend_schema_field(RetractionOutput(allow_null=True))
    def get_retraction(self, obj: Article) -> dict[str, Any] | None:
        return RetractionOutput(obj).data if obj.status == Status.RETRACTED else None


class AuthorOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    byline = serializers.CharField()
    bio = serializers.CharField()
    avatar = serializers.SerializerMethodField()
    published_count = serializers.IntegerField()
    joined = serializers.SerializerMethodField(help_text="YYYY-MM")

    def get_avatar(self, obj: Any) -> str | None:
        if not obj.avatar or obj.deleted_at:
            return None
        return absolute(obj.avatar.url)

    def get_joined(self, obj: Any) -> str:
        return obj.date_joined.strftime("%Y-%m")

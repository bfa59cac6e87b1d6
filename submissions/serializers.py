from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from newsroom.api.text import refuse_invisible
from submissions import policy
from submissions.content import normalize_tags
from submissions.models import Article, Category, Media, Revision, Source
from submissions.selectors import active_categories
from submissions.states import Language, RejectReason, SourceKind


class CategoryOutput(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name_ru", "name_en"]


class SourceInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    url = serializers.URLField(max_length=1000, required=False, allow_blank=True, default="")
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", validators=[refuse_invisible]
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("url") and not attrs.get("description"):
            raise serializers.ValidationError(_("Give the source's address or describe it."), code="required")
        return attrs


class ArticleInput(serializers.Serializer):
    """What an author (or an editor, in review) may write. Every field optional on PATCH; drafts may be
    incomplete. `body` is Markdown."""

    # the short texts that reach page titles, bylines and feeds refuse invisible characters (newsroom.api.text)
    title = serializers.CharField(
        max_length=200, allow_blank=True, required=False, validators=[refuse_invisible]
    )
    lead = serializers.CharField(
        max_length=600, allow_blank=True, required=False, validators=[refuse_invisible]
    )
    body = serializers.CharField(max_length=100_000, allow_blank=True, required=False, trim_whitespace=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=active_categories(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown category '{value}'.")},
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60, validators=[refuse_invisible]),
        required=False,
        max_length=30,
        help_text=_("Free tags."),
    )
    place_name = serializers.CharField(
        max_length=120, allow_blank=True, required=False, validators=[refuse_invisible]
    )
    region = serializers.SlugField(
        max_length=60,
        allow_blank=True,
        required=False,
        help_text=_("Routing key of the region, e.g. moscow."),
    )
    latitude = serializers.DecimalField(
        max_digits=8, decimal_places=5, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=8, decimal_places=5, min_value=-180, max_value=180, required=False, allow_null=True
    )
    has_third_party_material = serializers.BooleanField(required=False)
    rights_confirmed = serializers.BooleanField(
        required=False, help_text=_("I have the right to publish this material.")
    )
    sources = SourceInput(many=True, required=False, max_length=20)  # type: ignore[call-arg]
    cover = serializers.PrimaryKeyRelatedField(
        queryset=Media.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("One of the article's images."),
    )

    def validate_tags(self, value: list[str]) -> list[str]:
        return normalize_tags(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("latitude" in attrs) != ("longitude" in attrs) or (
            (attrs.get("latitude") is None) != (attrs.get("longitude") is None)
        ):
            raise serializers.ValidationError(
                {"latitude": [_("Give both coordinates, or neither.")]}, code="coordinates_incomplete"
            )
        article = self.context.get("article")
        cover = attrs.get("cover")
        if cover is not None and (article is None or cover.article_id != article.pk):
            raise serializers.ValidationError({"cover": [_("Choose one of this article's images.")]})
        return attrs


class AppealInput(serializers.Serializer):
    message = serializers.CharField(max_length=5000, help_text=_("Why the rejection should be reconsidered."))


class SourceOutput(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["kind", "url", "description"]


class ArticleOutput(serializers.ModelSerializer):
    """The author's view of their own article."""

    category: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    revision = serializers.IntegerField(
        source="current_revision.number", default=None, read_only=True, allow_null=True
    )
    tags: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    sources = SourceOutput(many=True, read_only=True)
    cover: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    # "" until the article is rejected
    reject_reason = serializers.ChoiceField(choices=RejectReason.choices, allow_blank=True, read_only=True)
    pending_update = serializers.SerializerMethodField()
    can_appeal = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "version",
            "title",
            "lead",
            "body",
            "body_html",
            "language",
            "category",
            "tags",
            "place_name",
            "region",
            "latitude",
            "longitude",
            "has_third_party_material",
            "rights_confirmed",
            "sources",
            "cover",
            "slug",
            "status",
            "revision",
            "reject_reason",
            "can_appeal",
            "pending_update",
            "created_at",
            "updated_at",
            "submitted_at",
            "publish_at",
            "published_at",
        ]
        read_only_fields = fields

    def get_can_appeal(self, obj: Article) -> bool:
        return policy.may_appeal(obj)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_pending_update(self, obj: Article) -> dict[str, Any] | None:
        """An edit of the published article waiting for review (the published text stays live meanwhile)."""
        pending = obj.pending_revision if obj.pending_revision_id else None
        if pending is None:
            return None
        return {
            "revision": pending.number,
            "title": pending.title,
            "lead": pending.lead,
            "body": pending.body,
        }


class RevisionSummaryOutput(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = Revision
        fields = ["number", "kind", "changed", "created_by", "created_at", "updated_at"]

    def get_created_by(self, obj: Revision) -> dict[str, Any]:
        """The author, or "editor" for an editorial edit (editors stay anonymous to authors)."""
        if obj.created_by_id == obj.article.author_id:
            return {"role": "author"}
        return {"role": "editor"}


class RevisionOutput(RevisionSummaryOutput):
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta(RevisionSummaryOutput.Meta):
        fields = [
            *RevisionSummaryOutput.Meta.fields,
            "title",
            "lead",
            "body",
            "language",
            "category",
            "extra",
        ]

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from submissions.models import Article, Category
from submissions.selectors import active_categories
from submissions.states import Language


class CategoryOutput(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name_ru", "name_en"]


class ArticleInput(serializers.Serializer):
    """What an author may write. Every field optional on PATCH; drafts may be incomplete."""

    title = serializers.CharField(max_length=200, allow_blank=True, required=False)
    lead = serializers.CharField(max_length=600, allow_blank=True, required=False)
    body = serializers.CharField(max_length=100_000, allow_blank=True, required=False, trim_whitespace=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=active_categories(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown category '{value}'.")},
    )


class ArticleOutput(serializers.ModelSerializer):
    """The author's view of their own article."""

    category: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    revision = serializers.IntegerField(source="current_revision.number", default=None, read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "lead",
            "body",
            "language",
            "category",
            "slug",
            "status",
            "revision",
            "created_at",
            "updated_at",
            "submitted_at",
            "publish_at",
            "published_at",
        ]
        read_only_fields = fields

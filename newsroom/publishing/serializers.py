from django.utils import translation
from rest_framework import serializers

from submissions.models import Article


class FeedItemOutput(serializers.ModelSerializer):
    category = serializers.SerializerMethodField()
    author = serializers.CharField(source="author.display_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["slug", "title", "lead", "language", "category", "author", "published_at", "url"]

    def get_category(self, obj: Article) -> dict[str, str]:
        assert obj.category is not None  # published articles always have one (submit requires it)
        return {"slug": obj.category.slug, "name": obj.category.name_for(translation.get_language())}

    def get_url(self, obj: Article) -> str:
        request = self.context.get("request")
        path = f"/api/v1/feed/{obj.slug}/"
        return request.build_absolute_uri(path) if request else path


class FeedArticleOutput(FeedItemOutput):
    class Meta(FeedItemOutput.Meta):
        fields = [*FeedItemOutput.Meta.fields, "body"]

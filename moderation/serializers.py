from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from moderation.models import CheckResult
from moderation.selectors import results_summary
from submissions.models import Article
from submissions.states import RejectReason


class CheckResultOutput(serializers.ModelSerializer):
    check = serializers.CharField(source="check_name")
    revision = serializers.IntegerField(source="revision.number")
    findings = serializers.SerializerMethodField()

    class Meta:
        model = CheckResult
        fields = ["check", "revision", "outcome", "score", "findings", "finished_at"]

    def get_findings(self, obj: CheckResult) -> list[dict[str, str]]:
        """Each finding in the reader's language (ru unless Accept-Language asks for en)."""
        lang = "en" if (translation.get_language() or "ru").startswith("en") else "ru"
        return [{"code": f["code"], "message": f.get(lang) or f.get("en", "")} for f in obj.findings]


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class QueueItemOutput(serializers.ModelSerializer):
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = PersonOutput()
    claimed_by = PersonOutput(allow_null=True)
    revision = serializers.IntegerField(source="current_revision.number", default=None)
    checks = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "lead",
            "language",
            "category",
            "status",
            "author",
            "risk_score",
            "revision",
            "submitted_at",
            "claimed_by",
            "claim_expires_at",
            "checks",
        ]

    def get_checks(self, obj: Article) -> list[dict[str, Any]]:
        return [{"check": r.check_name, "outcome": r.outcome, "score": r.score} for r in results_summary(obj)]


class ModerationArticleOutput(QueueItemOutput):
    class Meta(QueueItemOutput.Meta):
        fields = [*QueueItemOutput.Meta.fields, "body", "slug", "publish_at", "published_at", "reject_reason"]


class ApproveInput(serializers.Serializer):
    publish_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class RejectInput(serializers.Serializer):
    reason_code = serializers.ChoiceField(choices=RejectReason.choices)
    message = serializers.CharField(max_length=5000, help_text=_("Shown to the author."))


class MessageInput(serializers.Serializer):
    message = serializers.CharField(max_length=5000)

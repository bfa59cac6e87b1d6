from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from moderation import track
from moderation.models import CheckResult, EditorApplication, ShadowReview, Verdict
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


class EditorCheckResultOutput(CheckResultOutput):
    """What editors see of a check: also the evidence (matched articles, lexicon hits...) and its cost."""

    class Meta(CheckResultOutput.Meta):
        fields = [*CheckResultOutput.Meta.fields, "evidence", "duration_ms", "attempts", "check_version"]


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class AuthorRecordOutput(PersonOutput):
    """The author as editors see them: trust level, why, and the record behind it."""

    trust_level = serializers.IntegerField()
    trust_reason = serializers.CharField()
    record = serializers.SerializerMethodField()

    def get_record(self, obj: Any) -> dict[str, int]:
        record = obj.trust_record or {}
        return {k: int(record.get(k, 0)) for k in ("approved", "rejected", "changes_requested")}


class QueueItemOutput(serializers.ModelSerializer):
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = AuthorRecordOutput()
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
        fields = [
            *QueueItemOutput.Meta.fields,
            "version",
            "body",
            "body_html",
            "slug",
            "publish_at",
            "published_at",
            "reject_reason",
        ]


class ApproveInput(serializers.Serializer):
    publish_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class RejectInput(serializers.Serializer):
    reason_code = serializers.ChoiceField(choices=RejectReason.choices)
    message = serializers.CharField(max_length=5000, help_text=_("Shown to the author."))


class MessageInput(serializers.Serializer):
    message = serializers.CharField(max_length=5000)


# --- editor track -------------------------------------------------------------------------------------------------


class ApplyInput(serializers.Serializer):
    motivation = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TrackStatsOutput(serializers.Serializer):
    reviews = serializers.IntegerField()
    scored = serializers.IntegerField()
    pending = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    decision_agreement = serializers.FloatField(allow_null=True)
    reason_agreement = serializers.FloatField(allow_null=True)


class ShadowReviewOutput(serializers.ModelSerializer):
    revision = serializers.IntegerField(source="revision.number")

    class Meta:
        model = ShadowReview
        fields = [
            "id",
            "article",
            "revision",
            "decision",
            "reason_code",
            "note",
            "created_at",
            "editor_decision",
            "editor_reason_code",
            "decision_agrees",
            "reason_agrees",
            "score",
            "scored_at",
        ]


class ApplicationOutput(serializers.ModelSerializer):
    applicant = serializers.SerializerMethodField()
    stats = serializers.SerializerMethodField()
    recent_disagreements = serializers.SerializerMethodField()

    class Meta:
        model = EditorApplication
        fields = [
            "id",
            "state",
            "motivation",
            "created_at",
            "decided_at",
            "decision_note",
            "applicant",
            "stats",
            "recent_disagreements",
        ]

    def get_applicant(self, obj: EditorApplication) -> dict[str, Any]:
        return {"id": obj.user_id, "display_name": obj.user.display_name, "trust_level": obj.user.trust_level}

    @extend_schema_field(TrackStatsOutput)
    def get_stats(self, obj: EditorApplication) -> dict[str, Any]:
        return track.stats_for(obj).as_dict()

    @extend_schema_field(ShadowReviewOutput(many=True))
    def get_recent_disagreements(self, obj: EditorApplication) -> list[dict[str, Any]]:
        return ShadowReviewOutput(track.disagreements(obj), many=True).data  # type: ignore[return-value]


class TrackMeOutput(serializers.Serializer):
    eligible = serializers.BooleanField()
    min_trust_level = serializers.IntegerField()
    application = ApplicationOutput(allow_null=True)


class ShadowArticleOutput(serializers.ModelSerializer):
    """An article for a shadow review: its text, never its author."""

    category: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    revision = serializers.IntegerField(source="current_revision.number")
    title = serializers.CharField(source="current_revision.title")
    lead = serializers.CharField(source="current_revision.lead")
    body = serializers.CharField(source="current_revision.body")

    class Meta:
        model = Article
        fields = ["id", "revision", "title", "lead", "body", "language", "category", "submitted_at"]


class VerdictInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Verdict.choices)
    reason_code = serializers.ChoiceField(
        choices=RejectReason.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["decision"] == Verdict.REJECT and not attrs.get("reason_code"):
            raise serializers.ValidationError(
                {"reason_code": [_("A rejection needs a reason code.")]}, code="required"
            )
        return attrs


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

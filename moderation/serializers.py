from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from moderation import track
from moderation.models import CheckResult, EditorApplication, ShadowReview, Verdict
from moderation.selectors import pending_stages, results_summary, review_revision
from moderation.timeline import author_check, reader_language
from newsroom.api.inputs import InRangeDateTimeField
from submissions import policy
from submissions.models import Article, RejectionReason
from submissions.revisions import revision_diff
from submissions.states import Language, RejectReason


class _CheckResultFields(serializers.ModelSerializer):
    check = serializers.CharField(source="check_name")
    revision = serializers.IntegerField(source="revision.number")
    findings = serializers.SerializerMethodField()

    class Meta:
        model = CheckResult
        fields = ["check", "revision", "outcome", "score", "findings", "finished_at"]

    def get_findings(self, obj: CheckResult) -> list[dict[str, str]]:
        """Each finding in the reader's language (ru unless Accept-Language asks for en)."""
        lang = reader_language()
        return [{"code": f["code"], "message": f.get(lang) or f.get("en", "")} for f in obj.findings]


class CheckResultOutput(_CheckResultFields):
    """What the author sees of a check of their article: only the findings meant for them (never one naming
    another author's unpublished article), the outcome and score as they follow from those (moderation.timeline
    .author_check)."""

    def to_representation(self, instance: CheckResult) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        data.update(author_check(instance, reader_language()))
        return data


class EditorCheckResultOutput(_CheckResultFields):
    """What editors see of a check: every finding, also the evidence (matched articles, lexicon hits...) and its
    cost."""

    class Meta(_CheckResultFields.Meta):
        fields = [*_CheckResultFields.Meta.fields, "evidence", "duration_ms", "attempts", "check_version"]


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
    first_approved_by = PersonOutput(allow_null=True)
    revision = serializers.SerializerMethodField()
    kind = serializers.SerializerMethodField()
    time_left_seconds = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    pending_stages = serializers.SerializerMethodField()
    checks = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "kind",
            "title",
            "lead",
            "language",
            "category",
            "region",
            "status",
            "author",
            "risk_score",
            "revision",
            "submitted_at",
            "due_at",
            "time_left_seconds",
            "overdue",
            "queue_key",
            "is_appeal",
            "first_approved_by",
            "pending_stages",
            "claimed_by",
            "claim_expires_at",
            "checks",
        ]

    def get_revision(self, obj: Article) -> int | None:
        revision = review_revision(obj)
        return revision.number if revision else None

    def get_kind(self, obj: Article) -> str:
        """review: a submission (or appeal) in review; update: an author's edit of a published article."""
        return policy.review_kind(obj)

    def get_time_left_seconds(self, obj: Article) -> int | None:
        return int((obj.due_at - timezone.now()).total_seconds()) if obj.due_at else None

    def get_overdue(self, obj: Article) -> bool:
        return bool(obj.due_at and obj.due_at < timezone.now())

    def get_pending_stages(self, obj: Article) -> list[str]:
        return pending_stages(obj)

    def get_checks(self, obj: Article) -> list[dict[str, Any]]:
        return [{"check": r.check_name, "outcome": r.outcome, "score": r.score} for r in results_summary(obj)]


class ModerationArticleOutput(QueueItemOutput):
    pending_update = serializers.SerializerMethodField()

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
            "appealed_at",
            "retracted_at",
            "retraction_reason",
            "pending_update",
        ]

    def get_pending_update(self, obj: Article) -> dict[str, Any] | None:
        """The author's proposed change of the published text, as a word diff against what is live."""
        pending = obj.pending_revision if obj.pending_revision_id else None
        if pending is None or obj.current_revision is None:
            return None
        return {
            "revision": pending.number,
            "title": pending.title,
            "lead": pending.lead,
            "body": pending.body,
            "diff": revision_diff(obj.current_revision, pending),
        }


class ApproveInput(serializers.Serializer):
    publish_at = InRangeDateTimeField(required=False, allow_null=True)  # year 1 or 9999: a 400, not a 500
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class RejectInput(serializers.Serializer):
    reason_code = serializers.CharField(
        max_length=20, help_text=_("A code from GET /api/v1/moderation/reasons/.")
    )
    message = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Shown to the author; empty: the reason's template in the author's language."),
    )
    legal_ground = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MessageInput(serializers.Serializer):
    message = serializers.CharField(max_length=5000)


class OptionalMessageInput(serializers.Serializer):
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text=_("Shown with the retraction notice."))


class TextInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class ClaimInput(serializers.Serializer):
    take_over = serializers.BooleanField(required=False, default=False)


class StageInput(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class NoteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField(source="message")
    editor = PersonOutput(source="actor", allow_null=True)
    created_at = serializers.DateTimeField()


class CorrectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReasonOutput(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    message_template = serializers.SerializerMethodField()

    class Meta:
        model = RejectionReason
        fields = ["code", "name", "message_template", "template_ru", "template_en", "needs_legal_ground"]

    def get_name(self, obj: RejectionReason) -> str:
        return obj.label_for(translation.get_language())

    def get_message_template(self, obj: RejectionReason) -> str:
        return obj.template_for(translation.get_language())


class EditorProfileInput(serializers.Serializer):
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.choices), max_length=10, required=False
    )
    categories = serializers.ListField(child=serializers.SlugField(), max_length=50, required=False)


class EditorProfileOutput(serializers.Serializer):
    languages = serializers.ListField(child=serializers.CharField())
    categories = serializers.ListField(child=serializers.CharField())


class ConflictInput(serializers.Serializer):
    author = serializers.IntegerField(required=False, min_value=1)
    category = serializers.SlugField(required=False)
    tag = serializers.CharField(required=False, max_length=40)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        named = [k for k in ("author", "category", "tag") if attrs.get(k) not in (None, "")]
        if len(named) != 1:
            raise serializers.ValidationError(
                _("Name exactly one of: author, category, tag."), code="one_of_author_category_tag"
            )
        return attrs


class ConflictOutput(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.IntegerField(source="author_id", allow_null=True)
    category = serializers.CharField(source="category.slug", allow_null=True, default=None)
    tag = serializers.CharField(source="tag.name", allow_null=True, default=None)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)


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

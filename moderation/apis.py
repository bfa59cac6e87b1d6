from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation import selectors, services
from moderation.serializers import (
    ApproveInput,
    CheckResultOutput,
    ClaimInput,
    ConflictInput,
    ConflictOutput,
    CorrectionOutput,
    EditorCheckResultOutput,
    EditorProfileInput,
    EditorProfileOutput,
    MessageInput,
    ModerationArticleOutput,
    NoteOutput,
    OptionalMessageInput,
    QueueItemOutput,
    ReasonInput,
    ReasonOutput,
    RejectInput,
    StageInput,
    TextInput,
)
from moderation.timeline import timeline
from newsroom.accounts.actors import signed_in
from newsroom.api.conditional import IF_MATCH, expected_version, stale_version, with_etag
from newsroom.api.errors import PreconditionFailed
from newsroom.api.inputs import query_flag, validated
from newsroom.api.pagination import LIMIT_OFFSET_PARAMETERS, StrictLimitOffsetPagination, offset_page
from newsroom.api.permissions import HasModelPermission, IsContributor, IsEditor
from submissions import policy, workflow
from submissions.models import Article, ConflictDeclaration, RejectionReason
from submissions.selectors import article_get_for_actor, article_get_for_history
from submissions.serializers import ArticleInput
from submissions.states import Action


class ArticleChecksApi(APIView):
    """The author's view of the automated checks of their latest submitted revision: the findings meant for them
    (a near-duplicate names only published articles; see moderation.timeline.author_check)."""

    permission_classes = [IsContributor]

    @extend_schema(responses={200: CheckResultOutput(many=True)}, tags=["articles"])
    def get(self, request: Request, article_id: int) -> Response:
        article = article_get_for_actor(actor=signed_in(request), article_id=article_id)
        rows = selectors.check_results_for(revision_id=article.current_revision_id).select_related("revision")
        return Response(CheckResultOutput(rows, many=True).data)


class ArticleTimelineApi(APIView):
    """Every transition, revision, check result and media step of an article, in time order, as its author may
    see them (submissions.policy.AUTHOR_VISIBLE_ACTIONS): the editors' messages to the author are in it, claims,
    internal notes, stage sign-offs and first approvals are not. For the author, and for editors."""

    permission_classes = [IsContributor]

    @extend_schema(responses={200: dict}, tags=["articles"])
    def get(self, request: Request, article_id: int) -> Response:
        article = article_get_for_history(actor=signed_in(request), article_id=article_id)
        return Response(timeline(article))


def _scope(request: Request) -> str:
    scope = request.query_params.get("scope") or "mine"
    if scope not in ("mine", "all"):
        raise ValidationError({"scope": [_("Use mine or all.")]}, code="invalid")
    return scope


_QUEUE_PARAMETERS = [
    OpenApiParameter(
        "scope",
        description="mine (default): the editor's working languages and sections; all: everything",
        required=False,
        type=str,
        enum=["mine", "all"],
    ),
    OpenApiParameter(
        "state",
        description="default: everything waiting (in_review and update); or a status, or update",
        required=False,
        type=str,
    ),
    OpenApiParameter("language", description="declared language, e.g. ru", required=False, type=str),
    OpenApiParameter(
        "detected_language",
        description="language detected by the language check (routes mislabelled articles)",
        required=False,
        type=str,
    ),
    OpenApiParameter("category", description="category slug", required=False, type=str),
    OpenApiParameter("region", required=False, type=str),
    OpenApiParameter("claimed", description="true / false: under a live claim", required=False, type=bool),
    OpenApiParameter("overdue", description="true / false: past its due time", required=False, type=bool),
    OpenApiParameter("appeal", description="true / false: appeals only / none", required=False, type=bool),
]


class QueueApi(APIView):
    """The moderation queue in priority order (see docs/moderation.md): what waits, its checks, the author's
    trust and record, and the time left before it is due."""

    permission_classes = [IsEditor]

    @extend_schema(
        parameters=[*_QUEUE_PARAMETERS, *LIMIT_OFFSET_PARAMETERS],
        responses={200: offset_page(QueueItemOutput, "QueuePage")},
        operation_id="v1_moderation_queue_list",
        tags=["moderation"],
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        filters = selectors.QueueFilters(
            scope=_scope(request),
            state=params.get("state") or None,
            language=params.get("language") or None,
            detected_language=params.get("detected_language") or None,
            category=params.get("category") or None,
            region=params.get("region") or None,
            claimed=query_flag(request, "claimed"),
            overdue=query_flag(request, "overdue"),
            appeal=query_flag(request, "appeal"),
        )
        paginator = StrictLimitOffsetPagination()
        page = paginator.paginate_queryset(
            selectors.review_queue(signed_in(request), filters), request, view=self
        )
        return paginator.get_paginated_response(QueueItemOutput(page, many=True).data)


class ClaimNextApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(
        request=None,
        parameters=[_QUEUE_PARAMETERS[0]],
        responses={200: ModerationArticleOutput, 204: OpenApiResponse(description="Nothing is waiting.")},
        tags=["moderation"],
    )
    def post(self, request: Request) -> Response:
        article = services.claim_next(signed_in(request), scope=_scope(request))
        if article is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return _article(article.pk)


def _article(article_id: int) -> Response:
    return Response(ModerationArticleOutput(selectors.article_get_for_editor(article_id=article_id)).data)


class EditorChecksApi(APIView):
    """Every check of the revision under review, with its evidence and timing."""

    permission_classes = [IsEditor]

    @extend_schema(responses={200: EditorCheckResultOutput(many=True)}, tags=["moderation"])
    def get(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get_for_editor(article_id=article_id)
        revision = selectors.review_revision(article)
        rows = selectors.check_results_for(revision_id=revision.pk if revision else None).select_related(
            "revision"
        )
        return Response(EditorCheckResultOutput(rows, many=True).data)


class ModerationArticleApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(responses={200: ModerationArticleOutput}, tags=["moderation"])
    def get(self, request: Request, article_id: int) -> Response:
        return with_etag(_article(article_id), Article.objects.get(pk=article_id))

    @extend_schema(
        request=ArticleInput,
        parameters=[IF_MATCH],
        responses={200: ModerationArticleOutput},
        tags=["moderation"],
        description="An editorial edit of an article in review: a new revision the author sees as a diff. "
        "If-Match as for the author's edits (428 / 412 with the current article).",
    )
    def patch(self, request: Request, article_id: int) -> Response:
        current = selectors.article_get_for_editor(article_id=article_id)
        version = expected_version(request)
        data = validated(ArticleInput, request, partial=True, context={"article": current})
        try:
            workflow.article_edit(
                actor=signed_in(request), article_id=article_id, expected_version=version, **data
            )
        except PreconditionFailed as exc:
            fresh = selectors.article_get_for_editor(article_id=article_id)
            return with_etag(stale_version(ModerationArticleOutput(fresh).data, exc), fresh)
        return with_etag(_article(article_id), Article.objects.get(pk=article_id))


class ClaimApi(APIView):
    """Claims an article for the lease time, or renews one's own lease while working. Chief editors may take
    over another editor's live claim with {"take_over": true} (recorded in the audit trail)."""

    permission_classes = [IsEditor]

    @extend_schema(request=ClaimInput, responses={200: ModerationArticleOutput}, tags=["moderation"])
    def post(self, request: Request, article_id: int) -> Response:
        services.claim(actor=signed_in(request), article_id=article_id, **validated(ClaimInput, request))
        return _article(article_id)


class ReleaseApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=None, responses={200: ModerationArticleOutput}, tags=["moderation"])
    def post(self, request: Request, article_id: int) -> Response:
        services.release(actor=signed_in(request), article_id=article_id)
        return _article(article_id)


class _DecisionApi(APIView):
    """An editor's decision: validate `input_class`, then make the workflow `move`."""

    permission_classes = [IsEditor]
    input_class: type[serializers.Serializer]
    move: Callable[..., Any]

    def post(self, request: Request, article_id: int) -> Response:
        self.move(actor=signed_in(request), article_id=article_id, **validated(self.input_class, request))
        return _article(article_id)


def _decision_schema(input_class: type[serializers.Serializer]) -> Any:
    return extend_schema_view(
        post=extend_schema(request=input_class, responses={200: ModerationArticleOutput}, tags=["moderation"])
    )


@_decision_schema(ApproveInput)
class ApproveApi(_DecisionApi):
    input_class = ApproveInput
    move = staticmethod(workflow.article_approve)


@_decision_schema(RejectInput)
class RejectApi(_DecisionApi):
    input_class = RejectInput
    move = staticmethod(workflow.article_reject)


@_decision_schema(MessageInput)
class RequestChangesApi(_DecisionApi):
    input_class = MessageInput
    move = staticmethod(workflow.article_request_changes)


class CanRetract(HasModelPermission):
    perm = policy.RETRACT


class CanUnschedule(HasModelPermission):
    perm = policy.UNSCHEDULE


class CanCorrect(HasModelPermission):
    perm = policy.CORRECT


@_decision_schema(ReasonInput)
class RetractApi(_DecisionApi):
    """The article keeps its URL and shows a retraction notice with the reason."""

    permission_classes = [CanRetract]
    input_class = ReasonInput
    move = staticmethod(workflow.article_retract)


@_decision_schema(OptionalMessageInput)
class UnscheduleApi(_DecisionApi):
    """Chief editors: an approved article not yet published goes back to the queue."""

    permission_classes = [CanUnschedule]
    input_class = OptionalMessageInput
    move = staticmethod(workflow.article_unschedule)


class StageCompleteApi(APIView):
    """Completes a review stage of the article's category (e.g. fact_check) for the review in progress."""

    permission_classes = [IsEditor]

    @extend_schema(request=StageInput, responses={200: ModerationArticleOutput}, tags=["moderation"])
    def post(self, request: Request, article_id: int, stage: str) -> Response:
        workflow.article_complete_stage(
            actor=signed_in(request),
            article_id=article_id,
            stage_code=stage,
            **validated(StageInput, request),
        )
        return _article(article_id)


class CorrectionsApi(APIView):
    """Appends a dated public correction to a published article (it also reaches the corrections feed)."""

    permission_classes = [CanCorrect]

    @extend_schema(request=TextInput, responses={201: CorrectionOutput}, tags=["moderation"])
    def post(self, request: Request, article_id: int) -> Response:
        correction = workflow.article_correct(
            actor=signed_in(request), article_id=article_id, **validated(TextInput, request)
        )
        return Response(CorrectionOutput(correction).data, status=status.HTTP_201_CREATED)


class NotesApi(APIView):
    """Internal editorial notes: in the audit trail, never shown to the author."""

    permission_classes = [IsEditor]

    @extend_schema(responses={200: NoteOutput(many=True)}, tags=["moderation"])
    def get(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get_for_editor(article_id=article_id)
        policy.require_uninvolved(signed_in(request), article)
        notes = article.events.filter(action=Action.NOTE).select_related("actor").order_by("created_at", "id")
        return Response(NoteOutput(notes, many=True).data)

    @extend_schema(request=TextInput, responses={201: NoteOutput}, tags=["moderation"])
    def post(self, request: Request, article_id: int) -> Response:
        event = workflow.article_note(
            actor=signed_in(request), article_id=article_id, **validated(TextInput, request)
        )
        return Response(NoteOutput(event).data, status=status.HTTP_201_CREATED)


class ReasonsApi(APIView):
    """The rejection reasons (a managed taxonomy) with their message templates in Russian and English;
    `template` is in the request's language. Placeholders: {title}, {legal_ground}."""

    permission_classes = [IsEditor]

    @extend_schema(responses={200: ReasonOutput(many=True)}, tags=["moderation"])
    def get(self, request: Request) -> Response:
        return Response(ReasonOutput(RejectionReason.objects.filter(is_active=True), many=True).data)


class EditorMeApi(APIView):
    """The editor's working languages and sections: the queue and claim-next show these by default."""

    permission_classes = [IsEditor]

    @extend_schema(responses={200: EditorProfileOutput}, tags=["moderation"])
    def get(self, request: Request) -> Response:
        return Response(services.editor_profile_data(signed_in(request)))

    @extend_schema(request=EditorProfileInput, responses={200: EditorProfileOutput}, tags=["moderation"])
    def put(self, request: Request) -> Response:
        services.editor_profile_set(signed_in(request), **validated(EditorProfileInput, request))
        return Response(services.editor_profile_data(signed_in(request)))


class ConflictsApi(APIView):
    """Declared conflicts of interest (with an author, a category or a tag): such articles are never handed to
    the editor, and their claims and decisions on them are refused."""

    permission_classes = [IsEditor]

    @extend_schema(responses={200: ConflictOutput(many=True)}, tags=["moderation"])
    def get(self, request: Request) -> Response:
        rows = ConflictDeclaration.objects.filter(editor_id=request.user.pk).select_related("category", "tag")
        return Response(ConflictOutput(rows, many=True).data)

    @extend_schema(request=ConflictInput, responses={201: ConflictOutput}, tags=["moderation"])
    def post(self, request: Request) -> Response:
        conflict = services.conflict_declare(signed_in(request), **validated(ConflictInput, request))
        return Response(ConflictOutput(conflict).data, status=status.HTTP_201_CREATED)


class ConflictWithdrawApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=None, responses={200: ConflictOutput}, tags=["moderation"])
    def post(self, request: Request, conflict_id: int) -> Response:
        return Response(ConflictOutput(services.conflict_withdraw(signed_in(request), conflict_id)).data)

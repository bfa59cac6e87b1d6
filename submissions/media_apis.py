"""The images of an article: list and upload, caption/credit edits and deletion (author only, while editable).

Its `urlpatterns` are included by submissions/urls.py. Importing this module imports submissions.media, which
connects the receiver deleting a Media's files with its row.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from newsroom.accounts.actors import signed_in
from newsroom.api.inputs import validated
from newsroom.api.permissions import IsContributor
from newsroom.api.text import refuse_invisible
from newsroom.api.throttles import ScopedThrottle, WriteThrottle
from submissions import media as services
from submissions.models import Media


class MediaUploadInput(serializers.Serializer):
    # no ImageField: the content is judged by submissions.media alone, with its own refusal codes
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    caption = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", validators=[refuse_invisible]
    )
    credit = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", validators=[refuse_invisible]
    )


class MediaUpdateInput(serializers.Serializer):
    caption = serializers.CharField(
        max_length=500, required=False, allow_blank=True, validators=[refuse_invisible]
    )
    credit = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[refuse_invisible]
    )


class MediaSizeOutput(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    bytes = serializers.IntegerField()


class MediaOutput(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    sizes = serializers.SerializerMethodField()
    metadata_removed = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Media
        fields = [
            "id",
            "url",
            "format",
            "width",
            "height",
            "bytes",
            "caption",
            "credit",
            "sizes",
            "metadata_removed",
            "created_at",
        ]
        read_only_fields = fields

    def _url(self, media: Media, name: str) -> str:
        # signed for the context's "viewer" while the article is not public (see submissions.media.media_url)
        return services.media_url(media, name, actor=self.context.get("viewer"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, media: Media) -> str:
        return self._url(media, media.file.name or "")

    @extend_schema_field(serializers.DictField(child=MediaSizeOutput()))
    def get_sizes(self, media: Media) -> dict[str, dict[str, Any]]:
        """{"480": {"url", "width", "height", "bytes"}, ...}: empty until the sizes task has run."""
        return {
            key: {
                "url": self._url(media, entry["name"]),
                "width": entry["width"],
                "height": entry["height"],
                "bytes": entry["bytes"],
            }
            for key, entry in sorted((media.sizes or {}).items(), key=lambda item: int(item[0]))
        }


def _context(request: Request) -> dict[str, Any]:
    return {"request": request, "viewer": signed_in(request)}


class MediaListApi(APIView):
    permission_classes = [IsContributor]
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "upload"
    write_throttle_scope = "media_upload"

    def get_throttles(self) -> list[BaseThrottle]:
        # uploads are throttled; reading the list is not
        return [ScopedThrottle(), WriteThrottle()] if self.request.method == "POST" else []

    @extend_schema(responses={200: MediaOutput(many=True)}, tags=["articles"])
    def get(self, request: Request, article_id: int) -> Response:
        images = services.media_list(actor=signed_in(request), article_id=article_id)
        return Response(MediaOutput(images, many=True, context=_context(request)).data)

    @extend_schema(
        request={"multipart/form-data": MediaUploadInput},
        responses={201: MediaOutput},
        tags=["articles"],
        description="Adds a JPEG, PNG or WebP image to the author's draft. It is re-encoded without metadata "
        "(EXIF, GPS, XMP, IPTC, comments); responsive sizes appear in `sizes` shortly after.",
    )
    def post(self, request: Request, article_id: int) -> Response:
        # whose article and whether it takes images: answered before the body is parsed
        services.media_upload_check(actor=signed_in(request), article_id=article_id)
        data = validated(MediaUploadInput, request)
        media = services.media_add(
            actor=signed_in(request),
            article_id=article_id,
            upload=data["file"],
            caption=data["caption"],
            credit=data["credit"],
        )
        return Response(MediaOutput(media, context=_context(request)).data, status=status.HTTP_201_CREATED)


class MediaDetailApi(APIView):
    permission_classes = [IsContributor]

    @extend_schema(request=MediaUpdateInput, responses={200: MediaOutput}, tags=["articles"])
    def patch(self, request: Request, article_id: int, media_id: int) -> Response:
        data = validated(MediaUpdateInput, request)
        media = services.media_update(
            actor=signed_in(request), article_id=article_id, media_id=media_id, **data
        )
        return Response(MediaOutput(media, context=_context(request)).data)

    @extend_schema(request=None, responses={204: None}, tags=["articles"])
    def delete(self, request: Request, article_id: int, media_id: int) -> Response:
        services.media_delete(actor=signed_in(request), article_id=article_id, media_id=media_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("articles/<id:article_id>/media/", MediaListApi.as_view(), name="article-media"),
    path(
        "articles/<id:article_id>/media/<id:media_id>/",
        MediaDetailApi.as_view(),
        name="article-media-detail",
    ),
]

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from newsroom.accounts import services, signin
from newsroom.accounts.actors import signed_in
from newsroom.accounts.models import User
from newsroom.accounts.roles import MANAGE_ROLES
from newsroom.accounts.serializers import (
    AvatarInput,
    DetailOutput,
    EmailInput,
    LoginInput,
    LoginOutput,
    MarkedOutput,
    MeInput,
    MeOutput,
    NotificationOutput,
    NotificationPageOutput,
    PasswordInput,
    PasswordResetConfirmInput,
    RegisterInput,
    RegisterOutput,
    RolesInput,
    RolesOutput,
    SessionOutput,
    TokenInput,
)
from newsroom.api.inputs import query_flag, validated
from newsroom.api.pagination import StrictLimitOffsetPagination
from newsroom.api.permissions import HasModelPermission
from newsroom.api.throttles import ScopedThrottle


class _AuthEndpoint(APIView):
    """Open to anyone, throttled per client IP by `throttle_scope`."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [ScopedThrottle]


class RegisterApi(_AuthEndpoint):
    throttle_scope = "register"

    @extend_schema(request=RegisterInput, responses={201: RegisterOutput}, tags=["auth"])
    def post(self, request: Request) -> Response:
        data = validated(RegisterInput, request)
        services.user_register(**data)
        body = {
            "email": data["email"].strip().lower(),
            "detail": _("Check your mailbox: we sent a link to confirm the address."),
        }
        return Response(body, status=status.HTTP_201_CREATED)


class VerifyEmailApi(_AuthEndpoint):
    throttle_scope = "verify"

    @extend_schema(request=TokenInput, responses={200: MeOutput}, tags=["auth"])
    def post(self, request: Request) -> Response:
        user = services.user_verify_email(token=validated(TokenInput, request)["token"])
        user.refresh_from_db()  # the trust level was recomputed when the confirmation committed
        return Response(MeOutput(user, context={"request": request}).data)


class ResendVerificationApi(_AuthEndpoint):
    throttle_scope = "verify"

    @extend_schema(request=EmailInput, responses={202: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        services.user_resend_verification(email=validated(EmailInput, request)["email"])
        return Response(status=status.HTTP_202_ACCEPTED)


class LoginApi(_AuthEndpoint):
    throttle_scope = "login"

    @extend_schema(request=LoginInput, responses={200: LoginOutput}, tags=["auth"])
    def post(self, request: Request) -> Response:
        data = validated(LoginInput, request)
        user, token, expiry = signin.user_login(request=request._request, **data)
        return Response(
            LoginOutput({"token": token, "expiry": expiry, "user": user}, context={"request": request}).data
        )


class PasswordResetApi(_AuthEndpoint):
    throttle_scope = "password_reset"

    @extend_schema(request=EmailInput, responses={202: DetailOutput}, tags=["auth"])
    def post(self, request: Request) -> Response:
        services.password_reset_request(email=validated(EmailInput, request)["email"])
        body = {"detail": _("If an account uses this address, a letter with a reset link is on its way.")}
        return Response(body, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmApi(_AuthEndpoint):
    throttle_scope = "password_reset"

    @extend_schema(request=PasswordResetConfirmInput, responses={200: DetailOutput}, tags=["auth"])
    def post(self, request: Request) -> Response:
        services.password_reset_confirm(**validated(PasswordResetConfirmInput, request))
        return Response({"detail": _("The password is changed. Every device was signed out: sign in again.")})


class LogoutApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        request.auth.delete()  # the knox token this request came with
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeOutput}, tags=["me"])
    def get(self, request: Request) -> Response:
        return Response(MeOutput(request.user, context={"request": request}).data)

    @extend_schema(request=MeInput, responses={200: MeOutput}, tags=["me"])
    def patch(self, request: Request) -> Response:
        data = validated(MeInput, request)
        user = services.user_update_profile(user=request.user, **data)  # type: ignore[arg-type]
        return Response(MeOutput(user, context={"request": request}).data)

    @extend_schema(
        request=PasswordInput,
        responses={204: None},
        tags=["me"],
        description="Deletes the account. Drafts and private data go; published articles stay under the pen "
        "name or 'former contributor'.",
    )
    def delete(self, request: Request) -> Response:
        services.user_delete(user=request.user, password=validated(PasswordInput, request)["password"])  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class AvatarApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "upload"

    @extend_schema(request={"multipart/form-data": AvatarInput}, responses={200: MeOutput}, tags=["me"])
    def put(self, request: Request) -> Response:
        data = validated(AvatarInput, request)
        user = services.user_set_avatar(user=request.user, upload=data["avatar"])  # type: ignore[arg-type]
        return Response(MeOutput(user, context={"request": request}).data)

    @extend_schema(request=None, responses={200: MeOutput}, tags=["me"])
    def delete(self, request: Request) -> Response:
        user = services.user_remove_avatar(user=request.user)  # type: ignore[arg-type]
        return Response(MeOutput(user, context={"request": request}).data)


class SessionsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: SessionOutput(many=True)}, tags=["me"])
    def get(self, request: Request) -> Response:
        rows = signin.sessions_of(request.user)  # type: ignore[arg-type]
        return Response(SessionOutput(rows, many=True, context={"current": request.auth}).data)

    @extend_schema(
        request=None,
        responses={204: None},
        tags=["me"],
        operation_id="v1_me_sessions_destroy_all",
        description="Signs out every device.",
    )
    def delete(self, request: Request) -> Response:
        signin.sessions_revoke_all(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["me"], description="Signs out one device.")
    def delete(self, request: Request, session_id: str) -> Response:
        signin.session_revoke(user=request.user, session_id=session_id)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "export"

    @extend_schema(responses={200: dict}, tags=["me"], description="Everything we hold about you, as JSON.")
    def get(self, request: Request) -> Response:
        response = Response(services.user_export(user=request.user))  # type: ignore[arg-type]
        response["Content-Disposition"] = 'attachment; filename="newsroom-export.json"'
        return response


class CanManageRoles(HasModelPermission):
    perm = MANAGE_ROLES


class UserRolesApi(APIView):
    permission_classes = [CanManageRoles]

    @extend_schema(responses={200: RolesOutput}, tags=["staff"])
    def get(self, request: Request, user_id: int) -> Response:
        return Response(RolesOutput(get_object_or_404(User, pk=user_id, deleted_at__isnull=True)).data)

    @extend_schema(request=RolesInput, responses={200: RolesOutput}, tags=["staff"])
    def post(self, request: Request, user_id: int) -> Response:
        data = validated(RolesInput, request)
        user = services.roles_change(actor=signed_in(request), user_id=user_id, **data)  # type: ignore[arg-type]
        return Response(RolesOutput(user).data)


# --- notifications ---------------------------------------------------------------------------------------------


class NotificationsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unread",
                description="true: only the unread ones; false: only the read ones; absent: all",
                required=False,
                type=bool,
            ),
            OpenApiParameter("limit", required=False, type=int),
            OpenApiParameter("offset", required=False, type=int),
        ],
        responses={200: NotificationPageOutput},
        tags=["me"],
        description="Your notifications, newest first, with how many of them are unread.",
    )
    def get(self, request: Request) -> Response:
        user = request.user
        rows = services.notifications_of(user=user, unread=query_flag(request, "unread"))  # type: ignore[arg-type]
        paginator = StrictLimitOffsetPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        response = paginator.get_paginated_response(NotificationOutput(page, many=True).data)
        response.data["unread_count"] = services.notifications_unread_count(user=user)  # type: ignore[arg-type]
        return response


class NotificationReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: NotificationOutput}, tags=["me"])
    def post(self, request: Request, notification_id: int) -> Response:
        notification = services.notification_mark_read(user=request.user, notification_id=notification_id)  # type: ignore[arg-type]
        return Response(NotificationOutput(notification).data)


class NotificationsReadAllApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: MarkedOutput}, tags=["me"])
    def post(self, request: Request) -> Response:
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})  # type: ignore[arg-type]

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from newsroom.accounts import services
from newsroom.accounts.serializers import (
    EmailInput,
    LoginInput,
    LoginOutput,
    MeInput,
    MeOutput,
    RegisterInput,
    RegisterOutput,
    TokenInput,
)


class _AuthEndpoint(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class RegisterApi(_AuthEndpoint):
    @extend_schema(request=RegisterInput, responses={201: RegisterOutput}, tags=["auth"])
    def post(self, request: Request) -> Response:
        data = RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_register(**data.validated_data)
        body = {
            "email": data.validated_data["email"].strip().lower(),
            "detail": _("Check your mailbox: we sent a link to confirm the address."),
        }
        return Response(body, status=status.HTTP_201_CREATED)


class VerifyEmailApi(_AuthEndpoint):
    @extend_schema(request=TokenInput, responses={200: MeOutput}, tags=["auth"])
    def post(self, request: Request) -> Response:
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_verify_email(token=data.validated_data["token"])
        return Response(MeOutput(user).data)


class ResendVerificationApi(_AuthEndpoint):
    @extend_schema(request=EmailInput, responses={202: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        data = EmailInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_resend_verification(email=data.validated_data["email"])
        return Response(status=status.HTTP_202_ACCEPTED)


class LoginApi(_AuthEndpoint):
    @extend_schema(request=LoginInput, responses={200: LoginOutput}, tags=["auth"])
    def post(self, request: Request) -> Response:
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        user, token, expiry = services.user_login(request=request, **data.validated_data)
        return Response(LoginOutput({"token": token, "expiry": expiry, "user": user}).data)


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
        return Response(MeOutput(request.user).data)

    @extend_schema(request=MeInput, responses={200: MeOutput}, tags=["me"])
    def patch(self, request: Request) -> Response:
        data = MeInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(MeOutput(user).data)

"""Who is acting: the signed-in user of a request, typed as a User for the services it is handed to."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from newsroom.accounts.models import User


def signed_in(request: HttpRequest | Request) -> User:
    """The request's user. Views that call it require a signed-in user (their permission classes, or the
    admin's login), so the refusal is a guard that a view's permissions were not forgotten."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user

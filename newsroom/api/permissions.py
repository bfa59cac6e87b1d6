"""Role checks shared by the API views. Roles are groups holding permission codenames (newsroom.accounts.roles)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission


class HasModelPermission(BasePermission):
    """Allows a user holding `perm` (an "app_label.codename"), through a role group or directly."""

    perm: str = ""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(self.perm))


class IsContributor(HasModelPermission):
    perm = "submissions.add_article"


class IsEditor(HasModelPermission):
    perm = "submissions.moderate_article"

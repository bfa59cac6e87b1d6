"""Admin for accounts. Roles change only through services.roles_change (the same rules and audit as the API):
chief editors use the grant/revoke actions; group and staff flags are read-only to everyone but superusers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from newsroom.accounts import services
from newsroom.accounts.models import RoleChange, User
from newsroom.accounts.roles import MANAGE_ROLES, ROLES
from newsroom.adminkit import ReadOnly
from newsroom.api.errors import ApplicationError


def _role_action(role: str, grant: bool) -> Callable[..., None]:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for user_id in queryset.values_list("pk", flat=True):
            try:
                services.roles_change(
                    actor=request.user,  # type: ignore[arg-type]
                    user_id=user_id,
                    grant=[role] if grant else [],
                    revoke=[] if grant else [role],
                    note="admin",
                )
                done += 1
            except (ApplicationError, ValidationError) as exc:
                modeladmin.message_user(
                    request, f"#{user_id}: {getattr(exc, 'message', exc)}", messages.ERROR
                )
        if done:
            modeladmin.message_user(request, _("%(n)d user(s) updated.") % {"n": done}, messages.SUCCESS)

    action.__name__ = f"{'grant' if grant else 'revoke'}_{role}"
    action.short_description = (_("Grant role: %s") if grant else _("Revoke role: %s")) % role  # type: ignore[attr-defined]
    action.allowed_permissions = ("manage_roles",)  # type: ignore[attr-defined]
    return action


class RoleChangeInline(admin.TabularInline):
    model = RoleChange
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "role", "granted", "actor", "note")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = [
        "email",
        "display_name",
        "trust_level",
        "email_verified_at",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    list_filter = ["trust_level", "is_staff", "is_active", "groups"]
    search_fields = ["email", "display_name", "pen_name"]
    inlines = [RoleChangeInline]
    actions = [_role_action(role, grant) for role in ROLES for grant in (True, False)]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "pen_name", "bio", "avatar", "email_verified_at")}),
        (_("Trust"), {"fields": ("trust_level", "trust_reason", "trust_record", "trust_computed_at")}),
        (_("Roles"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "deleted_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fixed = (
            "date_joined",
            "last_login",
            "deleted_at",
            "trust_level",
            "trust_reason",
            "trust_record",
            "trust_computed_at",
        )
        if request.user.is_superuser:  # type: ignore[union-attr]
            return fixed
        return (*fixed, "is_staff", "is_superuser", "groups", "user_permissions")

    def has_manage_roles_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE_ROLES)  # type: ignore[union-attr]


@admin.register(RoleChange)
class RoleChangeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "user", "role", "granted", "actor", "note"]
    list_filter = ["role", "granted"]
    list_select_related = ["user", "actor"]

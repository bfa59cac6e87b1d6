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
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from newsroom.accounts import services
from newsroom.accounts.models import RoleChange, User
from newsroom.accounts.roles import CHIEF_EDITOR, CONTRIBUTOR, EDITOR, JUNIOR_EDITOR, MANAGE_ROLES, ROLES
from newsroom.adminkit import DeskPhrases, ReadOnly
from newsroom.api.errors import ApplicationError

# the roles as the desk names them (the codes are the API's)
ROLE_LABELS = {
    CONTRIBUTOR: _("contributor"),
    JUNIOR_EDITOR: _("junior editor"),
    EDITOR: _("editor"),
    CHIEF_EDITOR: _("chief editor"),
}


class RoleFilter(admin.SimpleListFilter):
    """The users of a role (a group named by the role's code), by the role's name."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(role, ROLE_LABELS[role]) for role in ROLES]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(groups__name=self.value()).distinct() if self.value() else queryset


def _role_action_label(role: str, grant: bool) -> str:
    """In the language of the request that shows it (an action's label is made once, at import)."""
    label = gettext("Grant role: %s") if grant else gettext("Revoke role: %s")
    return label % ROLE_LABELS.get(role, role)


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
    action.short_description = lazy(_role_action_label, str)(role, grant)  # type: ignore[attr-defined]
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
class UserAdmin(DeskPhrases, BaseUserAdmin):
    accusative = pgettext_lazy("accusative", "user")
    counted = ngettext_lazy("%(count)s user", "%(count)s users", "count")
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
    list_filter = ["trust_level", "is_staff", "is_active", RoleFilter]
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

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """Who may not change the groups sees the user's roles by name, not the groups by code."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:  # type: ignore[union-attr]
            return fieldsets
        return [
            (title, {**options, "fields": tuple("roles" if f == "groups" else f for f in options["fields"])})
            for title, options in fieldsets
        ]

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        return ", ".join(str(ROLE_LABELS.get(g.name, g.name)) for g in obj.groups.all())

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
        return (*fixed, "is_staff", "is_superuser", "groups", "roles", "user_permissions")

    def has_manage_roles_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE_ROLES)  # type: ignore[union-attr]


@admin.register(RoleChange)
class RoleChangeAdmin(DeskPhrases, ReadOnly, admin.ModelAdmin):
    accusative = pgettext_lazy("accusative", "role change")
    counted = ngettext_lazy("%(count)s role change", "%(count)s role changes", "count")
    list_display = ["created_at", "user", "role", "granted", "actor", "note"]
    list_filter = ["role", "granted"]
    list_select_related = ["user", "actor"]

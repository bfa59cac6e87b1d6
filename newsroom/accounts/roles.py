"""Roles are groups with permission codenames; code checks permissions, never group names.

Reader is the anonymous visitor and has no group.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

from newsroom.accounts.models import User

CONTRIBUTOR = "contributor"
JUNIOR_EDITOR = "junior_editor"  # earned on the editor track; a senior confirms their approvals ([5/8])
EDITOR = "editor"
CHIEF_EDITOR = "chief_editor"
ROLES = (CONTRIBUTOR, JUNIOR_EDITOR, EDITOR, CHIEF_EDITOR)
STAFF_ROLES = (JUNIOR_EDITOR, EDITOR, CHIEF_EDITOR)
ROLE_CHOICES = [(role, role) for role in ROLES]
MANAGE_ROLES = "accounts.manage_roles"

_CONTRIBUTOR_PERMS = ["submissions.add_article"]
_EDITOR_PERMS = [
    *_CONTRIBUTOR_PERMS,
    "submissions.view_article",
    "submissions.change_article",
    "submissions.moderate_article",
    "submissions.view_category",
    "moderation.view_checkresult",
]
# a junior editor's approval is a first one: an editor or chief editor gives the second ([5/8])
_SENIOR_PERMS = [*_EDITOR_PERMS, "submissions.approve_final", "submissions.correct_article"]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    CONTRIBUTOR: _CONTRIBUTOR_PERMS,
    JUNIOR_EDITOR: _EDITOR_PERMS,
    EDITOR: _SENIOR_PERMS,
    CHIEF_EDITOR: [
        *_SENIOR_PERMS,
        "submissions.retract_article",
        "submissions.take_over_claim",
        "submissions.unschedule_article",
        "submissions.export_audit",
        # moderation configuration: the rejection taxonomy and the review stages
        "submissions.view_rejectionreason",
        "submissions.add_rejectionreason",
        "submissions.change_rejectionreason",
        "submissions.view_reviewstage",
        "submissions.add_reviewstage",
        "submissions.change_reviewstage",
        "submissions.view_conflictdeclaration",
        "submissions.add_category",
        "submissions.change_category",
        "accounts.view_user",
        "accounts.change_user",
        MANAGE_ROLES,
        "accounts.view_rolechange",
        "moderation.view_editorapplication",
        "moderation.view_shadowreview",
        # the spam-and-abuse lexicon
        "moderation.view_lexiconentry",
        "moderation.add_lexiconentry",
        "moderation.change_lexiconentry",
        "moderation.decide_editorapplication",
        # channels (Telegram, webhooks) and their delivery log
        "channels.view_channel",
        "channels.add_channel",
        "channels.change_channel",
        "channels.view_delivery",
        "channels.view_deliveryattempt",
        "channels.retry_delivery",
    ],
}


def ensure_role_groups(
    sender: Any = None, using: str = DEFAULT_DB_ALIAS, apps: Any = global_apps, **kwargs: Any
) -> None:
    """post_migrate: create the role groups and (re)attach their permissions. Idempotent."""
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.using(using).get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            found = permission_model.objects.using(using).filter(
                content_type__app_label=app_label, codename=codename
            )
            wanted.extend(found)
        group.permissions.set(wanted)


def grant_role(user: User, role: str) -> None:
    from django.contrib.auth.models import Group

    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    _sync_staff(user)


def revoke_role(user: User, role: str) -> None:
    from django.contrib.auth.models import Group

    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user.groups.remove(*Group.objects.filter(name=role))
    _sync_staff(user)


def _sync_staff(user: User) -> None:
    """Admin access follows the roles: staff roles work in the admin, others don't (superusers keep it)."""
    staff = user.is_superuser or user.groups.filter(name__in=STAFF_ROLES).exists()
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    # Django caches permissions on the instance; a fresh check must see the change.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)


def user_roles(user: User) -> list[str]:
    return sorted(name for name in user.groups.values_list("name", flat=True) if name in ROLES)

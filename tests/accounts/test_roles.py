"""Roles: chief editors grant and revoke them (API and admin, one service, one audit trail)."""

import pytest

from newsroom.accounts.models import RoleChange
from newsroom.accounts.roles import user_roles
from tests.conftest import error_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def roles_url(user):
    return f"/api/v1/staff/users/{user.pk}/roles/"


def test_chief_grants_and_revokes_editor(api, chief, contributor):
    client = api(chief)
    response = client.post(roles_url(contributor), {"grant": ["editor"], "note": "проверен"}, format="json")
    assert response.status_code == 200
    assert response.json()["roles"] == ["contributor", "editor"]
    contributor.refresh_from_db()
    assert contributor.is_staff and contributor.has_perm("submissions.moderate_article")
    assert api(contributor).get("/api/v1/moderation/queue/").status_code == 200
    response = client.post(roles_url(contributor), {"revoke": ["editor"]}, format="json")
    assert response.json()["roles"] == ["contributor"]
    contributor.refresh_from_db()
    assert not contributor.is_staff
    assert api(contributor).get("/api/v1/moderation/queue/").status_code == 403
    history = list(
        RoleChange.objects.filter(user=contributor).order_by("id").values_list("role", "granted", "actor")
    )
    assert history == [("editor", True, chief.pk), ("editor", False, chief.pk)]
    assert [h["granted"] for h in client.get(roles_url(contributor)).json()["history"]] == [False, True]


def test_only_chief_editors_manage_roles(api, contributor):
    editor = UserFactory(role="editor")
    response = api(editor).post(roles_url(contributor), {"grant": ["editor"]}, format="json")
    assert response.status_code == 403 and error_code(response) == "permission_denied"
    assert user_roles(contributor) == ["contributor"]


def test_refusals(api, chief):
    client = api(chief)
    own = client.post(roles_url(chief), {"revoke": ["chief_editor"]}, format="json")
    assert own.status_code == 409 and error_code(own) == "role_change_refused"
    unverified = UserFactory(email_verified_at=None)
    response = client.post(roles_url(unverified), {"grant": ["editor"]}, format="json")
    assert response.status_code == 409 and error_code(response) == "role_change_refused"
    unknown = client.post(roles_url(unverified), {"grant": ["admin"]}, format="json")
    assert unknown.status_code == 400 and "grant" in unknown.json()["error"]["fields"]
    both = client.post(
        roles_url(unverified), {"grant": ["contributor"], "revoke": ["contributor"]}, format="json"
    )
    assert both.status_code == 409
    assert client.post("/api/v1/staff/users/999999/roles/", {}, format="json").status_code == 404
    assert not RoleChange.objects.exists()


def test_admin_grants_roles_through_the_same_service(client, chief, contributor):
    client.force_login(chief)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "grant_junior_editor", "_selected_action": [contributor.pk]},
    )
    assert response.status_code == 302
    assert user_roles(contributor) == ["contributor", "junior_editor"]
    assert RoleChange.objects.get(user=contributor).actor == chief


def test_admin_does_not_let_a_chief_editor_edit_groups_or_superuser_flags(client, chief, contributor):
    client.force_login(chief)
    page = client.get(f"/admin/accounts/user/{contributor.pk}/change/")
    assert page.status_code == 200
    assert b'name="is_superuser"' not in page.content and b'name="groups"' not in page.content


def test_editors_do_not_see_role_actions(client):
    editor = UserFactory(role="editor")
    client.force_login(editor)
    assert client.get("/admin/accounts/user/").status_code == 403

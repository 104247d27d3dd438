"""Users and roles in admin (gogent.useradmin): the admin role manages accounts and gives
roles, only superusers give privilege or set others' passwords, and every change is audited."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gogent.models import AuditEvent
from tests.helpers.users import user_with_role

NEW_PASSWORD = "a much longer passphrase 42"


@pytest.fixture
def admin_user(db) -> User:
    return user_with_role("admin")


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root", password="pw-root")


@pytest.fixture
def viewer(db) -> User:
    return user_with_role("viewer")


def client_for(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def change_url(user: User) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user: User) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def user_form(user: User, **changes: Any) -> dict[str, Any]:
    """The user change form as the admin page posts it (unticked boxes are left out)."""
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": list(user.groups.values_list("pk", flat=True)),
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        # The page's hidden copy of a field with a default: without it, it counts as changed.
        "initial-date_joined_0": joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        **changes,
    }
    return {name: value for name, value in data.items() if value != ""}


def group_pks(*names: str) -> list[int]:
    return [Group.objects.get(name=name).pk for name in names]


def permission(name: str) -> Permission:
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def new_password_form() -> dict[str, str]:
    return {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


# --- What the admin role may not do -------------------------------------------------------


def test_admin_role_does_not_see_superuser_status_or_permissions(admin_user, superuser, viewer):
    page = client_for(admin_user).get(change_url(viewer)).content.decode()
    assert 'name="first_name"' in page and 'name="groups"' in page
    assert "is_superuser" not in page and "user_permissions" not in page

    page = client_for(superuser).get(change_url(viewer)).content.decode()
    assert 'name="is_superuser"' in page and 'name="user_permissions"' in page


def test_a_crafted_post_cannot_make_a_superuser_or_grant_permissions(admin_user, viewer):
    browser = client_for(admin_user)
    change_group = permission("auth.change_group")
    response = browser.post(
        change_url(viewer),
        user_form(viewer, first_name="Vera", is_superuser="on", user_permissions=[change_group.pk]),
    )
    assert response.status_code == 302

    viewer.refresh_from_db()
    assert viewer.first_name == "Vera"  # the rest of the form was saved
    assert not viewer.is_superuser
    assert not viewer.user_permissions.exists()

    response = browser.post(
        reverse("admin:auth_user_add"),
        {"username": "sneaky", **new_password_form(), "is_superuser": "on", "is_staff": "on"},
    )
    assert response.status_code == 302
    sneaky = User.objects.get(username="sneaky")
    assert not sneaky.is_superuser and not sneaky.is_staff


def test_admin_role_cannot_set_another_users_password(admin_user, viewer):
    browser = client_for(admin_user)
    assert browser.get(password_url(viewer)).status_code == 403
    assert browser.post(password_url(viewer), new_password_form()).status_code == 403
    viewer.refresh_from_db()
    assert viewer.check_password("pw-viewer")


def test_admin_role_changes_its_own_password_where_the_old_one_is_asked(admin_user):
    browser = client_for(admin_user)
    # The admin's set-a-password page, which does not ask for the old one, sends them on.
    response = browser.get(password_url(admin_user))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:password_change")
    assert browser.post(password_url(admin_user), new_password_form()).status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password("pw-admin")

    for url in (reverse("admin:password_change"), reverse("password_change")):
        assert browser.get(url).status_code == 200
    response = browser.post(
        reverse("password_change"),
        {"old_password": "pw-admin", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password(NEW_PASSWORD)


def test_admin_role_cannot_change_or_delete_a_superuser(admin_user, superuser):
    browser = client_for(admin_user)
    page = browser.get(change_url(superuser))
    assert page.status_code == 200  # view only: no save button, no superuser-only fields
    assert 'name="_save"' not in page.content.decode()
    assert "is_superuser" not in page.content.decode()
    response = browser.post(change_url(superuser), user_form(superuser, is_active="", email="x@y"))
    assert response.status_code == 403
    assert browser.get(password_url(superuser)).status_code == 403

    delete_url = reverse("admin:auth_user_delete", args=[superuser.pk])
    assert browser.get(delete_url).status_code == 403
    assert browser.post(delete_url, {"post": "yes"}).status_code == 403
    response = browser.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [superuser.pk], "post": "yes"},
    )
    assert response.status_code == 403

    superuser.refresh_from_db()
    assert superuser.is_active and superuser.email == ""


def test_roles_are_read_only_for_the_admin_role(admin_user):
    browser = client_for(admin_user)
    operator = Group.objects.get(name="operator")
    before = set(operator.permissions.all())
    change = reverse("admin:auth_group_change", args=[operator.pk])

    assert browser.get(reverse("admin:auth_group_changelist")).status_code == 200
    page = browser.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    all_permissions = list(Permission.objects.values_list("pk", flat=True))
    posted = {"name": "operator", "permissions": all_permissions}
    assert browser.post(change, posted).status_code == 403
    assert browser.get(reverse("admin:auth_group_add")).status_code == 403
    posted = {"name": "mine", "permissions": all_permissions}
    assert browser.post(reverse("admin:auth_group_add"), posted).status_code == 403
    delete = reverse("admin:auth_group_delete", args=[operator.pk])
    assert browser.post(delete, {"post": "yes"}).status_code == 403

    assert set(operator.permissions.all()) == before
    assert not Group.objects.filter(name="mine").exists()


def test_admin_role_gives_the_roles_it_holds_but_no_more(admin_user, viewer):
    # Decision (gogent.useradmin): a role may be given by one who holds all its permissions,
    # so the admin role may make another admin, and not give a group with more.
    auditors = Group.objects.create(name="auditors")
    auditors.permissions.add(permission("auth.change_group"))
    browser = client_for(admin_user)

    response = browser.post(change_url(viewer), user_form(viewer, groups=group_pks("auditors")))
    assert response.status_code == 200
    assert "Only a superuser can give a role" in response.content.decode()
    assert list(viewer.groups.values_list("name", flat=True)) == ["viewer"]

    response = browser.post(change_url(viewer), user_form(viewer, groups=group_pks("admin")))
    assert response.status_code == 302
    assert list(viewer.groups.values_list("name", flat=True)) == ["admin"]


def test_a_role_already_held_is_kept_when_an_admin_edits_the_user(admin_user, viewer):
    auditors = Group.objects.create(name="auditors")
    auditors.permissions.add(permission("auth.change_group"))
    viewer.groups.add(auditors)

    form = user_form(viewer, first_name="Vera")
    response = client_for(admin_user).post(change_url(viewer), form)
    assert response.status_code == 302
    assert set(viewer.groups.values_list("name", flat=True)) == {"viewer", "auditors"}


def test_superuser_does_all_of_it(superuser, admin_user, viewer):
    browser = client_for(superuser)
    change_group = permission("auth.change_group")
    form = user_form(viewer, is_superuser="on", user_permissions=[change_group.pk])
    assert browser.post(change_url(viewer), form).status_code == 302
    viewer.refresh_from_db()
    assert viewer.is_superuser and list(viewer.user_permissions.all()) == [change_group]

    assert browser.post(password_url(admin_user), new_password_form()).status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password(NEW_PASSWORD)

    other_root = User.objects.create_superuser("root2")
    form = user_form(other_root, email="root2@example.com")
    assert browser.post(change_url(other_root), form).status_code == 302
    posted = {"name": "auditors", "permissions": [change_group.pk]}
    assert browser.post(reverse("admin:auth_group_add"), posted).status_code == 302
    auditors = Group.objects.get(name="auditors")
    delete = reverse("admin:auth_group_delete", args=[auditors.pk])
    assert browser.post(delete, {"post": "yes"}).status_code == 302
    delete = reverse("admin:auth_user_delete", args=[other_root.pk])
    assert browser.post(delete, {"post": "yes"}).status_code == 302
    assert not User.objects.filter(username="root2").exists()


# --- The audit log -----------------------------------------------------------------------


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_user_add_change_and_delete_are_audited(admin_user):
    browser = client_for(admin_user)
    response = browser.post(
        reverse("admin:auth_user_add"), {"username": "newbie", **new_password_form()}
    )
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    [added] = events(AuditEvent.Action.USER_ADDED)
    assert (added.actor, added.actor_label) == (admin_user, "admin")
    assert (added.object_type, added.object_id, added.object_repr) == (
        "auth.user", str(newbie.pk), "newbie",
    )  # fmt: skip
    assert added.details["fields"] == ["password", "username"]

    form = user_form(newbie, first_name="New", groups=group_pks("operator"))
    assert browser.post(change_url(newbie), form).status_code == 302
    newbie.refresh_from_db()
    form = user_form(newbie, groups=group_pks("viewer"))
    assert browser.post(change_url(newbie), form).status_code == 302
    first, second = events(AuditEvent.Action.USER_CHANGED)
    assert first.actor == admin_user and first.details == {
        "fields": ["first_name", "groups"], "groups_added": ["operator"], "groups_removed": [],
    }  # fmt: skip
    assert second.details == {
        "fields": ["groups"], "groups_added": ["viewer"], "groups_removed": ["operator"],
    }  # fmt: skip

    delete = reverse("admin:auth_user_delete", args=[newbie.pk])
    assert browser.post(delete, {"post": "yes"}).status_code == 302
    [deleted] = events(AuditEvent.Action.USER_DELETED)
    assert (deleted.actor, deleted.object_id, deleted.object_repr) == (
        admin_user, str(newbie.pk), "newbie",
    )  # fmt: skip


def test_bulk_delete_is_audited_per_user(admin_user):
    doomed = [User.objects.create_user(f"temp{n}") for n in range(2)]
    response = client_for(admin_user).post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [u.pk for u in doomed], "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(username__startswith="temp").exists()
    deleted = events(AuditEvent.Action.USER_DELETED)
    assert sorted(e.object_repr for e in deleted) == ["temp0", "temp1"]
    assert {e.actor_label for e in deleted} == {"admin"}


def test_superuser_changes_are_audited_without_any_password_hash(superuser, viewer):
    browser = client_for(superuser)
    change_group = permission("auth.change_group")
    form = user_form(viewer, is_superuser="on", user_permissions=[change_group.pk])
    assert browser.post(change_url(viewer), form).status_code == 302
    assert browser.post(password_url(viewer), new_password_form()).status_code == 302

    privilege, password = events(AuditEvent.Action.USER_CHANGED)
    assert privilege.details == {
        "fields": ["is_superuser", "user_permissions"],
        "user_permissions_added": ["auth.change_group"],
        "user_permissions_removed": [],
    }
    assert (password.actor_label, password.object_repr) == ("root", "viewer")
    assert password.details == {"fields": ["password"]}

    posted = {"name": "auditors", "permissions": [change_group.pk]}
    assert browser.post(reverse("admin:auth_group_add"), posted).status_code == 302
    auditors = Group.objects.get(name="auditors")
    change = reverse("admin:auth_group_change", args=[auditors.pk])
    view_user = permission("auth.view_user")
    assert (
        browser.post(change, {"name": "auditors", "permissions": [view_user.pk]}).status_code == 302
    )
    delete = reverse("admin:auth_group_delete", args=[auditors.pk])
    assert browser.post(delete, {"post": "yes"}).status_code == 302

    [added] = events(AuditEvent.Action.GROUP_ADDED)
    assert added.actor == superuser and added.object_repr == "auditors"
    assert added.details["permissions_added"] == ["auth.change_group"]
    [changed] = events(AuditEvent.Action.GROUP_CHANGED)
    assert changed.details == {
        "fields": ["permissions"],
        "permissions_added": ["auth.view_user"],
        "permissions_removed": ["auth.change_group"],
    }
    [deleted] = events(AuditEvent.Action.GROUP_DELETED)
    assert deleted.object_id == str(auditors.pk)

    viewer.refresh_from_db()
    hashes = {viewer.password, superuser.password}
    stored = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert all(value not in stored for value in hashes)
    assert "md5$" not in stored and NEW_PASSWORD not in stored


def test_ensure_admin_records_the_first_superuser(db):
    call_command("ensure_admin", stdout=StringIO())
    [added] = events(AuditEvent.Action.USER_ADDED)
    assert added.actor is None and added.actor_label == "manage.py ensure_admin"
    assert added.object_repr == "admin"
    assert "password" in added.details["fields"]
    assert User.objects.get().password not in json.dumps(added.details)

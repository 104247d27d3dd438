"""Users and roles (groups) in admin: privilege is for superusers only, every change audited.

A staff user with the admin role adds users, edits their names, e-mail, active and staff
flags and gives them existing roles. Only a superuser sees or sets superuser status and
per-user permissions, edits or deletes a superuser, sets another user's password, or
adds, changes or deletes a role. Everyone changes their own password on the password-change
page, which asks for the old one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from gogent.audit import Actor, audit_record
from gogent.models import AuditEvent

# Fields that give privilege beyond the roles: hidden from non-superusers, so never in their form.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")
# The creation and password forms' fields, recorded as the one field they set.
PASSWORD_FORM_FIELDS = {"password1", "password2", "usable_password", "set_usable_password"}
AUDIT_DETAILS_ATTRIBUTE = "_gogent_audit_details"


def role_grantable(*, group: Group, user: Any) -> bool:
    """Whether `user` may give `group` to someone: a superuser may give any role, anyone
    else only one whose every permission they hold, so no one hands out more than they have."""
    if user.is_superuser:
        return True
    needed = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    return needed <= user.get_all_permissions()


class AuditedAuthAdmin(admin.ModelAdmin):
    """Records each add, change and delete as USER_*/GROUP_* AuditEvents: the changed
    fields' names and the roles or permissions given and taken, never a value."""

    audit_actions: dict[str, str] = {}

    def construct_change_message(self, request: HttpRequest, form, formsets, add: bool = False):
        # The one place the admin hands over the submitted form before it logs the change.
        setattr(request, AUDIT_DETAILS_ATTRIBUTE, _changes(form))
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        _audit(request, self.audit_actions["add"], obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        _audit(request, self.audit_actions["change"], obj)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        objects = list(queryset)
        for obj in objects:
            _audit(request, self.audit_actions["delete"], obj)
        return super().log_deletions(request, objects)


def _audit(request: HttpRequest, action: str, obj: Model) -> None:
    details = getattr(request, AUDIT_DETAILS_ATTRIBUTE, None) or {"fields": []}
    audit_record(action, Actor.of_user(request.user), obj=obj, details=details)


def _changes(form: forms.BaseForm) -> dict[str, list[str]]:
    """Changed field names, and for many-to-many fields (groups, permissions) the names
    added and removed, from the form's initial values and what it saved."""
    fields = sorted(
        {"password" if name in PASSWORD_FORM_FIELDS else name for name in form.changed_data}
    )
    details: dict[str, list[str]] = {"fields": fields}
    for name in ("groups", "user_permissions", "permissions"):
        if name not in form.changed_data or name not in form.cleaned_data:
            continue
        before = {_name(row) for row in form.initial.get(name) or []}
        after = {_name(row) for row in form.cleaned_data[name]}
        details[f"{name}_added"] = sorted(after - before)
        details[f"{name}_removed"] = sorted(before - after)
    return details


def _name(row: Model) -> str:
    if isinstance(row, Permission):
        return f"{row.content_type.app_label}.{row.codename}"
    return str(row)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class RoleUserAdmin(AuditedAuthAdmin, UserAdmin):
    audit_actions = {
        "add": AuditEvent.Action.USER_ADDED,
        "change": AuditEvent.Action.USER_CHANGED,
        "delete": AuditEvent.Action.USER_DELETED,
    }

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [
                field for field in options["fields"] if field not in SUPERUSER_ONLY_FIELDS
            ]})
            for name, options in fieldsets
        ]  # fmt: skip

    def get_list_filter(self, request: HttpRequest) -> Any:
        if request.user.is_superuser:
            return super().get_list_filter(request)
        return [name for name in super().get_list_filter(request) if name != "is_superuser"]

    def get_form(self, request: HttpRequest, obj: User | None = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser or "groups" not in form.base_fields:
            return form
        granter = request.user

        # A non-superuser may grant the admin role: they hold all its permissions themselves.
        def clean_groups(self: forms.ModelForm) -> Any:
            groups = self.cleaned_data["groups"]
            held = {group.pk for group in self.initial.get("groups") or []}
            refused = [
                group.name
                for group in groups
                if group.pk not in held and not role_grantable(group=group, user=granter)
            ]
            if refused:
                raise forms.ValidationError(
                    "Only a superuser can give a role with permissions you do not have: "
                    + ", ".join(refused)
                )
            return groups

        return type(form.__name__, (form,), {"clean_groups": clean_groups})

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return super().has_change_permission(request, obj) and _may_manage(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return super().has_delete_permission(request, obj) and _may_manage(request, obj)

    def has_change_password_permission(self, request: HttpRequest, obj: User) -> bool:
        """Setting a password without the old one takes over the account: superusers only."""
        return request.user.is_superuser and self.has_change_permission(request, obj)

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        user = self.get_object(request, unquote(id))
        if user is not None and not self.has_change_password_permission(request, user):
            if user.pk == request.user.pk:
                # Their own: the page that asks for the current password first.
                return HttpResponseRedirect(reverse(f"{self.admin_site.name}:password_change"))
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


def _may_manage(request: HttpRequest, user: User | None) -> bool:
    return user is None or request.user.is_superuser or not user.is_superuser


@admin.register(Group)
class RoleGroupAdmin(AuditedAuthAdmin, GroupAdmin):
    """Roles are defined by gogent.roles (`manage.py ensure_roles`); others only view them."""

    audit_actions = {
        "add": AuditEvent.Action.GROUP_ADDED,
        "change": AuditEvent.Action.GROUP_CHANGED,
        "delete": AuditEvent.Action.GROUP_DELETED,
    }

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return request.user.is_superuser

"""Users in the role groups of gogent.roles."""

from __future__ import annotations

from typing import Any


def user_with_role(role: str, username: str | None = None) -> Any:
    """A user in one of the role groups (gogent.roles): viewer, operator or admin."""
    from django.contrib.auth.models import Group, User

    existing = User.objects.filter(username=username or role).first()
    if existing is not None:
        return existing
    user = User.objects.create_user(username=username or role, password="pw-" + role)
    user.groups.add(Group.objects.get(name=role))
    if role == "admin":
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user

"""The role groups exist after migrate and carry exactly the table's permissions."""

from django.contrib.auth.models import Group
from django.core.management import call_command

from gogent.roles import ROLE_PERMISSIONS


def permission_names(group: Group) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_roles_exist_with_their_permissions(db):
    for role, names in ROLE_PERMISSIONS.items():
        assert permission_names(Group.objects.get(name=role)) == set(names)


def test_viewers_read_operators_act_admins_configure(db):
    viewer, operator, admin = (
        permission_names(Group.objects.get(name=name)) for name in ("viewer", "operator", "admin")
    )
    assert "logs.view_logpattern" in viewer
    assert "logs.triage_pattern" not in viewer
    assert {"logs.triage_pattern", "analysis.request_analysis"} <= operator
    assert "analysis.change_provider" not in operator
    assert "analysis.change_provider" in admin


def test_ensure_roles_restores_the_table(db, capsys):
    group = Group.objects.get(name="viewer")
    group.permissions.clear()
    call_command("ensure_roles")
    assert permission_names(group) == set(ROLE_PERMISSIONS["viewer"])
    assert "viewer:" in capsys.readouterr().out

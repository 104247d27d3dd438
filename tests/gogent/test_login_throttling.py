"""Login throttling (django-axes): failed sign-ins lock out a username from one address.

Through the real login pages (console and admin) with the test client; the lockout is
what the next request gets, whatever its password.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gogent.models import AuditEvent
from tests.helpers.processes import BASE_DIR
from tests.helpers.users import user_with_role

LIMIT = 3
LOCKED = "Too many sign-in attempts"


@pytest.fixture(autouse=True)
def _small_limit(settings) -> None:
    settings.AXES_FAILURE_LIMIT = LIMIT


def sign_in(browser: Client, username: str, password: str, *, url: str = "") -> object:
    return browser.post(url or reverse("login"), {"username": username, "password": password})


def fail(browser: Client, username: str, times: int, *, url: str = "") -> list[int]:
    return [sign_in(browser, username, "wrong", url=url).status_code for _ in range(times)]


def test_the_limit_th_failure_locks_the_pair_out_even_with_the_right_password(db):
    user_with_role("viewer")
    browser = Client(REMOTE_ADDR="10.0.0.1")
    assert fail(browser, "viewer", LIMIT - 1) == [200] * (LIMIT - 1)  # the form, with its error
    locked = sign_in(browser, "viewer", "wrong")
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert "Try again in 15 minutes" in locked.content.decode()
    assert "registration/locked_out.html" in [t.name for t in locked.templates]

    right = sign_in(browser, "viewer", "pw-viewer")
    assert right.status_code == 429
    assert "_auth_user_id" not in browser.session


def test_the_lockout_page_says_nothing_about_whether_the_user_exists(db):
    user_with_role("viewer")
    known, unknown = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.1")
    fail(known, "viewer", LIMIT)
    fail(unknown, "nobody-by-this-name", LIMIT)
    pages = [
        sign_in(b, name, "x") for b, name in ((known, "viewer"), (unknown, "nobody-by-this-name"))
    ]
    assert [page.status_code for page in pages] == [429, 429]
    # Each page has its own CSRF token; the rest is the same.
    bodies = [re.sub(r'"x-csrftoken": "\w+"', "", page.content.decode()) for page in pages]
    assert "viewer" not in bodies[0] and "nobody-by-this-name" not in bodies[1]
    assert bodies[0] == bodies[1]


def test_only_that_username_from_that_address_is_locked(db):
    user_with_role("viewer")
    user_with_role("operator")
    fail(Client(REMOTE_ADDR="10.0.0.1"), "viewer", LIMIT)
    same_address_other_user = sign_in(Client(REMOTE_ADDR="10.0.0.1"), "operator", "pw-operator")
    other_address_same_user = sign_in(Client(REMOTE_ADDR="10.0.0.2"), "viewer", "pw-viewer")
    assert same_address_other_user.status_code == 302
    assert other_address_same_user.status_code == 302


def test_a_forwarded_for_header_does_not_change_the_address_counted(db):
    user_with_role("viewer")
    fail(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1"), "viewer", LIMIT)
    spoofing = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert sign_in(spoofing, "viewer", "pw-viewer").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}


def test_the_admin_login_is_throttled_too(db):
    user_with_role("admin")
    browser = Client(REMOTE_ADDR="10.0.0.3")
    url = reverse("admin:login")
    assert fail(browser, "admin", LIMIT - 1, url=url) == [200] * (LIMIT - 1)
    assert sign_in(browser, "admin", "wrong", url=url).status_code == 429
    assert sign_in(browser, "admin", "pw-admin", url=url).status_code == 429
    # The same pair at the console's login: one count for the username and address.
    assert sign_in(browser, "admin", "pw-admin").status_code == 429


def test_a_successful_sign_in_starts_the_count_again(db):
    user_with_role("viewer")
    browser = Client(REMOTE_ADDR="10.0.0.1")
    fail(browser, "viewer", LIMIT - 1)
    assert sign_in(browser, "viewer", "pw-viewer").status_code == 302
    browser.post(reverse("logout"))
    assert fail(browser, "viewer", LIMIT - 1) == [200] * (LIMIT - 1)
    assert sign_in(browser, "viewer", "pw-viewer").status_code == 302


def test_the_lockout_ends_after_the_cool_off(db):
    user_with_role("viewer")
    browser = Client(REMOTE_ADDR="10.0.0.1")
    fail(browser, "viewer", LIMIT)
    assert sign_in(browser, "viewer", "pw-viewer").status_code == 429
    cool_off = django_settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - cool_off - timedelta(seconds=1)
    )
    assert sign_in(browser, "viewer", "pw-viewer").status_code == 302


def test_admins_see_lockouts_and_deleting_one_unlocks(db):
    user_with_role("viewer")
    browser = Client(REMOTE_ADDR="10.0.0.1")
    fail(browser, "viewer", LIMIT)
    attempt = AccessAttempt.objects.get()

    admin = Client()
    admin.force_login(user_with_role("admin"))
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "10.0.0.1" in listing.content.decode()
    assert admin.get(reverse("admin:axes_accesslog_changelist")).status_code == 200
    assert admin.get(reverse("admin:axes_accessfailurelog_changelist")).status_code == 200
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302

    assert not AccessAttempt.objects.exists()
    assert sign_in(browser, "viewer", "pw-viewer").status_code == 302
    unlocked = AuditEvent.objects.get(object_type="axes.accessattempt")
    assert (unlocked.action, unlocked.actor_label, unlocked.object_repr) == (
        AuditEvent.Action.CONFIG_DELETED, "admin", "sign-in attempts of viewer from 10.0.0.1",
    )  # fmt: skip


def test_the_clean_up_action_deletes_only_attempts_older_than_the_lockout(db):
    fail(Client(REMOTE_ADDR="10.0.0.1"), "old", LIMIT)
    fail(Client(REMOTE_ADDR="10.0.0.2"), "recent", 1)
    expired = django_settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    old = AccessAttempt.objects.get(username="old")
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=old.attempt_time - expired)

    admin = Client()
    admin.force_login(user_with_role("admin"))
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "cleanup_expired_attempts", "_selected_action": [old.pk]},
        follow=True,
    )

    assert response.status_code == 200
    # axes also drops expired attempts as requests pass its middleware: the action may
    # find none left; it answers, and the recent attempt stays.
    assert "expired sign-in attempt" in response.content.decode()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent"]


def test_superusers_may_too_and_other_staff_may_not(db):
    fail(Client(REMOTE_ADDR="10.0.0.1"), "someone", LIMIT)
    attempt = AccessAttempt.objects.get()
    listing = reverse("admin:axes_accessattempt_changelist")
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])

    staff = Client()
    staff.force_login(User.objects.create_user("staff-only", is_staff=True))
    assert staff.get(listing).status_code == 403
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    operator = Client()
    operator.force_login(user_with_role("operator"))
    assert operator.get(listing).status_code == 302  # not staff: the admin's login page
    assert AccessAttempt.objects.exists()

    root = Client()
    root.force_login(User.objects.create_superuser("root", password="pw-root"))
    assert root.get(listing).status_code == 200
    assert root.post(delete, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_ensure_roles_gives_the_admin_role_the_lockout_permissions(db):
    admin = Group.objects.get(name="admin")
    admin.permissions.clear()
    call_command("ensure_roles")
    names = {
        f"{app}.{codename}"
        for app, codename in admin.permissions.values_list("content_type__app_label", "codename")
    }
    assert {"axes.view_accessattempt", "axes.delete_accessattempt"} <= names
    assert not any(name.startswith("axes.") for name in _role_permissions("operator"))


def _role_permissions(role: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_limit_and_the_wait_come_from_the_environment(tmp_path):
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "gogent.settings",
        "GOGENT_DATA_DIR": str(tmp_path),
        "LOGIN_FAILURE_LIMIT": "7",
        "LOGIN_LOCKOUT_MINUTES": "42",
    }
    code = (
        "from django.conf import settings; "
        "print(settings.AXES_FAILURE_LIMIT, int(settings.AXES_COOLOFF_TIME.total_seconds()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True
    )
    assert out.stdout.split() == ["7", str(42 * 60)], out.stderr

"""Logging in and out and changing one's password, with Django's own views."""

from django.test import Client
from django.urls import reverse

from tests.helpers.users import user_with_role


def test_login_lands_on_the_dashboard_and_logout_needs_post(db):
    user_with_role("viewer")
    browser = Client()
    response = browser.post(reverse("login"), {"username": "viewer", "password": "pw-viewer"})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert browser.get(reverse("dashboard")).status_code == 200
    assert browser.get(reverse("logout")).status_code == 405
    assert browser.post(reverse("logout")).status_code == 302
    assert browser.get(reverse("dashboard")).status_code == 302


def test_a_wrong_password_is_refused_with_a_message(db):
    user_with_role("viewer")
    response = Client().post(reverse("login"), {"username": "viewer", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_password_change(db):
    user = user_with_role("operator")
    browser = Client()
    browser.force_login(user)
    response = browser.post(
        reverse("password_change"),
        {
            "old_password": "pw-operator",
            "new_password1": "a much longer passphrase 42",
            "new_password2": "a much longer passphrase 42",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a much longer passphrase 42")


def test_password_reset_is_not_offered(db):
    user = user_with_role("viewer")
    user.email = "viewer@example.com"
    user.save(update_fields=["email"])
    browser = Client()
    for path in (
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
    ):
        assert browser.get(path).status_code == 404, path
    # With no mail server this once answered 500 for a known address only.
    answers = [
        browser.post("/accounts/password_reset/", {"email": email}).status_code
        for email in ("viewer@example.com", "nobody@example.com")
    ]
    assert answers == [404, 404]
    assert "password_reset" not in browser.get(reverse("login")).content.decode()

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gogent import health
from gogent.api import api
from gogent.operations import operations_view

admin.site.site_header = "Gogent administration"
admin.site.site_title = "Gogent"

urlpatterns = [
    # Before admin/ so the admin's catch-all does not take it; admin_view: staff only.
    path("admin/operations/", admin.site.admin_view(operations_view), name="admin-operations"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    # Django's account views without password reset: with no mail server it answered 500
    # for a known address only, telling anyone which addresses have accounts.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("logs.urls")),
    path("", include("analysis.urls")),
    path("", include("integrations.urls")),
]

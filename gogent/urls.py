from django.contrib import admin
from django.urls import include, path

from gogent import health
from gogent.api import api
from gogent.operations import operations_view
from logs.views import dashboard

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
    path("accounts/", include("django.contrib.auth.urls")),
    path("", dashboard, name="dashboard"),
    path("", include("logs.urls")),
    path("", include("analysis.urls")),
    path("", include("integrations.urls")),
]

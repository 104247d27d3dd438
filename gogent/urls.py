from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Gogent administration"
admin.site.site_title = "Gogent"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Until the operator console lands, the admin is the only UI.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]

from django.urls import path

from integrations import views
from integrations.remediation import views as remediation

app_name = "integrations"

urlpatterns = [
    path("tickets/", views.ticket_list, name="tickets"),
    path("maintenance/", views.maintenance_list, name="maintenance"),
    path("patterns/<int:pk>/tickets", views.pattern_panel, name="pattern-panel"),
    path("patterns/<int:pk>/tickets/open", views.pattern_open_ticket, name="open"),
    path("tickets/<int:pk>/approve", views.ticket_approve_view, name="approve"),
    path("tickets/<int:pk>/discard", views.ticket_discard_view, name="discard"),
    path("tickets/<int:pk>/retry", views.ticket_retry_view, name="retry"),
    path("patterns/<int:pk>/actions", remediation.proposals_panel, name="action-proposals"),
    path(
        "actions/<int:pk>/approve",
        remediation.proposal_decide,
        {"decision": "approve"},
        name="action-approve",
    ),
    path(
        "actions/<int:pk>/reject",
        remediation.proposal_decide,
        {"decision": "reject"},
        name="action-reject",
    ),
]

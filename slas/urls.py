from django.urls import path

from slas import views
from slas.views import service_level_views

app_name = "slas"
urlpatterns = [
    *service_level_views.urls("service-levels"),
    path("compliance/", views.ComplianceResultListView.as_view(), name="complianceresult_list"),
    path("compliance/<int:pk>/", views.ComplianceResultDetailView.as_view(), name="complianceresult"),
    path("contracts/<int:pk>/recompute/", views.contract_recompute, name="contract_recompute"),
    path("compliance/<int:pk>/work-items.csv", views.evidence_csv, name="complianceresult_evidence"),
]

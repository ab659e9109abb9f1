from django.urls import path
from rest_framework.routers import SimpleRouter

from slas.api import views

router = SimpleRouter()
router.register("service-levels", views.ServiceLevelViewSet, basename="servicelevel")
router.register("metrics", views.MetricViewSet, basename="metric")
router.register("compliance", views.ComplianceResultViewSet, basename="complianceresult")
router.register("sla-status", views.SlaStatusViewSet, basename="slastatus")
urlpatterns = [
    path("contracts/<str:contract>/credits/", views.ContractCreditsView.as_view(), name="contract-credits"),
    path("contracts/<str:contract>/recompute/", views.ContractRecomputeView.as_view(), name="contract-recompute"),
    *router.urls,
]

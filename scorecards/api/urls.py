from django.urls import path
from rest_framework.routers import SimpleRouter

from scorecards.api import views

router = SimpleRouter()
router.register("scorecards", views.ScorecardViewSet, basename="scorecard")
urlpatterns = [
    path(
        "providers/<str:provider>/scorecard-trend/",
        views.ProviderScorecardTrendView.as_view(),
        name="provider-scorecard-trend",
    ),
    *router.urls,
]

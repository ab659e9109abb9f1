from django.urls import path
from rest_framework.routers import SimpleRouter

from scorecards.api import ratings, templates, views

router = SimpleRouter()
router.register("scorecards", views.ScorecardViewSet, basename="scorecard")
router.register("scorecard-templates", templates.ScorecardTemplateViewSet, basename="scorecardtemplate")
router.register("manual-ratings", ratings.ManualRatingViewSet, basename="manualrating")
urlpatterns = [
    path(
        "providers/<str:provider>/scorecard-trend/",
        views.ProviderScorecardTrendView.as_view(),
        name="provider-scorecard-trend",
    ),
    *router.urls,
]

from django.urls import path
from rest_framework.routers import SimpleRouter

from scorecards.api import ratings, reviews, templates, views

router = SimpleRouter()
router.register("scorecards", views.ScorecardViewSet, basename="scorecard")
router.register("scorecard-templates", templates.ScorecardTemplateViewSet, basename="scorecardtemplate")
router.register("manual-ratings", ratings.ManualRatingViewSet, basename="manualrating")
router.register("scorecard-reviews", reviews.ScorecardReviewViewSet, basename="scorecard-review")
router.register("improvement-plans", reviews.ImprovementPlanViewSet, basename="improvement-plan")
router.register("improvement-actions", reviews.ImprovementActionViewSet, basename="improvement-action")
router.register("standing-consequences", reviews.StandingConsequenceViewSet, basename="standing-consequence")

# Before the router's routes: "csv" would otherwise be read as a scorecard id.
urlpatterns = [
    path("scorecards/csv/", reviews.ScorecardCsvView.as_view(), name="scorecard-csv"),
    path("scorecards/xlsx/", reviews.ScorecardXlsxView.as_view(), name="scorecard-xlsx"),
    path("scorecards/<int:pk>/pdf/", reviews.ScorecardPdfView.as_view(), name="scorecard-pdf"),
    path("scorecards/<int:pk>/reviews/", reviews.ScorecardReviewsView.as_view(), name="scorecard-reviews"),
    *router.urls,
]

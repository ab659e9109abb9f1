from rest_framework.routers import SimpleRouter

from scorecards.api import ratings, templates, views

router = SimpleRouter()
router.register("scorecards", views.ScorecardViewSet, basename="scorecard")
router.register("scorecard-templates", templates.ScorecardTemplateViewSet, basename="scorecardtemplate")
router.register("manual-ratings", ratings.ManualRatingViewSet, basename="manualrating")
urlpatterns = router.urls

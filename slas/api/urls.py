from rest_framework.routers import SimpleRouter

from slas.api import views

router = SimpleRouter()
router.register("service-levels", views.ServiceLevelViewSet, basename="servicelevel")
router.register("metrics", views.MetricViewSet, basename="metric")
urlpatterns = router.urls

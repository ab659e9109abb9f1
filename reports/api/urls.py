from rest_framework.routers import SimpleRouter

from reports.api import views

router = SimpleRouter()
router.register("report-layouts", views.ReportLayoutViewSet, basename="reportlayout")
router.register("reports", views.VendorReportViewSet, basename="vendorreport")
urlpatterns = router.urls

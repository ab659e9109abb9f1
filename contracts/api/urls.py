from rest_framework.routers import SimpleRouter

from contracts.api import views

router = SimpleRouter()
router.register("categories", views.ServiceCategoryViewSet, basename="servicecategory")
router.register("processes", views.ProcessViewSet, basename="process")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("process-baselines", views.ProcessBaselineViewSet, basename="processbaseline")
router.register("invoices", views.InvoiceViewSet, basename="invoice")
urlpatterns = router.urls

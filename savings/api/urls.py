from rest_framework.routers import SimpleRouter

from savings.api import views

router = SimpleRouter()
router.register("savings", views.SavingsResultViewSet, basename="savingsresult")
router.register("invoice-discrepancies", views.InvoiceDiscrepancyViewSet, basename="invoicediscrepancy")
router.register("exchange-rates", views.ExchangeRateViewSet, basename="exchangerate")
urlpatterns = router.urls

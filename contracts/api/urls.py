from rest_framework.routers import SimpleRouter

from contracts.api import views

router = SimpleRouter()
router.register("categories", views.ServiceCategoryViewSet, basename="servicecategory")
router.register("processes", views.ProcessViewSet, basename="process")
router.register("contracts", views.ContractViewSet, basename="contract")
urlpatterns = router.urls

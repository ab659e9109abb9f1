from rest_framework.routers import SimpleRouter

from vendors.api import views

router = SimpleRouter()
router.register("providers", views.ProviderViewSet, basename="provider")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("certifications", views.CertificationViewSet, basename="certification")
urlpatterns = router.urls

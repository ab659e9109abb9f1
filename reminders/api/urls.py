from rest_framework.routers import SimpleRouter

from reminders.api import views

router = SimpleRouter()
router.register("reminders", views.ReminderViewSet, basename="reminder")
urlpatterns = router.urls

from slas.views import service_level_views

app_name = "slas"
urlpatterns = [*service_level_views.urls("service-levels")]

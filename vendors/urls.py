from vendors.views import certification_views, contact_views, provider_views

app_name = "vendors"
urlpatterns = [
    *provider_views.urls("providers"),
    *contact_views.urls("contacts"),
    *certification_views.urls("certifications"),
]

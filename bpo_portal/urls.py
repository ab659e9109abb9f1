"""Top-level routes: browser pages, the admin, and the versioned REST API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core.api.views import api_not_found
from overview.views import DashboardView

api_v1 = [
    path("", include("vendors.api.urls")),
    path("", include("contracts.api.urls")),
    path("", include("slas.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("vendors.urls")),
    path("", include("contracts.urls")),
    path("", include("slas.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    re_path(r"^api/(?:.*/)?$", api_not_found),
]

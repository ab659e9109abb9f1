"""Top-level routes: browser pages, the admin, and the versioned REST API."""

from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from core.api.tokens import ObtainTokenView
from core.api.views import api_not_found
from core.profile import ProfileView
from overview.views import DashboardView

_docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"], "img-src": ["data:"]})

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("", include("vendors.api.urls")),
    path("", include("contracts.api.urls")),
    path("", include("documents.api.urls")),
    path("", include("slas.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("savings.api.urls")),
    path("", include("reminders.api.urls")),
    path("", include("scorecards.api.urls")),
]

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", ProfileView.as_view(), name="profile"),
    path("", include("vendors.urls")),
    path("", include("contracts.urls")),
    path("", include("documents.urls")),
    path("", include("slas.urls")),
    path("", include("reports.urls")),
    path("", include("savings.urls")),
    path("", include("reminders.urls")),
    path("", include("scorecards.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The docs' script comes from a URL of its own (the split view), so the CSP needs no inline
    # script; Swagger UI and ReDoc do set inline styles and ReDoc starts a blob: worker.
    path("api/docs/", _docs_csp(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
    path("api/redoc/", _docs_csp(SpectacularRedocView.as_view(url_name="schema")), name="api-redoc"),
    re_path(r"^api/(?:.*/)?$", api_not_found),
]

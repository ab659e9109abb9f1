"""Pages that compose every domain app: the dashboard."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import generic

from core import versions
from overview.selectors import dashboard_summary


class DashboardView(LoginRequiredMixin, PermissionRequiredMixin, generic.View):
    """The operations manager's landing page: what is breached, owed and due, portfolio-wide.

    It summarises contracts, so it needs the permission to view them, like every other page:
    a signed-in user without a role sees a 403 that tells them to ask for one.

    Its body (two dozen queries and a large template: 53 % of its time was rendering) is
    kept in the cache per user under the data version (``core.versions``): every change to
    what it shows bumps the version, so the next view renders afresh. The key also holds the
    day (deadlines count from today), the path and the user's CSRF secret (the acknowledge
    forms carry a token). A cache that cannot be reached means rendering every time.
    """

    permission_required = "contracts.view_contract"  # anonymous: to the login page; signed in without it: 403

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        today = timezone.localdate()
        key = versions.cache_key(
            "dashboard",
            connection.settings_dict["NAME"],
            versions.current_for(user),
            user.pk,
            getattr(user, "date_joined", ""),
            today,
            request.get_full_path(),
            request.META.get("CSRF_COOKIE", ""),
        )
        content = versions.cache_get(key)
        if content is None:
            content = render_to_string(
                "dashboard_content.html", dashboard_summary(user=user, today=today), request=request
            )
            versions.cache_set(key, content)
        return render(request, "dashboard.html", {"content": mark_safe(content)})  # our own rendering, from the cache

"""Pages that compose every domain app: the dashboard."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils import timezone
from django.views import generic

from overview.selectors import dashboard_summary


class DashboardView(LoginRequiredMixin, PermissionRequiredMixin, generic.TemplateView):
    """The operations manager's landing page: what is breached, owed and due, portfolio-wide.

    It summarises contracts, so it needs the permission to view them, like every other page:
    a signed-in user without a role sees a 403 that tells them to ask for one.
    """

    template_name = "dashboard.html"
    permission_required = "contracts.view_contract"  # anonymous: to the login page; signed in without it: 403

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(dashboard_summary(user=self.request.user, today=timezone.localdate()))
        return context

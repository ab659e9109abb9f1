"""Pages that compose every domain app: the dashboard."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views import generic

from overview.selectors import dashboard_summary


class DashboardView(LoginRequiredMixin, generic.TemplateView):
    """The operations manager's landing page: what is breached, owed and due, portfolio-wide."""

    template_name = "dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(dashboard_summary(user=self.request.user, today=timezone.localdate()))
        return context

"""Browser views for service levels."""

from core.views import ObjectDetailView, ObjectViews
from slas import filtersets, forms, selectors, tables
from slas.models import ServiceLevel


class ServiceLevelDetailView(ObjectDetailView):
    template_name = "slas/servicelevel_detail.html"


service_level_views = ObjectViews(
    model=ServiceLevel,
    selector=selectors.service_level_list,
    filterset=filtersets.ServiceLevelFilterSet,
    table=tables.ServiceLevelTable,
    form=forms.ServiceLevelForm,
    detail_view=ServiceLevelDetailView,
)

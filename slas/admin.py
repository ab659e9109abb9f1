from django.contrib import admin

from slas.models import RecomputeRun, ServiceLevel


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ("__str__", "metric", "expected_level", "minimum_level", "kind", "credit_allocation_percent")
    list_filter = ("metric", "kind")
    search_fields = ("contract__reference", "process__name", "name")


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    """Read-only: runs are a record of what recomputation changed."""

    list_display = ("contract", "trigger", "requested_by", "requested_at", "first_month", "last_month", "finished_at")
    list_filter = ("trigger",)
    search_fields = ("contract__reference", "reason")
    readonly_fields = [f.name for f in RecomputeRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

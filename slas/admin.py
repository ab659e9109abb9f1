from django.contrib import admin

from slas.models import ServiceLevel


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ("__str__", "metric", "expected_level", "minimum_level", "kind", "credit_allocation_percent")
    list_filter = ("metric", "kind")
    search_fields = ("contract__reference", "process__name", "name")

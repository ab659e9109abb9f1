from django.contrib import admin

from contracts.models import Contract, Process, ServiceCategory


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "unit_of_work", "baseline_cost_per_unit", "currency")
    list_filter = ("category", "unit_of_work")
    search_fields = ("name",)


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "provider", "status", "pricing_model", "start_date", "end_date")
    list_filter = ("status", "pricing_model")
    search_fields = ("reference", "title", "provider__name")
    filter_horizontal = ("processes",)

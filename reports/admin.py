from django.contrib import admin

from reports.models import KpiClaim, ReportLayout, ReportLayoutVersion, VendorReport


class ReportLayoutVersionInline(admin.TabularInline):
    model = ReportLayoutVersion
    extra = 0
    readonly_fields = ("number", "config", "created_at", "created_by")
    can_delete = False


@admin.register(ReportLayout)
class ReportLayoutAdmin(admin.ModelAdmin):
    list_display = ("name", "provider", "kind", "is_builtin")
    list_filter = ("kind",)
    inlines = [ReportLayoutVersionInline]


@admin.register(VendorReport)
class VendorReportAdmin(admin.ModelAdmin):
    list_display = ("id", "original_name", "contract", "period_start", "status", "rows_accepted", "rows_rejected")
    list_filter = ("status", "kind", "source")
    search_fields = ("original_name", "contract__reference", "sha256")
    readonly_fields = [f.name for f in VendorReport._meta.fields]


@admin.register(KpiClaim)
class KpiClaimAdmin(admin.ModelAdmin):
    list_display = ("report", "metric", "period", "value", "volume", "invoiced_amount")
    list_filter = ("metric",)

from django.contrib import admin

from documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "contract", "provider", "original_name", "size", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("title", "original_name", "sha256", "contract__reference", "provider__name")
    readonly_fields = ("sha256", "size", "content_type", "uploaded_by", "uploaded_at")

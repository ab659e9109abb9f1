from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.VendorReportListView.as_view(), name="vendorreport_list"),
    path("reports/upload/", views.report_upload, name="vendorreport_add"),
    path("reports/upload/fields/", views.report_upload_fields, name="vendorreport_upload_fields"),
    path("reports/preview/", views.report_preview, name="vendorreport_preview"),
    path("reports/<int:pk>/", views.VendorReportDetailView.as_view(), name="vendorreport"),
    path("reports/<int:pk>/progress/", views.report_progress, name="vendorreport_progress"),
    path("reports/<int:pk>/reinstate/", views.report_reinstate, name="vendorreport_reinstate"),
    path("reports/<int:pk>/file/", views.report_download, {"which": "original"}, name="vendorreport_file"),
    path("reports/<int:pk>/rejected-rows/", views.report_download, {"which": "rejected"}, name="vendorreport_rejected"),
    *views.layout_views.urls("report-layouts"),
    path("report-layouts/<int:pk>/copy/", views.layout_copy, name="reportlayout_copy"),
]

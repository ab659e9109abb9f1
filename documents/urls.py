from django.urls import path, re_path

from documents import views

app_name = "documents"
urlpatterns = [
    path("documents/", views.DocumentListView.as_view(), name="document_list"),
    re_path(
        r"^documents/add/(?P<owner_kind>contract|provider)/(?P<pk>[0-9]+)/$",
        views.document_upload,
        name="document_upload",
    ),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
    path("documents/<int:pk>/delete/", views.DocumentDeleteView.as_view(), name="document_delete"),
]

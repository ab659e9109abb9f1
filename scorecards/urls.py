"""Browser routes of the scorecards app (included at the site root by ``bpo_portal/urls.py``)."""

from django.urls import path

from scorecards import compare_views, rating_views, template_views, views

app_name = "scorecards"
urlpatterns = [
    path("scorecards/", views.ScorecardListView.as_view(), name="scorecard_list"),
    path("scorecards/<int:pk>/", views.ScorecardDetailView.as_view(), name="scorecard"),
    path("scorecards/compare/", compare_views.compare, name="compare"),
    # --- Templates (editing, versions, back-test) and manual ratings (issue #11) ---
    path("scorecards/templates/", template_views.TemplateListView.as_view(), name="scorecardtemplate_list"),
    path("scorecards/templates/<int:pk>/", template_views.TemplateDetailView.as_view(), name="scorecardtemplate"),
    path(
        "scorecards/templates/<int:pk>/edit/", template_views.TemplateEditView.as_view(), name="scorecardtemplate_edit"
    ),
    path(
        "scorecards/templates/<int:pk>/versions/<int:number>/",
        template_views.TemplateVersionView.as_view(),
        name="scorecardtemplateversion",
    ),
    path("scorecards/ratings/<int:pk>/", rating_views.ProviderRatingsView.as_view(), name="provider_ratings"),
]

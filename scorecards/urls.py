"""Browser routes of the scorecards app (included at the site root by ``bpo_portal/urls.py``)."""

from django.urls import path

from scorecards import compare_views, rating_views, review_views, template_views

app_name = "scorecards"
urlpatterns = [
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
    # The procurement review workflow.
    path("scorecards/reviews/", review_views.ScorecardReviewListView.as_view(), name="scorecardreview_list"),
    path("scorecards/reviews/add/", review_views.review_start, name="scorecardreview_add"),
    path("scorecards/reviews/<int:pk>/", review_views.ScorecardReviewDetailView.as_view(), name="scorecardreview"),
    path("scorecards/reviews/<int:pk>/decision/", review_views.review_decision, name="scorecardreview_decision"),
    path("scorecards/reviews/<int:pk>/comment/", review_views.review_comment, name="scorecardreview_comment"),
    path("scorecards/reviews/<int:pk>/plan/", review_views.plan_create, name="scorecardreview_plan"),
    path(
        "scorecards/reviews/<int:pk>/<str:action>/",
        review_views.review_transition,
        name="scorecardreview_transition",
    ),
    path("scorecards/plans/<int:pk>/actions/", review_views.plan_add_action, name="improvementplan_action"),
    path("scorecards/plans/<int:pk>/close/", review_views.plan_close, name="improvementplan_close"),
    path("scorecards/actions/<int:pk>/done/", review_views.action_done, name="improvementaction_done"),
    path(
        "scorecards/consequences/",
        review_views.StandingConsequenceListView.as_view(),
        name="standingconsequence_list",
    ),
    path(
        "scorecards/consequences/<int:pk>/<str:action>/",
        review_views.consequence_act,
        name="standingconsequence_act",
    ),
    # Downloads of a scorecard and of the scorecard table.
    path("scorecards/<int:pk>/pdf/", review_views.scorecard_pdf, name="scorecard_pdf"),
    path("scorecards/<int:pk>/review/", review_views.scorecard_review, name="scorecard_review"),
    path("scorecards/export/", review_views.scorecard_export, name="scorecard_export"),
]

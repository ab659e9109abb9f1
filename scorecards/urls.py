from django.urls import path

from scorecards import views

app_name = "scorecards"
urlpatterns = [
    path("scorecards/", views.ScorecardListView.as_view(), name="scorecard_list"),
    path("scorecards/<int:pk>/", views.ScorecardDetailView.as_view(), name="scorecard"),
]

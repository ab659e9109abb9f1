from django.urls import path

from scorecards import compare_views

app_name = "scorecards"
urlpatterns = [
    path("scorecards/compare/", compare_views.compare, name="compare"),
]

from django.urls import path

from savings import views

app_name = "savings"
urlpatterns = [
    path("savings/", views.SavingsListView.as_view(), name="savingsresult_list"),
    path("savings/rates/import/", views.exchange_rate_import, name="exchangerate_import"),
    *views.exchange_rate_views.urls("savings/rates"),
]

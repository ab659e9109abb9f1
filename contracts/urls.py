from contracts.views import contract_views, process_views

app_name = "contracts"
urlpatterns = [
    *process_views.urls("processes"),
    *contract_views.urls("contracts"),
]

from django.urls import path

from contracts.views import ContractTransitionView, contract_views, process_views

app_name = "contracts"
urlpatterns = [
    *process_views.urls("processes"),
    *contract_views.urls("contracts"),
    path("contracts/<int:pk>/transition/", ContractTransitionView.as_view(), name="contract_transition"),
]

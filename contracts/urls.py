from django.urls import path

from contracts.views import (
    ContractTransitionView,
    baseline_views,
    contract_views,
    invoice_import,
    invoice_views,
    process_views,
)

app_name = "contracts"
urlpatterns = [
    *process_views.urls("processes"),
    *baseline_views.urls("baselines"),
    path("invoices/import/", invoice_import, name="invoice_import"),
    *invoice_views.urls("invoices"),
    *contract_views.urls("contracts"),
    path("contracts/<int:pk>/transition/", ContractTransitionView.as_view(), name="contract_transition"),
]

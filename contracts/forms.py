"""Browser forms for processes and contracts."""

from django import forms

from contracts.lifecycle import TARGETS
from contracts.models import Contract, Process
from core.forms import DateInput, SectionedFormMixin


class ProcessForm(forms.ModelForm):
    class Meta:
        model = Process
        fields = [
            "name",
            "category",
            "description",
            "internal_owner",
            "unit_of_work",
            "baseline_cost_per_unit",
            "currency",
            "expected_monthly_volume",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ContractForm(SectionedFormMixin, forms.ModelForm):
    """The contract in the sections a contract is read in: parties and term, pricing, credits, the rest.

    The status is not a field here: a new contract is a draft, and the status changes only
    through the lifecycle buttons on the contract page (``contracts.lifecycle``).
    """

    sections = (
        (
            "Parties and term",
            (
                "provider",
                "reference",
                "title",
                "processes",
                "start_date",
                "end_date",
                "time_zone",
                "notice_period_days",
                "auto_renew",
                "owner",
            ),
        ),
        ("Pricing", ("currency", "pricing_model", "unit_price", "fte_rate", "fte_count", "fixed_monthly_fee")),
        (
            "Service credits",
            (
                "at_risk_percent",
                "credit_cap",
                "credit_pool_limit_percent",
                "consecutive_miss_periods",
                "chronic_breach_count",
                "earn_back",
                "earn_back_periods",
            ),
        ),
        ("Business case and other terms", ("rejected_row_tolerance_percent",)),
    )
    other_heading = "Business case and other terms"

    class Meta:
        model = Contract
        fields = [
            "provider",
            "reference",
            "title",
            "processes",
            "start_date",
            "end_date",
            "time_zone",
            "auto_renew",
            "notice_period_days",
            "owner",
            "currency",
            "pricing_model",
            "unit_price",
            "fte_rate",
            "fixed_monthly_fee",
            "fte_count",
            "at_risk_percent",
            "credit_cap",
            "earn_back",
            "rejected_row_tolerance_percent",
            "credit_pool_limit_percent",
            "consecutive_miss_periods",
            "earn_back_periods",
            "chronic_breach_count",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "processes": forms.SelectMultiple(attrs={"size": 6}),
        }


class TransitionForm(forms.Form):
    """One lifecycle button of the contract page: the target, and why."""

    to = forms.ChoiceField(choices=[(t, label) for t, label in TARGETS.items()], widget=forms.HiddenInput)
    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    date = forms.DateField(required=False, widget=DateInput(), label="Last day of service")
    override_reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Override reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Renewing although the provider lacks a required certification: why.",
    )

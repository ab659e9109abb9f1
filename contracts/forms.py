"""Browser forms for processes and contracts."""

from typing import Any

from django import forms

from contracts.lifecycle import TARGETS
from contracts.models import Contract, Invoice, Process, ProcessBaseline, refuse_blocked_provider
from core.filtersets import MonthField
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
        ("Business case and other terms", ("rejected_row_tolerance_percent", "invoice_tolerance_percent")),
    )
    other_heading = "Business case and other terms"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, the invoice tolerance keeps the contract's default (2 %).
        self.fields["invoice_tolerance_percent"].required = False

    def clean_provider(self) -> Any:
        """A provider whose new contracts are blocked (a confirmed scorecard consequence) gets none."""
        provider = self.cleaned_data.get("provider")
        return refuse_blocked_provider(provider, self.instance, forms.ValidationError)

    def clean_invoice_tolerance_percent(self) -> Any:
        value = self.cleaned_data.get("invoice_tolerance_percent")
        if value is None:
            return (
                self.instance.invoice_tolerance_percent or Contract._meta.get_field("invoice_tolerance_percent").default
            )
        return value

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
            "invoice_tolerance_percent",
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


class InvoiceForm(forms.ModelForm):
    """An invoice entered by hand: the month as YYYY-MM, the amount in the contract's currency."""

    period = MonthField(label="Month", help_text="The month invoiced, YYYY-MM.")

    class Meta:
        model = Invoice
        fields = ["contract", "period", "amount", "reference"]
        help_texts = {"amount": "In the contract's currency."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.period:
            self.initial["period"] = f"{self.instance.period:%Y-%m}"


class InvoiceImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV with a header row: contract (its reference), month (YYYY-MM), amount (in the "
        "contract's currency), optional reference (the invoice number). At most 1 MB; nothing is "
        "stored if any row is wrong. A month already invoiced is replaced."
    )


class ProcessBaselineForm(forms.ModelForm):
    """A revised in-house cost: given per unit, or derived from cost and units per FTE-month."""

    DIRECT, DERIVED = "direct", "fte"
    method = forms.ChoiceField(
        label="Cost given",
        choices=[(DIRECT, "Per unit, directly"), (DERIVED, "From cost and units per FTE-month")],
        widget=forms.RadioSelect,
        initial=DIRECT,
    )

    class Meta:
        model = ProcessBaseline
        fields = [
            "process",
            "valid_from",
            "currency",
            "method",
            "cost_per_unit",
            "cost_per_fte_month",
            "units_per_fte_month",
            "note",
        ]
        widgets = {"valid_from": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["method"] = self.DERIVED if self.instance.is_derived else self.DIRECT

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("method") == self.DERIVED:
            for name in ("cost_per_fte_month", "units_per_fte_month"):
                if data.get(name) in (None, ""):
                    self.add_error(name, "Needed to derive the cost per unit.")
            data["cost_per_unit"] = None  # derived by ProcessBaseline.clean from the FTE figures
        else:
            if data.get("cost_per_unit") is None:
                self.add_error("cost_per_unit", "Give the cost per unit (or derive it from the FTE figures).")
            data["cost_per_fte_month"] = data["units_per_fte_month"] = None
        return data


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

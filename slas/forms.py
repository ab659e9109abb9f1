"""Browser forms for service levels and the period their compliance is shown for."""

from typing import Any

from django import forms

from core.filtersets import MonthField, PeriodRangeForm
from core.forms import BoundedJSONField
from slas.models import ServiceLevel
from slas.periods import MonthWindow


class ServiceLevelForm(forms.ModelForm):
    class Meta:
        model = ServiceLevel
        fields = [
            "contract",
            "process",
            "metric",
            "name",
            "parameters",
            "expected_level",
            "minimum_level",
            "measurement_period",
            "kind",
            "weight",
            "credit_allocation_percent",
            "minimum_sample_size",
        ]
        field_classes = {"parameters": BoundedJSONField}
        widgets = {"parameters": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "parameters": 'JSON. Service level: {"threshold_seconds": 20}; turnaround: {"hours": 24}; '
            'percentile: {"percentile": 90}.'
        }


class PeriodForm(PeriodRangeForm):
    """``period_from``/``period_to`` as ``YYYY-MM``: the sla-status API's and the contract page's period."""

    period_from = MonthField(required=False, label="From month (YYYY-MM)")
    period_to = MonthField(required=False, label="To month (YYYY-MM)")


class ContractPeriodForm(PeriodForm):
    """The contract page's period picker: two month inputs bounded to the contract's term."""

    def __init__(self, *args: Any, term: MonthWindow, window: MonthWindow | None = None, **kwargs: Any) -> None:
        if window is not None:
            kwargs.setdefault("initial", {"period_from": f"{window.first:%Y-%m}", "period_to": f"{window.last:%Y-%m}"})
        super().__init__(*args, **kwargs)
        self.term = term
        self.fields["period_from"].label = "From"
        self.fields["period_to"].label = "To"
        for field in self.fields.values():
            field.widget = forms.DateInput(
                attrs={"type": "month", "min": f"{term.first:%Y-%m}", "max": f"{term.last:%Y-%m}"}, format="%Y-%m"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in ("period_from", "period_to"):
            month = cleaned.get(name)
            if month and month not in self.term:
                self.add_error(name, f"{month:%Y-%m} is outside the contract's term ({self.term}).")
        return cleaned

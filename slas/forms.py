"""Browser form for service levels."""

from django import forms

from core.forms import BoundedJSONField
from slas.models import ServiceLevel


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

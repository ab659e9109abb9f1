"""Forms: exchange rates, one at a time or from a CSV file."""

from django import forms

from core.forms import DateInput
from savings.models import ExchangeRate


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["date", "currency", "rate", "source"]
        widgets = {"date": DateInput()}


class ExchangeRateImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV with a header row: date (YYYY-MM-DD), currency (ISO code), rate "
        "(units of the reporting currency per unit), optional source. At most 1 MB."
    )

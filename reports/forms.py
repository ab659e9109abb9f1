"""Browser forms: uploading a report, and editing a layout."""

from typing import Any

from django import forms

from contracts.models import Contract, Process
from core.forms import BoundedJSONField
from reports import services
from reports.models import ReportKind, ReportLayout


class MonthInput(forms.DateInput):
    input_type = "month"


class ReportUploadForm(forms.Form):
    """Everything an upload needs; a month or an explicit start and end date."""

    contract = forms.ModelChoiceField(queryset=Contract.objects.none())
    process = forms.ModelChoiceField(
        queryset=Process.objects.all(), required=False, help_text="Needed when the contract covers several processes."
    )
    kind = forms.ChoiceField(choices=ReportKind.choices, initial=ReportKind.WORK_ITEMS)
    month = forms.CharField(required=False, widget=MonthInput(), help_text="The calendar month the report covers.")
    period_start = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Or give the first and last day."
    )
    period_end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    layout = forms.ModelChoiceField(
        queryset=ReportLayout.objects.all(),
        required=False,
        help_text="How to read the vendor's columns; empty means the canonical layout.",
    )
    file = forms.FileField(help_text="CSV, TSV, XLSX, JSON or NDJSON.")

    def __init__(self, *args: Any, contracts, layouts, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
        self.fields["layout"].queryset = layouts

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        month, start, end = data.get("month"), data.get("period_start"), data.get("period_end")
        if month:
            try:
                data["period_start"], data["period_end"] = services.month_bounds(month)
            except services.ValidationError as exc:
                self.add_error("month", exc.message_dict["month"])
        elif not (start and end):
            self.add_error("month", "Give the month, or the first and last day of the period.")
        return data

    def submission(self, *, user, source: str) -> services.ReportSubmission:
        data = self.cleaned_data
        return services.ReportSubmission(
            contract=data["contract"],
            process=data.get("process"),
            kind=data["kind"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            layout=data.get("layout"),
            upload=data["file"],
            user=user,
            source=source,
        )


class ReportLayoutForm(forms.ModelForm):
    """A layout and its config as JSON; saving a changed config makes a new version."""

    user = None  # set by the view: recorded as the author of a new version

    config = BoundedJSONField(
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace", "spellcheck": "false"}),
        help_text="How the vendor's file maps onto the canonical fields (JSON); the reference is beside the form.",
    )

    class Meta:
        model = ReportLayout
        fields = ["provider", "name", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.current_version:
            self.initial["config"] = self.instance.current_version.config
        else:
            self.initial.setdefault("config", {"kind": self.initial.get("kind", ReportKind.WORK_ITEMS), "fields": {}})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        config = data.get("config")
        if isinstance(config, dict) and data.get("kind"):
            config.setdefault("kind", data["kind"])
            if config["kind"] != data["kind"]:
                message = f"The config's kind is “{config['kind']}” but the layout's is “{data['kind']}”."
                self.add_error("config", message)
                return data
            try:
                services.compile_layout(config)
            except services.ValidationError as exc:
                for message in exc.message_dict["config"]:
                    self.add_error("config", message)
        elif config is not None and not isinstance(config, dict):
            self.add_error("config", "The config must be a JSON object.")
        return data

    def save(self, commit: bool = True) -> ReportLayout:
        self.version = services.layout_save(self.instance, config=self.cleaned_data["config"], user=self.user)
        return self.instance

"""Browser forms: uploading a report, and editing a layout."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from contracts.models import Contract, Process
from core.months import parse_month
from reports import services
from reports.models import ReportKind, ReportLayout
from vendors.models import Provider


class MonthInput(forms.DateInput):
    input_type = "month"


def _term_months(contract: Contract) -> tuple[str, str]:
    """The first and last month of the contract's term, as the month picker spells them."""
    return f"{contract.start_date:%Y-%m}", f"{contract.end_date:%Y-%m}"


class ReportUploadForm(forms.Form):
    """Everything an upload needs; a month or an explicit start and end date.

    The choices follow the chosen contract: its processes, the layouts of its provider plus
    the shared ones, and months inside its term. The contract comes from the posted data or
    the initial values (``?contract=``), so the htmx endpoint that re-renders the dependent
    fields builds the same form.
    """

    contract = forms.ModelChoiceField(queryset=Contract.objects.none())
    process = forms.ModelChoiceField(
        queryset=Process.objects.none(), required=False, help_text="Needed when the contract covers several processes."
    )
    kind = forms.ChoiceField(choices=ReportKind.choices, initial=ReportKind.WORK_ITEMS)
    month = forms.CharField(required=False, widget=MonthInput(), help_text="The calendar month the report covers.")
    period_start = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Or give the first and last day."
    )
    period_end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    layout = forms.ModelChoiceField(
        queryset=ReportLayout.objects.none(),
        required=False,
        help_text="How to read the vendor's columns; empty means the canonical layout.",
    )
    file = forms.FileField(help_text="CSV, TSV, XLSX, JSON or NDJSON.")

    def __init__(
        self,
        *args: Any,
        contracts: QuerySet[Contract],
        layouts: QuerySet[ReportLayout],
        processes: QuerySet[Process],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
        self.contract = self._chosen_contract(contracts)
        kind = self._value("kind") or ReportKind.WORK_ITEMS
        if self.contract is None:
            self.fields["process"].queryset = processes.none()
            self.fields["process"].help_text = "Choose the contract first."
            self.fields["layout"].queryset = layouts.filter(provider__isnull=True, kind=kind)
            return
        self.fields["process"].queryset = processes.filter(pk__in=self.contract.processes.values("pk"))
        self.fields["layout"].queryset = layouts.filter(
            Q(provider__isnull=True) | Q(provider=self.contract.provider_id), kind=kind
        )
        first, last = _term_months(self.contract)
        self.fields["month"].widget.attrs.update(min=first, max=last)
        self.fields["month"].help_text = f"The calendar month the report covers, within the term ({first} to {last})."
        for name in ("period_start", "period_end"):
            self.fields[name].widget.attrs.update(
                min=self.contract.start_date.isoformat(), max=self.contract.end_date.isoformat()
            )

    def _value(self, name: str) -> str | None:
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        value = self.initial.get(name)
        return str(value) if value not in (None, "") else None

    def _chosen_contract(self, contracts: QuerySet[Contract]) -> Contract | None:
        value = self._value("contract")
        if not value:
            return None
        try:
            return contracts.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

    def clean_month(self) -> str:
        # The picker's bounds, checked on the server too (the browser's min/max is advice only).
        month = self.cleaned_data.get("month")
        if not month or self.contract is None:
            return month
        try:
            first_day = parse_month(month)
        except ValueError:
            return month  # clean() names the format
        if not self.contract.start_date.replace(day=1) <= first_day <= self.contract.end_date:
            first, last = _term_months(self.contract)
            raise forms.ValidationError(
                f"{first_day:%Y-%m} is outside the term of contract {self.contract.reference} ({first} to {last})."
            )
        return month

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        month, start, end = data.get("month"), data.get("period_start"), data.get("period_end")
        if month:
            try:
                data["period_start"], data["period_end"] = services.month_bounds(month)
            except services.ValidationError as exc:
                self.add_error("month", exc.message_dict["month"])
        elif not (start and end) and "month" not in self.errors:
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

    config = forms.JSONField(
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


class ReportLayoutCopyForm(forms.Form):
    """Copy a layout (typically a shared template) for one provider, to edit it from there."""

    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), help_text="Whose files the copy will read.")
    name = forms.CharField(max_length=200, help_text="The copy's name; the provider's other layouts keep theirs.")

    def __init__(self, *args: Any, providers: QuerySet[Provider], source: ReportLayout, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["provider"].queryset = providers
        self.fields["name"].initial = source.name

    def save(self, *, user) -> ReportLayout:
        data = self.cleaned_data
        return services.layout_copy(self.source, provider=data["provider"], name=data["name"], user=user)

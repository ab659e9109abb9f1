"""Browser forms: uploading a report, and editing a layout."""

import json
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet

from contracts.models import Contract, Process
from core.forms import BoundedJSONField
from core.jsondepth import JsonTooDeepError, check_json_depth
from reports import services
from reports.models import ReportKind, ReportLayout
from reports.parsing.layout import (
    BOOLEAN,
    CSAT,
    DATETIME,
    DURATION,
    ENCODINGS,
    FIELD_TYPES,
    FORMATS,
    REQUIRED_FIELDS,
    UNITS,
)
from reports.parsing.types import OUTCOMES
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

    # The form's metaclass moves the field into base_fields; the attribute is the chosen contract.
    contract: Contract | None = forms.ModelChoiceField(queryset=Contract.objects.none())  # type: ignore[assignment]
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
        cast(forms.ModelChoiceField, self.fields["contract"]).queryset = contracts
        self.contract = self._chosen_contract(contracts)
        kind = self._value("kind") or ReportKind.WORK_ITEMS
        if self.contract is None:
            cast(forms.ModelChoiceField, self.fields["process"]).queryset = processes.none()
            self.fields["process"].help_text = "Choose the contract first."
            cast(forms.ModelChoiceField, self.fields["layout"]).queryset = layouts.filter(
                provider__isnull=True, kind=kind
            )
            return
        contract_processes = processes.filter(pk__in=self.contract.processes.values("pk"))
        cast(forms.ModelChoiceField, self.fields["process"]).queryset = contract_processes
        only = list(contract_processes[:2])
        if len(only) == 1:
            self.initial.setdefault("process", only[0].pk)
        cast(forms.ModelChoiceField, self.fields["layout"]).queryset = layouts.filter(
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

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        month, start, end = data.get("month"), data.get("period_start"), data.get("period_end")
        if month:
            try:
                data["period_start"], data["period_end"] = services.month_bounds(month)
            except services.ValidationError as exc:
                self.add_error("month", exc.message_dict["month"])
        elif not (start and end) and "month" not in self.errors:
            self.add_error("month", "Give the month, or the first and last day of the period.")
        return data

    def preview(self) -> services.Preview | None:
        """The file's first rows as the import would read them (call once the form is valid).

        ``None``, with the reason added to the form, when the layout cannot be used.
        """
        data = self.cleaned_data
        upload = data["file"]
        try:
            return services.report_preview(
                upload,
                filename=upload.name,
                layout=data.get("layout") or services.builtin_layout(data["kind"]),
                period_start=data["period_start"],
                period_end=data["period_end"],
                contract=data["contract"],
            )
        except services.ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
            return None
        finally:
            upload.seek(0)

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


class JSONTextField(BoundedJSONField):
    """A JSON textarea whose syntax error names the line and column, for a person to find it."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value not in self.empty_values:
            try:
                check_json_depth(value.encode("utf-8", "surrogatepass"))  # before json.loads recurses
            except JsonTooDeepError as exc:
                raise forms.ValidationError(f"Enter a valid JSON: {exc}.", code="invalid") from None
            try:
                json.loads(value)
            except json.JSONDecodeError as exc:
                raise forms.ValidationError(
                    f"The JSON is not valid at line {exc.lineno}, column {exc.colno}: {exc.msg}.", code="invalid"
                ) from None
        return super().to_python(value)

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


def _words(text: str) -> list[str]:
    """``"Y, yes"`` → ``["Y", "yes"]``: the comma-separated lists of the editor's inputs."""
    return [word.strip() for word in (text or "").split(",") if word.strip()]


DELIMITER_CHOICES = [(",", "comma ,"), ("\t", "tab"), (";", "semicolon ;"), ("|", "pipe |"), ("auto", "detect")]
# Options the form edits per field; everything else in a field's spec (columns joined with a
# separator, a date column plus a time column, "after") is kept as the JSON has it.
FORM_FIELD_OPTIONS = (
    "column",
    "constant",
    "optional",
    "null_values",
    "format",
    "unit",
    "true_values",
    "false_values",
    "scale_max",
)
OTHER_SOURCES = ("columns", "separator", "date_column", "date_format", "time_column", "time_format")
OUTCOME_MAP_ROWS = 3  # empty rows offered below the mapping's own


def _compact(field: forms.Field) -> None:
    """Small Bootstrap inputs for the editor's table, labelled for screen readers."""
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select form-select-sm"
    else:
        css = "form-control form-control-sm"
    widget.attrs.update({"class": css, "aria-label": str(field.label)})


@dataclass
class FieldRow:
    """One canonical field in the editor: its inputs, and what the form cannot show of it."""

    name: str
    type: str
    required: bool
    inputs: dict[str, forms.BoundField]
    kept: str  # the spec's options only the JSON view edits, shown as a note


class ReportLayoutForm(forms.ModelForm):
    """The layout editor: a form over the canonical fields, or the raw JSON for experts.

    In the form view every canonical field gets its source column (a select of the sample
    file's header once a sample is read, free text before), its type's format options and,
    for the outcome, the mapping of the vendor's codes. Both views produce the same config
    dict, which ``services.compile_layout`` validates: the rules live in
    ``reports/parsing/layout.py`` only. Options the form does not show are carried over
    from the config the form was opened with (the JSON posted along as ``config``).
    """

    user = None  # set by the view: recorded as the author of a new version
    check_layout = True  # False while only switching views: a half-done layout may be shown

    editor = forms.ChoiceField(choices=[("form", "Form"), ("json", "JSON")], initial="form", widget=forms.HiddenInput)
    config = JSONTextField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace", "spellcheck": "false"}),
        label="Layout (JSON)",
        help_text="How the vendor's file maps onto the canonical fields; the reference is beside the form.",
    )
    sample = forms.FileField(
        required=False,
        label="Sample file",
        help_text="A file from the vendor: its header fills the column choices (nothing is imported).",
    )
    sample_columns = forms.CharField(required=False, widget=forms.HiddenInput)
    file_format = forms.ChoiceField(choices=[(f, f) for f in FORMATS], label="File format", initial="auto")
    delimiter = forms.ChoiceField(choices=DELIMITER_CHOICES, initial=",")
    encoding = forms.ChoiceField(choices=[(e, e) for e in ENCODINGS], initial="utf-8")
    header_row = forms.IntegerField(min_value=1, initial=1, label="Header on line")
    sheet = forms.CharField(required=False, help_text="XLSX: the sheet's name (empty: the first).")
    timezone = forms.CharField(initial="UTC", help_text="IANA zone of times without an offset, e.g. Asia/Jerusalem.")
    decimal_comma = forms.BooleanField(required=False, label="Decimal comma (27,5 means 27.5)")
    extras = forms.CharField(required=False, help_text="Raw columns to keep as they are, comma-separated.")

    class Meta:
        model = ReportLayout
        fields = ["provider", "name", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, providers: QuerySet[Provider] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if providers is not None:
            cast(forms.ModelChoiceField, self.fields["provider"]).queryset = providers
        self.fields["provider"].help_text = "Empty: a shared template that every provider may use or copy."
        self.layout_kind = self._raw("kind") or self.instance.kind or ReportKind.WORK_ITEMS
        self.initial.setdefault("kind", self.layout_kind)
        self.base = self._base_config()
        if self.base.get("kind") != self.layout_kind:  # the kind changed: start its fields afresh
            self.base = {**self.base, "kind": self.layout_kind, "fields": {}, "outcome_rules": []}
        self.initial["config"] = self.base
        self.sample_header = self._sample_header()
        self._top_level_initial()
        self.field_rows = [self._field_row(name, ftype) for name, ftype in FIELD_TYPES[self.layout_kind].items()]
        self.outcome_rows = self._outcome_rows() if self.layout_kind == ReportKind.WORK_ITEMS else []

    # -- building the inputs ---------------------------------------------------------------

    def _raw(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        return self.initial.get(name) or None

    def _base_config(self) -> dict[str, Any]:
        """The config the form edits: as posted (JSON), as passed in, or the current version."""
        raw = self._raw("config")
        if isinstance(raw, str):
            try:
                check_json_depth(raw.encode("utf-8", "surrogatepass"))  # json.loads recurses per level
                raw = json.loads(raw)
            except (JsonTooDeepError, json.JSONDecodeError):
                raw = None
        if isinstance(raw, dict):
            return raw
        version = self.instance.current_version if self.instance.pk else None
        if version is not None:
            return dict(version.config)
        return {"kind": self.layout_kind, "fields": {}}

    def _sample_header(self) -> list[str]:
        try:
            columns = json.loads(self._raw("sample_columns") or "[]")
        except json.JSONDecodeError:
            return []
        return [str(c) for c in columns] if isinstance(columns, list) else []

    def _top_level_initial(self) -> None:
        base = self.base
        for name, key in (
            ("file_format", "format"),
            ("delimiter", "delimiter"),
            ("encoding", "encoding"),
            ("header_row", "header_row"),
            ("sheet", "sheet"),
            ("timezone", "timezone"),
            ("decimal_comma", "decimal_comma"),
        ):
            if key in base and base[key] is not None:
                self.initial.setdefault(name, base[key])
        self.initial.setdefault("extras", ", ".join(base.get("extras") or []))

    def _add(self, name: str, field: forms.Field, initial: Any = None) -> forms.BoundField:
        self.fields[name] = field
        if initial not in (None, "", [], False):
            self.initial.setdefault(name, initial)
        return self[name]

    def _column_field(self, current: str) -> forms.Field:
        if self.sample_header:
            names = list(self.sample_header)
            if current and current not in names:
                names.append(current)
            return forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in names], required=False)
        return forms.CharField(required=False)

    def _field_row(self, name: str, ftype: str) -> FieldRow:
        spec = (self.base.get("fields") or {}).get(name) or {}
        spec = spec if isinstance(spec, dict) else {}
        inputs = {
            "column": self._add(f"{name}__column", self._column_field(spec.get("column", "")), spec.get("column")),
            "constant": self._add(f"{name}__constant", forms.CharField(required=False), spec.get("constant")),
        }
        if ftype in (DATETIME, "month"):
            inputs["format"] = self._add(
                f"{name}__format",
                forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": "iso"})),
                spec.get("format"),
            )
        elif ftype == DURATION:
            inputs["unit"] = self._add(
                f"{name}__unit", forms.ChoiceField(choices=[(u, u) for u in UNITS], required=False), spec.get("unit")
            )
        elif ftype == BOOLEAN:
            for option in ("true_values", "false_values"):
                inputs[option] = self._add(
                    f"{name}__{option}", forms.CharField(required=False), ", ".join(spec.get(option) or [])
                )
        elif ftype == CSAT:
            inputs["scale_max"] = self._add(
                f"{name}__scale_max", forms.FloatField(required=False, min_value=0), spec.get("scale_max")
            )
        inputs["null_values"] = self._add(
            f"{name}__null_values", forms.CharField(required=False), ", ".join(spec.get("null_values") or [])
        )
        inputs["optional"] = self._add(f"{name}__optional", forms.BooleanField(required=False), spec.get("optional"))
        for bound in inputs.values():
            bound.field.label = f"{name} {bound.name.split('__', 1)[1].replace('_', ' ')}"
            _compact(bound.field)
        kept = {k: v for k, v in spec.items() if k not in FORM_FIELD_OPTIONS and not (k == "map" and name == "outcome")}
        return FieldRow(
            name=name,
            type=ftype,
            required=name in REQUIRED_FIELDS[self.layout_kind],
            inputs=inputs,
            kept=json.dumps(kept, ensure_ascii=False) if kept else "",
        )

    def _outcome_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        spec = (self.base.get("fields") or {}).get("outcome") or {}
        mapping = spec["map"] if isinstance(spec, dict) and isinstance(spec.get("map"), dict) else {}
        count = len(mapping) + OUTCOME_MAP_ROWS
        if self.is_bound:
            count = max(count, sum(1 for key in self.data if key.startswith("outcome_code_")))
        items = list(mapping.items())
        rows: list[tuple[forms.BoundField, forms.BoundField]] = []
        for i in range(count):
            code, outcome = items[i] if i < len(items) else ("", "")
            rows.append(
                (
                    self._add(f"outcome_code_{i}", forms.CharField(required=False, label=f"Code {i + 1}"), code),
                    self._add(
                        f"outcome_value_{i}",
                        forms.ChoiceField(
                            choices=[("", "—")] + [(o, o) for o in OUTCOMES], required=False, label=f"Outcome {i + 1}"
                        ),
                        outcome,
                    ),
                )
            )
        for pair in rows:
            for bound in pair:
                _compact(bound.field)
        return rows

    # -- reading the inputs back into a config ---------------------------------------------

    def build_config(self) -> dict[str, Any]:
        """The config the inputs describe (call after ``is_valid``/``full_clean``)."""
        data = self.cleaned_data
        if data.get("editor") == "json":
            config = data.get("config")
            return config if isinstance(config, dict) else {}
        config = dict(self.base)
        config.update(
            kind=self.layout_kind,
            format=data.get("file_format") or "auto",
            delimiter=data.get("delimiter") or ",",
            encoding=data.get("encoding") or "utf-8",
            header_row=data.get("header_row") or 1,
            sheet=data.get("sheet") or None,
            timezone=(data.get("timezone") or "UTC").strip(),
            decimal_comma=bool(data.get("decimal_comma")),
            extras=_words(data.get("extras", "")),
        )
        fields: dict[str, Any] = {}
        base_fields = self.base["fields"] if isinstance(self.base.get("fields"), dict) else {}
        for row in self.field_rows:
            spec = self._field_spec(row, dict(base_fields.get(row.name) or {}))
            if spec is not None:
                fields[row.name] = spec
        config["fields"] = fields
        return config

    def _field_spec(self, row: FieldRow, spec: dict[str, Any]) -> dict[str, Any] | None:
        data = self.cleaned_data
        value: dict[str, Any] = {option: data.get(bound.name) for option, bound in row.inputs.items()}
        for option in FORM_FIELD_OPTIONS:
            spec.pop(option, None)
        column = (value.get("column") or "").strip()
        constant = value.get("constant") or ""
        if column or constant:
            for option in OTHER_SOURCES:
                spec.pop(option, None)
        if column:
            spec["column"] = column
        elif constant:
            spec["constant"] = constant
        if row.name == "outcome":
            mapping = {}
            for code_field, outcome_field in self.outcome_rows:
                code, outcome = (data.get(code_field.name) or "").strip(), data.get(outcome_field.name)
                if code and outcome:
                    mapping[code] = outcome
            spec.pop("map", None)
            if mapping:
                spec["map"] = mapping
        if not any(key in spec for key in ("column", "columns", "constant", "date_column")):
            return spec or None  # nothing to read it from: left out (or reported if options remain)
        if value.get("format") and "date_column" not in spec:
            spec["format"] = value["format"].strip()
        if value.get("unit"):
            spec["unit"] = value["unit"]
        for option in ("true_values", "false_values", "null_values"):
            if _words(value.get(option) or ""):
                spec[option] = _words(value[option])
        if value.get("scale_max"):
            spec["scale_max"] = value["scale_max"]
        if value.get("optional"):
            spec["optional"] = True
        return spec

    def _error_field(self, message: str) -> str | None:
        """The input a layout message belongs to, from the key it starts with."""
        if self.cleaned_data.get("editor") == "json":
            return "config"
        parts = message.split(":", 1)[0].split(".")
        top = {
            "format": "file_format",
            "delimiter": "delimiter",
            "encoding": "encoding",
            "header_row": "header_row",
            "sheet": "sheet",
            "timezone": "timezone",
            "decimal_comma": "decimal_comma",
            "extras": "extras",
        }
        if parts[0] in top:
            return top[parts[0]]
        if parts[0] == "fields" and len(parts) > 1:
            for candidate in (f"{parts[1]}__{parts[2] if len(parts) > 2 else 'column'}", f"{parts[1]}__column"):
                if candidate in self.fields:
                    return candidate
        return None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # ModelForm.clean returns cleaned_data
        if any(name in self.errors for name in ("config", "editor")):
            return data
        config = self.build_config()
        data["config"] = config
        if data.get("editor") == "json" and data.get("kind") and config.get("kind", data["kind"]) != data["kind"]:
            message = f"The config's kind is “{config['kind']}” but the layout's is “{data['kind']}”."
            self.add_error("config", message)
            return data
        if data.get("kind") and self.check_layout:
            config.setdefault("kind", data["kind"])
            try:
                services.compile_layout(config)
            except services.ValidationError as exc:
                for message in exc.message_dict["config"]:
                    self.add_error(self._error_field(message), message)
        return data

    def switched(self, editor: str) -> "ReportLayoutForm":
        """The same layout shown in the other view (or re-read with a sample file), unsaved.

        Layout errors do not stop the switch (the user may be half-way); input errors do.
        """
        self.check_layout = False
        self.full_clean()
        if any(name in self.errors for name in self.editor_fields()):
            return self
        config = self.build_config()
        columns = self.sample_header
        if editor == "sample":
            upload = self.cleaned_data.get("sample")
            if upload is None:
                self.errors.clear()
                self.add_error("sample", "Choose a sample file first.")
                return self
            try:
                columns = services.layout_sample_columns(upload, filename=upload.name, config=config)
            except services.ValidationError as exc:
                self.errors.clear()
                self.add_error("sample", exc.message_dict["sample"])
                return self
            editor = "form"
        initial = {name: self.data.get(self.add_prefix(name)) for name in ("provider", "name", "description")}
        initial["kind"] = self.layout_kind
        initial.update(config=config, editor=editor, sample_columns=json.dumps(columns) if columns else "")
        return type(self)(
            instance=self.instance,
            initial=initial,
            providers=cast(forms.ModelChoiceField, self.fields["provider"]).queryset,
            prefix=self.prefix,
        )

    def editor_fields(self) -> list[str]:
        """The inputs that describe the config (all but the layout's name, provider, kind)."""
        assert self._meta.fields is not None  # Meta.fields is declared
        return [name for name in self.fields if name not in self._meta.fields]

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
        cast(forms.ModelChoiceField, self.fields["provider"]).queryset = providers
        self.fields["name"].initial = source.name

    def save(self, *, user) -> ReportLayout:
        data = self.cleaned_data
        return services.layout_copy(self.source, provider=data["provider"], name=data["name"], user=user)

"""Layouts: how a vendor's own file maps onto the canonical work-item or KPI fields.

A layout is stored as a JSON config (one per vendor file format) and compiled here into a
``Layout``. Validation happens once, when the config is saved or loaded, and reports every
problem at once with the offending key, because the person editing a layout fixes them in
one go rather than one per attempt. The parsers in ``records.py`` trust a ``Layout``
completely: nothing in the per-row hot path re-checks the config.
"""

from __future__ import annotations

import codecs
import copy
import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from reports.parsing.types import KPI_FIELDS, OUTCOMES, WORK_ITEM_FIELDS

WORK_ITEMS = "work_items"
KPI_SUMMARY = "kpi_summary"
KINDS: tuple[str, ...] = (WORK_ITEMS, KPI_SUMMARY)
FORMATS: tuple[str, ...] = ("auto", "csv", "xlsx", "json", "ndjson")
DELIMITERS: tuple[str, ...] = (",", "\t", ";", "|", "auto")
UNITS: tuple[str, ...] = ("seconds", "minutes", "hms")
OPS: tuple[str, ...] = ("equals", "not_equals", "in", "is_empty", "is_zero")
ISO = "iso"
DEFAULT_NULL_VALUES: tuple[str, ...] = ("", "NULL", "N/A")
DEFAULT_CSAT_SCALE = 5.0
# The encodings a vendor may declare, keyed by Python's canonical codec name, so that the
# usual aliases ("latin1", "windows-1252", "UTF8") are accepted and stored normalised.
_ENCODINGS: dict[str, str] = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "iso8859-1": "latin-1", "cp1252": "cp1252"}
ENCODINGS: tuple[str, ...] = (*_ENCODINGS.values(), "auto")

# Value types of the canonical fields; each type admits its own options in a field spec.
TEXT = "text"
DATETIME = "datetime"
DURATION = "duration"
OUTCOME = "outcome"
BOOLEAN = "boolean"
CSAT = "csat"
NUMBER = "number"
INTEGER = "integer"
MONTH = "month"
METRIC = "metric"

FIELD_TYPES: dict[str, dict[str, str]] = {
    WORK_ITEMS: {
        "item_id": TEXT,
        "channel": TEXT,
        "queue": TEXT,
        "received_at": DATETIME,
        "started_at": DATETIME,
        "completed_at": DATETIME,
        "wait_seconds": DURATION,
        "handle_seconds": DURATION,
        "outcome": OUTCOME,
        "resolved_first_contact": BOOLEAN,
        "csat": CSAT,
        "csat_scale_max": NUMBER,
        "quality_score": NUMBER,
        "accurate": BOOLEAN,
        "agent": TEXT,
    },
    KPI_SUMMARY: {"metric": METRIC, "period": MONTH, "value": NUMBER, "volume": INTEGER, "invoiced_amount": NUMBER},
}
assert tuple(FIELD_TYPES[WORK_ITEMS]) == WORK_ITEM_FIELDS and tuple(FIELD_TYPES[KPI_SUMMARY]) == KPI_FIELDS
# Fields a layout must map. ``outcome`` may instead come from outcome_rules alone.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    WORK_ITEMS: ("item_id", "received_at", "outcome"),
    KPI_SUMMARY: ("metric", "period", "value"),
}

_SOURCE_KEYS: tuple[str, ...] = ("column", "columns", "constant", "date_column")
_COMMON_OPTIONS = frozenset({"column", "columns", "separator", "constant", "null_values", "optional"})
_TYPE_OPTIONS: dict[str, frozenset[str]] = {
    TEXT: frozenset({"map"}),
    METRIC: frozenset({"map"}),
    OUTCOME: frozenset({"map"}),
    DATETIME: frozenset({"format", "date_column", "date_format", "time_column", "time_format", "after"}),
    DURATION: frozenset({"unit"}),
    BOOLEAN: frozenset({"true_values", "false_values"}),
    CSAT: frozenset({"scale_max"}),
    NUMBER: frozenset(),
    INTEGER: frozenset(),
    MONTH: frozenset({"format"}),
}
_TOP_LEVEL_DEFAULTS: dict[str, Any] = {
    "kind": None,
    "format": "auto",
    "delimiter": ",",
    "quotechar": '"',
    "encoding": "utf-8",
    "header_row": 1,
    "sheet": None,
    "timezone": "UTC",
    "decimal_comma": False,
    "null_values": list(DEFAULT_NULL_VALUES),
    "fields": {},
    "outcome_rules": [],
    "extras": [],
    "max_csat_scale": None,
}
# Formatting this moment with a strptime format and parsing it back tells whether the
# format is usable, which catches typos such as "%Q" or "%" before any file is read.
_SAMPLE_MOMENT = dt.datetime(2001, 2, 3, 4, 5, 6)


class LayoutError(ValueError):
    """The layout config is invalid; ``messages`` lists every problem, each naming its key."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one canonical field is obtained from a raw row (compiled from ``fields.<name>``).

    Exactly one source applies: ``column``, ``columns`` (joined with ``separator``),
    ``constant`` (``has_constant``) or ``date_column`` (+ optional ``time_column``).
    """

    name: str
    type: str
    column: str | None = None
    columns: tuple[str, ...] | None = None
    separator: str = ""
    constant: Any = None
    has_constant: bool = False
    date_column: str | None = None
    date_format: str = ISO
    time_column: str | None = None
    time_format: str = ISO
    format: str = ISO
    after: str | None = None
    unit: str = "seconds"
    map: dict[str, Any] | None = None
    true_values: tuple[str, ...] | None = None
    false_values: tuple[str, ...] | None = None
    scale_max: float | None = None
    null_values: frozenset[str] = frozenset()
    optional: bool = False

    @property
    def raw_columns(self) -> tuple[str, ...]:
        """The file columns this field reads, in the order they are combined."""
        if self.column is not None:
            return (self.column,)
        if self.columns is not None:
            return self.columns
        if self.date_column is not None:
            return (self.date_column,) if self.time_column is None else (self.date_column, self.time_column)
        return ()

    @property
    def label(self) -> str:
        """What a row error names as the column: the raw column(s), or the field for constants."""
        return ", ".join(self.raw_columns) or self.name


@dataclass(frozen=True, slots=True)
class Condition:
    """One test of an outcome rule on a raw column (``value`` is a frozenset for ``in``)."""

    column: str
    op: str
    value: Any = None


@dataclass(frozen=True, slots=True)
class OutcomeRule:
    """All ``when`` conditions hold → the row's outcome is ``outcome``."""

    when: tuple[Condition, ...]
    outcome: str


class Layout:
    """A validated, compiled layout. Build it with ``from_config`` or ``canonical``."""

    __slots__ = (
        "_column_order",
        "_config",
        "decimal_comma",
        "delimiter",
        "encoding",
        "extras",
        "fields",
        "format",
        "header_row",
        "kind",
        "max_csat_scale",
        "null_values",
        "outcome_rules",
        "quotechar",
        "sheet",
        "timezone",
        "tzinfo",
    )

    kind: str
    format: str
    delimiter: str
    quotechar: str
    encoding: str
    header_row: int
    sheet: str | None
    timezone: str
    tzinfo: zoneinfo.ZoneInfo
    decimal_comma: bool
    null_values: frozenset[str]
    fields: dict[str, FieldSpec]
    outcome_rules: tuple[OutcomeRule, ...]
    extras: tuple[str, ...]
    max_csat_scale: float | None
    _column_order: tuple[str, ...]
    _config: dict[str, Any]

    def __init__(self) -> None:
        raise TypeError("use Layout.from_config(config) or Layout.canonical(kind)")

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layout:
        """Validate ``config`` and compile it; raise ``LayoutError`` listing every problem."""
        return _Compiler(config).compile()

    @classmethod
    def canonical(cls, kind: str) -> Layout:
        """The built-in layout for files already in canonical form (see ``canonical_config``)."""
        return cls.from_config(canonical_config(kind))

    def to_config(self) -> dict[str, Any]:
        """The config this layout was compiled from, with every top-level default filled in."""
        return copy.deepcopy(self._config)

    def required_columns(self) -> frozenset[str]:
        """Raw columns the file must have: those of non-optional fields, outcome rules and extras."""
        return frozenset(self._column_order)

    def ordered_required_columns(self) -> tuple[str, ...]:
        """``required_columns`` in the order the config names them, for messages."""
        return self._column_order

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Layout) and self._config == other._config

    def __hash__(self) -> int:
        return hash((self.kind, tuple(sorted(self.fields))))

    def __repr__(self) -> str:
        return f"<Layout {self.kind} fields={','.join(self.fields)}>"


def canonical_config(kind: str) -> dict[str, Any]:
    """The config of the canonical layout for ``kind``.

    Columns carry the canonical field names; timestamps are ISO-8601 (naive ones are UTC),
    durations are seconds, booleans true/false/1/0/yes/no/y/n. Only the fields a record
    cannot do without are required columns: the others are ``optional`` so that a vendor
    sends just the columns it has (e.g. no ``quality_score``). The delimiter is sniffed, so
    a tab-separated canonical file works as well as a comma-separated one.
    """
    if kind not in KINDS:
        raise LayoutError([f"kind: must be one of {', '.join(KINDS)}"])
    required = REQUIRED_FIELDS[kind]
    fields: dict[str, Any] = {}
    for name in FIELD_TYPES[kind]:
        spec: dict[str, Any] = {"column": name}
        if name not in required:
            spec["optional"] = True
        fields[name] = spec
    return {"kind": kind, "delimiter": "auto", "fields": fields}


class _Compiler:
    """Collects every validation message while building the Layout's parts."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.raw = config
        self.errors: list[str] = []

    def error(self, key: str, message: str) -> None:
        self.errors.append(f"{key}: {message}")

    def compile(self) -> Layout:
        if not isinstance(self.raw, dict):
            raise LayoutError(["the layout must be a JSON object"])
        for key in self.raw:
            if key not in _TOP_LEVEL_DEFAULTS:
                self.error(str(key), f"unknown key (known: {', '.join(_TOP_LEVEL_DEFAULTS)})")
        config = {key: copy.deepcopy(self.raw.get(key, default)) for key, default in _TOP_LEVEL_DEFAULTS.items()}

        kind = config["kind"]
        if kind is None:
            self.error("kind", f"required (one of {', '.join(KINDS)})")
        elif kind not in KINDS:
            self.error("kind", f"must be one of {', '.join(KINDS)}")
        self.choice(config, "format", FORMATS)
        self.choice(config, "delimiter", DELIMITERS)
        if not (isinstance(config["quotechar"], str) and len(config["quotechar"]) == 1):
            self.error("quotechar", "must be a single character")
        config["encoding"] = self.encoding(config["encoding"])
        header_row = config["header_row"]
        if not (isinstance(header_row, int) and not isinstance(header_row, bool) and header_row >= 1):
            self.error("header_row", "must be a whole number of at least 1")
        if config["sheet"] is not None and not isinstance(config["sheet"], str):
            self.error("sheet", "must be a sheet name or null")
        tzinfo = self.timezone(config["timezone"])
        if not isinstance(config["decimal_comma"], bool):
            self.error("decimal_comma", "must be true or false")
        null_values = self.strings(config["null_values"], "null_values")
        extras = self.strings(config["extras"], "extras")
        max_scale = config["max_csat_scale"]
        if max_scale is not None and not (_is_number(max_scale) and max_scale > 0):
            self.error("max_csat_scale", "must be a positive number or null")

        fields: dict[str, FieldSpec] = {}
        rules: tuple[OutcomeRule, ...] = ()
        if kind in KINDS:
            fields = self.fields(kind, config["fields"])
            rules = self.rules(config["outcome_rules"], kind)
            given = config["fields"] if isinstance(config["fields"], dict) else {}
            for name in REQUIRED_FIELDS[kind]:
                # A field given but invalid has its own message already.
                if name not in given and not (name == "outcome" and rules):
                    self.error(f"fields.{name}", f"required for {kind}")
            self.check_after(fields)
        if self.errors:
            raise LayoutError(self.errors)

        layout = object.__new__(Layout)
        order: dict[str, None] = {}
        for spec in fields.values():
            if not spec.optional:
                order.update(dict.fromkeys(spec.raw_columns))
        for rule in rules:
            order.update(dict.fromkeys(cond.column for cond in rule.when))
        order.update(dict.fromkeys(extras))
        values = {
            "_column_order": tuple(order),
            "_config": config,
            "kind": kind,
            "format": config["format"],
            "delimiter": config["delimiter"],
            "quotechar": config["quotechar"],
            "encoding": config["encoding"],
            "header_row": header_row,
            "sheet": config["sheet"],
            "timezone": config["timezone"],
            "tzinfo": tzinfo,
            "decimal_comma": config["decimal_comma"],
            "null_values": frozenset(null_values),
            "fields": fields,
            "outcome_rules": rules,
            "extras": tuple(extras),
            "max_csat_scale": float(max_scale) if max_scale is not None else None,
        }
        for name, value in values.items():
            object.__setattr__(layout, name, value)
        return layout

    # -- top level -------------------------------------------------------------------

    def choice(self, config: dict[str, Any], key: str, allowed: tuple[str, ...]) -> None:
        if config[key] not in allowed:
            shown = ", ".join(repr(a) if key == "delimiter" else a for a in allowed)
            self.error(key, f"must be one of {shown}")

    def encoding(self, name: Any) -> str:
        if name == "auto":
            return "auto"
        try:
            normalised = _ENCODINGS[codecs.lookup(name).name]
        except (LookupError, TypeError, KeyError):
            self.error("encoding", f"must be one of {', '.join(ENCODINGS)}")
            return str(name)
        return normalised

    def timezone(self, name: Any) -> zoneinfo.ZoneInfo:
        try:
            if not isinstance(name, str) or not name:
                raise ValueError
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):
            self.error("timezone", f"unknown time zone {name!r} (use an IANA name such as Europe/Paris)")
            return zoneinfo.ZoneInfo("UTC")

    def strings(self, value: Any, key: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, "must be a list of strings")
            return []
        return value

    # -- fields ----------------------------------------------------------------------

    def fields(self, kind: str, raw_fields: Any) -> dict[str, FieldSpec]:
        if not isinstance(raw_fields, dict):
            self.error("fields", "must be an object mapping canonical fields to their source")
            return {}
        types = FIELD_TYPES[kind]
        compiled: dict[str, FieldSpec] = {}
        for name, spec in raw_fields.items():
            key = f"fields.{name}"
            if name not in types:
                self.error(key, f"unknown field (fields of {kind}: {', '.join(types)})")
                continue
            if not isinstance(spec, dict):
                self.error(key, 'must be an object such as {"column": "..."}')
                continue
            field = self.field(key, name, types[name], spec)
            if field is not None:
                compiled[name] = field
        # Keep the canonical order, so parsing (and "after" resolution) is deterministic.
        return {name: compiled[name] for name in types if name in compiled}

    def field(self, key: str, name: str, ftype: str, spec: dict[str, Any]) -> FieldSpec | None:
        before = len(self.errors)
        allowed = _COMMON_OPTIONS | _TYPE_OPTIONS[ftype]
        for option in spec:
            if option not in allowed:
                self.error(
                    f"{key}.{option}", f"unknown option for a {ftype} field (allowed: {', '.join(sorted(allowed))})"
                )
        sources = [s for s in _SOURCE_KEYS if s in spec]
        if not sources:
            self.error(key, "needs one of column, columns, constant" + (", date_column" if ftype == DATETIME else ""))
        elif len(sources) > 1:
            self.error(key, f"give only one of {', '.join(sources)}")
        args: dict[str, Any] = {"name": name, "type": ftype}

        if "column" in spec:
            args["column"] = self.column_name(f"{key}.column", spec["column"])
        if "columns" in spec:
            cols = spec["columns"]
            if not isinstance(cols, list) or not cols or not all(isinstance(c, str) and c for c in cols):
                self.error(f"{key}.columns", "must be a non-empty list of column names")
            else:
                args["columns"] = tuple(cols)
        if "separator" in spec:
            if not isinstance(spec["separator"], str):
                self.error(f"{key}.separator", "must be a string")
            else:
                args["separator"] = spec["separator"]
        if "constant" in spec:
            args["constant"] = spec["constant"]
            args["has_constant"] = True
            if spec["constant"] is None or isinstance(spec["constant"], dict | list):
                self.error(f"{key}.constant", "must be a text, number or true/false value")
        if "null_values" in spec:
            args["null_values"] = frozenset(self.strings(spec["null_values"], f"{key}.null_values"))
        if "optional" in spec:
            if not isinstance(spec["optional"], bool):
                self.error(f"{key}.optional", "must be true or false")
            args["optional"] = bool(spec["optional"])

        if ftype == DATETIME:
            self.datetime_options(key, spec, args)
        elif ftype == MONTH and "format" in spec:
            args["format"] = self.strptime_format(f"{key}.format", spec["format"])
        elif ftype == DURATION and "unit" in spec:
            if spec["unit"] not in UNITS:
                self.error(f"{key}.unit", f"must be one of {', '.join(UNITS)}")
            args["unit"] = spec["unit"]
        elif ftype == BOOLEAN:
            for option in ("true_values", "false_values"):
                if option in spec:
                    args[option] = tuple(self.strings(spec[option], f"{key}.{option}"))
            overlap = {v.casefold() for v in args.get("true_values", ())} & {
                v.casefold() for v in args.get("false_values", ())
            }
            if overlap:
                self.error(key, f"values both true and false: {', '.join(sorted(overlap))}")
        elif ftype == CSAT and "scale_max" in spec:
            scale = spec["scale_max"]
            if not (_is_number(scale) and scale > 0):
                self.error(f"{key}.scale_max", "must be a positive number")
            else:
                args["scale_max"] = float(scale)
        if "map" in spec:
            args["map"] = self.value_map(f"{key}.map", spec["map"], ftype)

        if len(self.errors) > before:
            return None
        field = FieldSpec(**args)
        if field.has_constant:
            self.check_constant(key, field)
        return field

    def column_name(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value:
            self.error(key, "must be a column name")
            return ""
        return value

    def datetime_options(self, key: str, spec: dict[str, Any], args: dict[str, Any]) -> None:
        if "format" in spec:
            if "date_column" in spec:
                self.error(f"{key}.format", "use date_format and time_format with date_column")
            args["format"] = self.strptime_format(f"{key}.format", spec["format"])
        if "date_column" in spec:
            args["date_column"] = self.column_name(f"{key}.date_column", spec["date_column"])
            if "time_column" in spec:
                args["time_column"] = self.column_name(f"{key}.time_column", spec["time_column"])
            for option in ("date_format", "time_format"):
                if option in spec:
                    args[option] = self.strptime_format(f"{key}.{option}", spec[option])
        else:
            for option in ("time_column", "date_format", "time_format"):
                if option in spec:
                    self.error(f"{key}.{option}", "only allowed together with date_column")
        if "after" in spec:
            if "date_column" not in spec or "time_column" not in spec:
                # A full timestamp that is earlier than another is a data error to report, not a
                # clock to wrap, so the midnight rule is only for time-of-day columns.
                self.error(f"{key}.after", "only allowed with date_column and time_column (time-of-day clocks)")
            args["after"] = spec["after"]

    def strptime_format(self, key: str, fmt: Any) -> str:
        if fmt == ISO:
            return ISO
        if not isinstance(fmt, str) or "%" not in fmt:
            self.error(key, f'must be "iso" or a strptime format such as %d/%m/%Y %H:%M, not {fmt!r}')
            return ISO
        try:
            dt.datetime.strptime(_SAMPLE_MOMENT.strftime(fmt), fmt)
        except (ValueError, TypeError) as exc:
            self.error(key, f"not a valid strptime format {fmt!r} ({exc})")
            return ISO
        return fmt

    def value_map(self, key: str, mapping: Any, ftype: str) -> dict[str, Any]:
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            self.error(key, "must be an object mapping raw values to text values")
            return {}
        if ftype == OUTCOME:
            for raw, value in mapping.items():
                if value not in OUTCOMES:
                    self.error(f"{key}.{raw}", f"{value!r} must be one of {', '.join(OUTCOMES)}")
        return {str(raw).strip(): value for raw, value in mapping.items()}

    def check_constant(self, key: str, field: FieldSpec) -> None:
        """Convert the constant once now, so a bad constant fails the layout, not every row."""
        from reports.parsing.records import constant_problem  # records imports this module

        problem = constant_problem(field)
        if problem:
            self.error(f"{key}.constant", problem)

    def check_after(self, fields: dict[str, FieldSpec]) -> None:
        for name, spec in fields.items():
            if spec.after is None:
                continue
            target = fields.get(spec.after)
            if spec.after == name:
                self.error(f"fields.{name}.after", "cannot refer to the field itself")
            elif target is None or target.type != DATETIME:
                mapped = [n for n, s in fields.items() if s.type == DATETIME and n != name]
                self.error(f"fields.{name}.after", f"must name another mapped date-time field ({', '.join(mapped)})")
        # Cycles (a after b after a) cannot be ordered.
        for name in fields:
            seen = {name}
            current = fields[name].after
            while current is not None and current in fields:
                if current in seen:
                    self.error(f"fields.{name}.after", "the after references form a cycle")
                    break
                seen.add(current)
                current = fields[current].after

    # -- outcome rules ---------------------------------------------------------------

    def rules(self, raw_rules: Any, kind: str) -> tuple[OutcomeRule, ...]:
        if raw_rules in (None, []):
            return ()
        if kind != WORK_ITEMS:
            self.error("outcome_rules", "only for work_items layouts")
            return ()
        if not isinstance(raw_rules, list):
            self.error("outcome_rules", "must be a list of rules")
            return ()
        rules: list[OutcomeRule] = []
        for i, rule in enumerate(raw_rules):
            key = f"outcome_rules[{i}]"
            if not isinstance(rule, dict):
                self.error(key, 'must be an object {"when": [...], "outcome": ...}')
                continue
            for option in rule:
                if option not in ("when", "outcome"):
                    self.error(f"{key}.{option}", "unknown key (known: when, outcome)")
            if rule.get("outcome") not in OUTCOMES:
                self.error(f"{key}.outcome", f"must be one of {', '.join(OUTCOMES)}")
            when = rule.get("when")
            if not isinstance(when, list) or not when:
                self.error(f"{key}.when", "must be a non-empty list of conditions")
                continue
            conditions = [self.condition(f"{key}.when[{j}]", cond) for j, cond in enumerate(when)]
            if all(c is not None for c in conditions) and rule.get("outcome") in OUTCOMES:
                rules.append(OutcomeRule(tuple(c for c in conditions if c is not None), rule["outcome"]))
        return tuple(rules)

    def condition(self, key: str, cond: Any) -> Condition | None:
        if not isinstance(cond, dict):
            self.error(key, 'must be an object {"column": ..., "op": ..., "value": ...}')
            return None
        before = len(self.errors)
        for option in cond:
            if option not in ("column", "op", "value"):
                self.error(f"{key}.{option}", "unknown key (known: column, op, value)")
        column = self.column_name(f"{key}.column", cond.get("column"))
        op = cond.get("op")
        value = cond.get("value")
        if op not in OPS:
            self.error(f"{key}.op", f"must be one of {', '.join(OPS)}")
        elif op in ("equals", "not_equals"):
            if "value" not in cond or value is None or isinstance(value, dict | list):
                self.error(f"{key}.value", f"required for {op} (a text or number)")
            else:
                value = condition_text(value)
        elif op == "in":
            if not isinstance(value, list) or not value or any(v is None or isinstance(v, dict | list) for v in value):
                self.error(f"{key}.value", "must be a non-empty list of values for in")
            else:
                value = frozenset(condition_text(v) for v in value)
        elif "value" in cond:
            self.error(f"{key}.value", f"not used by {op}")
        if len(self.errors) > before:
            return None
        return Condition(column, str(op), value)  # op is one of OPS here


def condition_text(value: Any) -> str:
    """The text a rule compares: numbers as written (12, not 12.0), booleans as true/false."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)

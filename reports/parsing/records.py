"""From raw rows to canonical records: the per-row hot path.

A vendor month can hold millions of rows, so everything that depends only on the layout is
decided once, in the parser's ``__init__``: each field becomes a small closure (its column,
missing markers, converter and limits bound as closure variables), strptime formats that
are really ISO get a ``datetime.fromisoformat`` fast path, and date and time-of-day columns
(which repeat a lot) are parsed through a bounded cache. Per row the parser only walks a
tuple of those closures.

Bad values never raise out of ``parse``: every problem of a row becomes a ``RowError``
naming the raw column, the raw text and the reason in plain English, and all problems of
a row are reported together so the vendor can fix the row in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from reports.parsing.layout import (
    BOOLEAN,
    CSAT,
    DATETIME,
    DEFAULT_CSAT_SCALE,
    DURATION,
    INTEGER,
    ISO,
    KPI_SUMMARY,
    METRIC,
    MONTH,
    NUMBER,
    OUTCOME,
    REQUIRED_FIELDS,
    TEXT,
    WORK_ITEMS,
    Condition,
    FieldSpec,
    Layout,
    condition_text,
)
from reports.parsing.readers import ROW_PROBLEM
from reports.parsing.types import KPI_FIELDS, OUTCOMES, WORK_ITEM_FIELDS, ParsedRow, Period, RawRow, RowError

ITEM_ID_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 100
DEFAULT_TRUE_VALUES: tuple[str, ...] = ("true", "1", "yes", "y")
DEFAULT_FALSE_VALUES: tuple[str, ...] = ("false", "0", "no", "n")
REQUIRED = "required value is missing"
NOT_A_NUMBER = "not a number"
NEGATIVE_DURATION = "negative duration"
_VALUE_SHOWN = 200  # longest raw text repeated in an error
_CACHE_LIMIT = 100_000  # entries per date/time cache before it is cleared
_ONE_DAY = dt.timedelta(days=1)
# "1.234.567" in a decimal-comma file: dots that can only be thousands separators.
_THOUSANDS_DOTS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")
# Zero as a number ("0", "0.00", "-0,0") or as a clock ("0:00:00", "00:00").
_ZERO_TEXT = re.compile(r"[+-]?(?:0+(?:[.,]0*)?|[.,]0+|0+(?::0+){1,2}(?:[.,]0*)?)")
# strptime formats that are plain ISO: (length of the text, character at index 10 or "").
_ISO_FAST_FORMATS: dict[str, tuple[int, str]] = {
    "%Y-%m-%d %H:%M:%S": (19, " "),
    "%Y-%m-%dT%H:%M:%S": (19, "T"),
    "%Y-%m-%d %H:%M": (16, " "),
    "%Y-%m-%dT%H:%M": (16, "T"),
    "%Y-%m-%d": (10, ""),
}
_MONTH_TEXT = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")

Converter = Callable[[Any], Any]
Step = Callable[[dict[str, Any], dict[str, Any]], Any]


class _Invalid(Exception):
    """A field's value is unusable. Raised inside converters, turned into a RowError by ``parse``.

    ``column`` overrides the field's label when one of several columns is at fault (the
    time column of a date+time pair); ``value`` overrides the raw text shown.
    """

    __slots__ = ("column", "reason", "value")

    def __init__(self, reason: str, column: str | None = None, value: Any = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column
        self.value = value


class _Context:
    """The layout-wide settings converters need, bound once per parser."""

    __slots__ = ("decimal_comma", "max_csat_scale", "metric_codes", "tzinfo")

    def __init__(
        self,
        *,
        tzinfo: dt.tzinfo,
        decimal_comma: bool,
        max_csat_scale: float | None = None,
        metric_codes: frozenset[str] | None = None,
    ) -> None:
        self.tzinfo = tzinfo
        self.decimal_comma = decimal_comma
        self.max_csat_scale = max_csat_scale
        self.metric_codes = metric_codes


# -- value helpers -------------------------------------------------------------------------


def raw_text(value: Any) -> str | None:
    """The raw value as the vendor would recognise it in an error message."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return text if len(text) <= _VALUE_SHOWN else text[: _VALUE_SHOWN - 1] + "…"


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _as_text(value: Any) -> str:
    """Cell values that are not text (numbers in XLSX/JSON) as the text they stand for."""
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    raise _Invalid("not a text value")


def _number_converter(decimal_comma: bool) -> Converter:
    """Text or a numeric cell → finite float; "not a number" otherwise."""
    if decimal_comma:

        def to_float(value: Any) -> float:
            if value.__class__ is str:
                text = value
                if "," in text:
                    text = text.replace(".", "").replace(",", ".")
                elif "." in text:
                    if _THOUSANDS_DOTS.fullmatch(text) is None:
                        # "27.5" in a decimal-comma file is ambiguous (27.5 or 275): refuse it.
                        raise _Invalid(f"{NOT_A_NUMBER} (this layout expects a decimal comma, e.g. 27,5)")
                    text = text.replace(".", "")
                try:
                    number = float(text)
                except ValueError:
                    raise _Invalid(NOT_A_NUMBER)
                if number - number != 0 or "_" in text:
                    raise _Invalid(NOT_A_NUMBER)
                return number
            return _numeric_cell(value)

    else:

        def to_float(value: Any) -> float:
            if value.__class__ is str:
                try:
                    number = float(value)
                except ValueError:
                    raise _Invalid(NOT_A_NUMBER)
                # nan and inf parse as floats; "1_000" too. Neither is a number a vendor means.
                if number - number != 0 or "_" in value:
                    raise _Invalid(NOT_A_NUMBER)
                return number
            return _numeric_cell(value)

    return to_float


def _numeric_cell(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if number - number == 0:
            return number
    raise _Invalid(NOT_A_NUMBER)


def _hms_seconds(value: Any, decimal_comma: bool) -> float:
    """ "H:MM:SS" or "MM:SS" (a leading "-" allowed, to be reported as negative) → seconds."""
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    if value.__class__ is not str:
        raise _Invalid("not a duration in H:MM:SS or MM:SS form")
    text = value
    sign = 1.0
    if text[:1] == "-":
        sign, text = -1.0, text[1:]
    parts = text.split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts[:-1]):
        raise _Invalid("not a duration in H:MM:SS or MM:SS form")
    last = parts[-1].replace(",", ".") if decimal_comma else parts[-1]
    try:
        seconds = float(last)
    except ValueError:
        raise _Invalid("not a duration in H:MM:SS or MM:SS form")
    if not (0 <= seconds < 60) or not last[:1].isdigit() or (len(parts) == 3 and int(parts[1]) >= 60):
        raise _Invalid("not a duration in H:MM:SS or MM:SS form")
    total = seconds + int(parts[-2]) * 60 + (int(parts[0]) * 3600 if len(parts) == 3 else 0)
    return sign * total


def _aware(moment: dt.datetime, tzinfo: dt.tzinfo) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tzinfo)


def _example(fmt: str) -> str:
    return "ISO-8601, e.g. 2026-10-01T08:30:00" if fmt == ISO else f"{fmt} (e.g. {_EXAMPLE.strftime(fmt)})"


_EXAMPLE = dt.datetime(2026, 10, 1, 8, 30, 0)


# -- converters per field type -------------------------------------------------------------


def _datetime_converter(fmt: str, tzinfo: dt.tzinfo) -> Converter:
    """A whole timestamp in one value → aware datetime (naive values get the layout zone)."""
    expected = f"not a date-time in the form {_example(fmt)}"
    fromiso = dt.datetime.fromisoformat
    strptime = dt.datetime.strptime

    if fmt == ISO:

        def parse(text: str) -> dt.datetime:
            try:
                return fromiso(text)
            except ValueError:
                raise _Invalid(expected)

    elif fmt in _ISO_FAST_FORMATS:
        length, separator = _ISO_FAST_FORMATS[fmt]

        def parse(text: str) -> dt.datetime:
            # Zero-padded ISO-shaped text takes the C fast path; anything else goes through
            # strptime, which also accepts unpadded numbers the format allows.
            if len(text) == length and text[4:5] == "-" and (not separator or text[10] == separator):
                try:
                    return fromiso(text)
                except ValueError:
                    pass
            try:
                return strptime(text, fmt)
            except ValueError:
                raise _Invalid(expected)

    else:

        def parse(text: str) -> dt.datetime:
            try:
                return strptime(text, fmt)
            except ValueError:
                raise _Invalid(expected)

    def convert(value: Any) -> dt.datetime:
        if value.__class__ is str:
            moment = parse(value)
        elif isinstance(value, dt.datetime):
            moment = value
        elif isinstance(value, dt.date):
            moment = dt.datetime(value.year, value.month, value.day)
        else:
            raise _Invalid(expected)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=tzinfo)
        return moment

    return convert


def _clock_parser(fields: int) -> Callable[[str], dt.time | None]:
    """A strptime-free parser of "H:MM:SS" / "H:MM" clocks (1-2 digits per part, like %H and
    %M); None means "let strptime decide", so errors read the same either way."""

    def parse(text: str) -> dt.time | None:
        parts = text.split(":")
        if len(parts) != fields:
            return None
        numbers = []
        for part in parts:
            if not (0 < len(part) <= 2 and part.isascii() and part.isdigit()):
                return None
            numbers.append(int(part))
        if numbers[0] > 23 or numbers[1] > 59 or (fields == 3 and numbers[2] > 59):
            return None
        return dt.time(numbers[0], numbers[1], numbers[2] if fields == 3 else 0)

    return parse


_FAST_CLOCKS: dict[str, Callable[[str], dt.time | None]] = {"%H:%M:%S": _clock_parser(3), "%H:%M": _clock_parser(2)}
_HMS_CLOCK, _HM_CLOCK = _FAST_CLOCKS["%H:%M:%S"], _FAST_CLOCKS["%H:%M"]


def _iso_clock(text: str) -> dt.time | None:
    """ISO time-of-day, also unpadded ("7:02:47", "8:15") as clock columns often are."""
    return _HMS_CLOCK(text) or _HM_CLOCK(text) if text.count(":") < 3 else None


_FAST_CLOCKS[ISO] = _iso_clock


def _cached_parser(fmt: str, kind: str, column: str) -> Callable[[Any], Any]:
    """Parse a date or a time-of-day column through a bounded cache (values repeat a lot)."""
    cache: dict[str, Any] = {}
    if fmt == ISO:
        expected = "not a date in the form YYYY-MM-DD" if kind == "date" else "not a time in the form H:MM:SS"
    else:
        expected = f"not a {kind} in the form {_example(fmt)}"
    fast = _FAST_CLOCKS.get(fmt) if kind == "time" else None
    strptime = dt.datetime.strptime

    def parse(value: Any) -> Any:
        if value.__class__ is str:
            result = cache.get(value)
            if result is None:
                result = fast(value) if fast is not None else None
                if result is None:
                    try:
                        if fmt == ISO:
                            result = dt.date.fromisoformat(value) if kind == "date" else dt.time.fromisoformat(value)
                        else:
                            moment = strptime(value, fmt)
                            result = moment.date() if kind == "date" else moment.time()
                    except ValueError:
                        raise _Invalid(expected, column=column)
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                cache[value] = result
            return result
        if kind == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
        else:
            if isinstance(value, dt.datetime):
                return value.time()
            if isinstance(value, dt.time):
                return value
        raise _Invalid(expected, column=column)

    return parse


def _text_converter(max_length: int, mapping: dict[str, Any] | None) -> Converter:
    too_long = f"longer than {max_length} characters"

    def convert(value: Any) -> str:
        text = value if value.__class__ is str else _as_text(value)
        if mapping is not None:
            text = mapping.get(text, text)
        if len(text) > max_length:
            raise _Invalid(too_long)
        return text

    return convert


def _metric_converter(mapping: dict[str, Any] | None, codes: frozenset[str] | None) -> Converter:
    shown = ", ".join(sorted(codes)[:25]) + (", …" if codes and len(codes) > 25 else "") if codes else ""

    def convert(value: Any) -> str:
        text = value if value.__class__ is str else _as_text(value)
        if mapping is not None:
            text = mapping.get(text, text)
        code = text.strip().lower()
        if codes is not None and code not in codes:
            raise _Invalid(f"unknown metric {text!r} (known: {shown})")
        return code

    return convert


def _outcome_converter(mapping: dict[str, str] | None) -> Converter:
    if mapping is not None:
        allowed = ", ".join(mapping)

        def convert(value: Any) -> str:
            text = value if value.__class__ is str else _as_text(value)
            try:
                return mapping[text]
            except KeyError:
                raise _Invalid(f"outcome {text!r} is not one of the mapped values {allowed}")

        return convert

    canonical = frozenset(OUTCOMES)
    allowed = ", ".join(OUTCOMES)

    def convert_canonical(value: Any) -> str:
        text = value if value.__class__ is str else _as_text(value)
        lowered = text.lower()
        if lowered not in canonical:
            raise _Invalid(f"outcome {text!r} is not one of {allowed}")
        return lowered

    return convert_canonical


def _boolean_converter(true_values: tuple[str, ...] | None, false_values: tuple[str, ...] | None) -> Converter:
    trues = true_values if true_values is not None else DEFAULT_TRUE_VALUES
    falses = false_values if false_values is not None else DEFAULT_FALSE_VALUES
    lookup = {v.strip().casefold(): True for v in trues} | {v.strip().casefold(): False for v in falses}
    reason = f"not a recognised yes/no value (accepted: {', '.join((*trues, *falses))})"

    def convert(value: Any) -> bool:
        if value.__class__ is bool:
            return value
        text = value if value.__class__ is str else _as_text(value)
        try:
            return lookup[text.casefold()]
        except KeyError:
            raise _Invalid(reason)

    return convert


def _duration_converter(unit: str, decimal_comma: bool) -> Converter:
    if unit == "hms":

        def from_hms(value: Any) -> float:
            seconds = _hms_seconds(value, decimal_comma)
            if seconds < 0:
                raise _Invalid(NEGATIVE_DURATION)
            return seconds

        return from_hms
    to_float = _number_converter(decimal_comma)
    factor = 60.0 if unit == "minutes" else 1.0

    def convert(value: Any) -> float:
        seconds: float = to_float(value) * factor
        if seconds < 0:
            raise _Invalid(NEGATIVE_DURATION)
        return seconds

    return convert


def _bounded_converter(to_float: Converter, low: float, high: float | None, what: str) -> Converter:
    def convert(value: Any) -> float:
        number: float = to_float(value)
        if number < low or (high is not None and number > high):
            top = "" if high is None else f"–{_format_number(high)}"
            raise _Invalid(f"{what} {_format_number(number)} is outside {_format_number(low)}{top}")
        return number

    return convert


def _scale_converter(to_float: Converter, max_scale: float | None) -> Converter:
    def convert(value: Any) -> float:
        scale: float = to_float(value)
        if scale <= 0:
            raise _Invalid("a CSAT scale must be a positive number")
        if max_scale is not None and scale > max_scale:
            raise _Invalid(
                f"CSAT scale {_format_number(scale)} exceeds the layout's maximum {_format_number(max_scale)}"
            )
        return scale

    return convert


def _integer_converter(to_float: Converter) -> Converter:
    def convert(value: Any) -> int:
        number = to_float(value)
        if not number.is_integer():
            raise _Invalid("not a whole number")
        if number < 0:
            raise _Invalid("must not be negative")
        return int(number)

    return convert


def _month_converter(fmt: str) -> Converter:
    expected = "not a month in the form YYYY-MM or YYYY-MM-DD" if fmt == ISO else f"not a date in the form {fmt}"

    def convert(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return dt.date(value.year, value.month, 1)
        if isinstance(value, dt.date):
            return value.replace(day=1)
        if value.__class__ is not str:
            raise _Invalid(expected)
        try:
            if fmt != ISO:
                moment = dt.datetime.strptime(value, fmt)
                return dt.date(moment.year, moment.month, 1)
            match = _MONTH_TEXT.fullmatch(value)
            if match is None:
                moment = dt.datetime.fromisoformat(value)  # e.g. 2026-10-01T00:00:00
                return dt.date(moment.year, moment.month, 1)
            year, month, day = match.groups()
            first = dt.date(int(year), int(month), 1)
            if day is not None:
                dt.date(first.year, first.month, int(day))  # the day must exist
            return first
        except ValueError:
            raise _Invalid(expected)

    return convert


def _converter(spec: FieldSpec, ctx: _Context) -> Converter:
    """The converter of one field: a stripped, non-missing raw value → canonical value."""
    ftype = spec.type
    if ftype == TEXT:
        return _text_converter(ITEM_ID_MAX_LENGTH if spec.name == "item_id" else TEXT_MAX_LENGTH, spec.map)
    if ftype == METRIC:
        return _metric_converter(spec.map, ctx.metric_codes)
    if ftype == OUTCOME:
        return _outcome_converter(spec.map)
    if ftype == DATETIME:
        return _datetime_converter(spec.format, ctx.tzinfo)
    if ftype == DURATION:
        return _duration_converter(spec.unit, ctx.decimal_comma)
    if ftype == BOOLEAN:
        return _boolean_converter(spec.true_values, spec.false_values)
    to_float = _number_converter(ctx.decimal_comma)
    if ftype == CSAT:
        return to_float  # judged against the row's scale once every field is known
    if ftype == NUMBER:
        if spec.name == "quality_score":
            return _bounded_converter(to_float, 0.0, 100.0, "quality score")
        if spec.name == "csat_scale_max":
            return _scale_converter(to_float, ctx.max_csat_scale)
        return to_float
    if ftype == INTEGER:
        return _integer_converter(to_float)
    if ftype == MONTH:
        return _month_converter(spec.format)
    raise AssertionError(f"no converter for {ftype}")


def constant_problem(spec: FieldSpec) -> str | None:
    """Why a field's constant cannot be used (None when it can); used by layout validation."""
    value = spec.constant.strip() if isinstance(spec.constant, str) else spec.constant
    try:
        _converter(spec, _Context(tzinfo=dt.UTC, decimal_comma=False))(value)
    except _Invalid as exc:
        return f"{exc.reason} ({raw_text(spec.constant)!r})"
    return None


# -- steps: one closure per field ----------------------------------------------------------


def _step(spec: FieldSpec, ctx: _Context, nulls: frozenset[str], required: bool) -> Step:
    """Compile one field into ``step(values, record) -> value``; raises _Invalid."""
    if spec.has_constant:
        constant_value = spec.constant.strip() if isinstance(spec.constant, str) else spec.constant
        try:
            constant = _converter(spec, ctx)(constant_value)
        except _Invalid as exc:  # e.g. "1.5" under decimal_comma, which layout validation cannot know
            raise ValueError(f"fields.{spec.name}.constant: {exc.reason}") from None

        def constant_step(values: dict[str, Any], record: dict[str, Any]) -> Any:
            return constant

        return constant_step

    if spec.date_column is not None:
        return _date_time_step(spec, ctx, nulls, required)

    convert = _converter(spec, ctx)
    if spec.column is not None:
        column = spec.column

        def column_step(values: dict[str, Any], record: dict[str, Any]) -> Any:
            value = values.get(column)
            if value.__class__ is str:
                value = value.strip()
                if value in nulls:
                    value = None
            if value is None:
                if required:
                    raise _Invalid(REQUIRED)
                return None
            return convert(value)

        return column_step

    columns = spec.columns or ()
    separator = spec.separator

    def columns_step(values: dict[str, Any], record: dict[str, Any]) -> Any:
        parts = []
        for name in columns:
            value = values.get(name)
            if value.__class__ is str:
                value = value.strip()
                if value in nulls:
                    value = None
            if value is None:
                if required:
                    raise _Invalid(REQUIRED, column=name)
                return None
            parts.append(value if value.__class__ is str else _as_text(value))
        return convert(separator.join(parts))

    return columns_step


def _date_time_step(spec: FieldSpec, ctx: _Context, nulls: frozenset[str], required: bool) -> Step:
    """A date column plus an optional time-of-day column, with the midnight rule of ``after``."""
    date_column = spec.date_column or ""
    time_column = spec.time_column
    parse_date = _cached_parser(spec.date_format, "date", date_column)
    parse_time = _cached_parser(spec.time_format, "time", time_column) if time_column else None
    after = spec.after
    tzinfo = ctx.tzinfo
    combine = dt.datetime.combine
    midnight = dt.time()

    def get(values: dict[str, Any], column: str) -> Any:
        value = values.get(column)
        if value.__class__ is str:
            value = value.strip()
            if value in nulls:
                return None
        return value

    def step(values: dict[str, Any], record: dict[str, Any]) -> Any:
        date_value = get(values, date_column)
        time_value = get(values, time_column) if time_column else midnight
        if date_value is None or time_value is None:
            if required:
                raise _Invalid(REQUIRED, column=date_column if date_value is None else time_column)
            return None
        day = parse_date(date_value)
        clock = parse_time(time_value) if parse_time is not None else midnight
        moment = combine(day, clock, tzinfo=tzinfo)
        if after is not None:
            earlier = record.get(after)
            if earlier is not None and moment < earlier:
                # A time-of-day clock that went past midnight: the event is on the next day.
                moment += _ONE_DAY
        return moment

    return step


def _field_text(spec: FieldSpec, values: dict[str, Any]) -> str | None:
    """The raw text behind a field, for error messages (only computed when there is one)."""
    if spec.has_constant:
        return raw_text(spec.constant)
    texts = [raw_text(values.get(c)) for c in spec.raw_columns]
    if len(texts) == 1:
        return texts[0]
    if all(t is None for t in texts):
        return None
    separator = spec.separator if spec.columns is not None else " "
    return separator.join(t or "" for t in texts)


def _condition(cond: Condition, nulls: frozenset[str]) -> Callable[[dict[str, Any]], bool]:
    column, op, expected = cond.column, cond.op, cond.value

    def text_of(values: dict[str, Any]) -> str | None:
        value = values.get(column)
        if value is None:
            return None
        return value.strip() if value.__class__ is str else condition_text(value)

    if op == "equals":
        return lambda values: text_of(values) == expected
    if op == "not_equals":
        return lambda values: text_of(values) != expected
    if op == "in":
        return lambda values: text_of(values) in expected
    if op == "is_empty":

        def is_empty(values: dict[str, Any]) -> bool:
            text = text_of(values)
            return text is None or text in nulls

        return is_empty

    def is_zero(values: dict[str, Any]) -> bool:
        value = values.get(column)
        if value.__class__ is str:
            return _ZERO_TEXT.fullmatch(value.strip()) is not None
        if isinstance(value, bool) or value is None:
            return False
        if isinstance(value, int | float):
            return value == 0
        if isinstance(value, dt.time):
            return value == dt.time()
        if isinstance(value, dt.timedelta):
            return not value
        return False

    return is_zero


class _RowParser:
    """What the work-item and KPI parsers share: compiled steps, the row loop, extras."""

    _FIELDS: tuple[str, ...] = ()
    _KIND = ""

    def __init__(self, layout: Layout, ctx: _Context) -> None:
        if layout.kind != self._KIND:
            raise ValueError(f"{type(self).__name__} needs a {self._KIND} layout, not {layout.kind}")
        self.layout = layout
        self._ctx = ctx
        self._template = dict.fromkeys(self._FIELDS)
        self._extras = layout.extras
        required = REQUIRED_FIELDS[layout.kind]
        steps: list[tuple[str, Step, FieldSpec]] = []
        for name, spec in self._ordered_specs(layout):
            nulls = layout.null_values | spec.null_values
            steps.append((name, _step(spec, ctx, nulls, name in required), spec))
        self._steps = tuple(steps)

    @staticmethod
    def _ordered_specs(layout: Layout) -> list[tuple[str, FieldSpec]]:
        """Canonical order, except that a field comes after the field its ``after`` names."""
        ordered: list[tuple[str, FieldSpec]] = []
        placed: set[str] = set()

        def place(name: str) -> None:
            if name in placed:
                return
            spec = layout.fields[name]
            if spec.after is not None and spec.after in layout.fields:
                place(spec.after)
            placed.add(name)
            ordered.append((name, spec))

        for name in layout.fields:
            place(name)
        return ordered

    def _run_steps(self, raw: RawRow) -> tuple[dict[str, Any], list[RowError] | None]:
        values = raw.values
        record = self._template.copy()
        errors: list[RowError] | None = None
        for name, step, spec in self._steps:
            try:
                record[name] = step(values, record)
            except _Invalid as exc:
                if errors is None:
                    errors = []
                errors.append(self._error(raw, spec, exc))
        return record, errors

    @staticmethod
    def _error(raw: RawRow, spec: FieldSpec, exc: _Invalid) -> RowError:
        if exc.column is not None:
            value = raw_text(raw.values.get(exc.column)) if exc.value is None else exc.value
            return RowError(raw.number, exc.column, value, exc.reason)
        value = _field_text(spec, raw.values) if exc.value is None else exc.value
        return RowError(raw.number, spec.label, value, exc.reason)

    @staticmethod
    def _problem_row(raw: RawRow, extras: dict[str, Any]) -> ParsedRow:
        """A row the reader could not split properly (wrong field count, not an object)."""
        reason, value = raw.values[ROW_PROBLEM]
        return ParsedRow(raw, None, [RowError(raw.number, None, value, reason)], extras)

    def _extras_of(self, values: dict[str, Any]) -> dict[str, Any]:
        return {column: values.get(column) for column in self._extras} if self._extras else {}


class WorkItemParser(_RowParser):
    """Turns raw rows into work-item records (the WORK_ITEM_FIELDS) for one report period."""

    _FIELDS = WORK_ITEM_FIELDS
    _KIND = WORK_ITEMS

    def __init__(self, layout: Layout, period: Period) -> None:
        ctx = _Context(tzinfo=layout.tzinfo, decimal_comma=layout.decimal_comma, max_csat_scale=layout.max_csat_scale)
        super().__init__(layout, ctx)
        self.period = period
        self._start, self._end = period.start, period.end
        last_day = (period.end - dt.timedelta(microseconds=1)).date()
        self._period_text = f"{period.start.date().isoformat()} – {last_day.isoformat()}"
        fields = layout.fields
        self._received_spec = fields.get("received_at")
        self._csat_spec = fields.get("csat")
        self._fixed_scale = self._csat_spec.scale_max if self._csat_spec is not None else None
        self._has_csat = self._csat_spec is not None
        if layout.outcome_rules:
            self._wrap_outcome_rules()

    def _wrap_outcome_rules(self) -> None:
        """Replace the outcome step by one that tries the rules first, then the mapped field."""
        layout = self.layout
        rules = tuple(
            (tuple(_condition(c, layout.null_values) for c in rule.when), rule.outcome) for rule in layout.outcome_rules
        )
        steps = [s for s in self._steps if s[0] != "outcome"]
        field_step = next((s for s in self._steps if s[0] == "outcome"), None)
        fallback = field_step[1] if field_step is not None else None
        spec = field_step[2] if field_step is not None else FieldSpec(name="outcome", type=OUTCOME)

        def outcome_step(values: dict[str, Any], record: dict[str, Any]) -> Any:
            for conditions, outcome in rules:
                for condition in conditions:
                    if not condition(values):
                        break
                else:
                    return outcome
            if fallback is None:
                raise _Invalid("no outcome rule matches this row")
            return fallback(values, record)

        steps.append(("outcome", outcome_step, spec))
        self._steps = tuple(steps)

    def _scale_failed(self, errors: list[RowError]) -> bool:
        """The row's own CSAT scale was unusable (then the CSAT is not judged against a default)."""
        spec = self.layout.fields.get("csat_scale_max")
        return spec is not None and any(e.column == spec.label for e in errors)

    def parse(self, raw: RawRow) -> ParsedRow:
        """Interpret one raw row; never raises for bad data (see ``ParsedRow.errors``)."""
        extras = self._extras_of(raw.values)
        if ROW_PROBLEM in raw.values:
            return self._problem_row(raw, extras)
        record, errors = self._run_steps(raw)

        received = record["received_at"]
        if received is not None and not (self._start <= received < self._end):
            spec = self._received_spec
            assert spec is not None
            reason = f"received_at {received.isoformat()} is outside the report period {self._period_text}"
            errors = [*(errors or ()), RowError(raw.number, spec.label, _field_text(spec, raw.values), reason)]

        if record["wait_seconds"] is None:
            received, started = record["received_at"], record["started_at"]
            if received is not None and started is not None and started >= received:
                record["wait_seconds"] = (started - received).total_seconds()
        if record["handle_seconds"] is None:
            started, completed = record["started_at"], record["completed_at"]
            if started is not None and completed is not None and completed >= started:
                record["handle_seconds"] = (completed - started).total_seconds()

        if self._has_csat:
            csat = record["csat"]
            if csat is None:
                record["csat_scale_max"] = None
            else:
                scale = self._fixed_scale or record["csat_scale_max"] or DEFAULT_CSAT_SCALE
                record["csat_scale_max"] = scale
                if (csat < 0 or csat > scale) and not (errors and self._scale_failed(errors)):
                    spec = self._csat_spec
                    assert spec is not None
                    reason = f"CSAT {_format_number(csat)} is outside the scale 0–{_format_number(scale)}"
                    errors = [*(errors or ()), RowError(raw.number, spec.label, _field_text(spec, raw.values), reason)]
        else:
            record["csat_scale_max"] = None

        if errors:
            return ParsedRow(raw, None, errors, extras)
        return ParsedRow(raw, record, [], extras)


class KpiParser(_RowParser):
    """Turns raw rows into KPI summary records (the KPI_FIELDS).

    ``metric_codes`` is the set of metric codes the catalogue knows; None accepts any code.
    """

    _FIELDS = KPI_FIELDS
    _KIND = KPI_SUMMARY

    def __init__(self, layout: Layout, metric_codes: frozenset[str] | None = None) -> None:
        codes = frozenset(c.lower() for c in metric_codes) if metric_codes is not None else None
        ctx = _Context(tzinfo=layout.tzinfo, decimal_comma=layout.decimal_comma, metric_codes=codes)
        super().__init__(layout, ctx)

    def parse(self, raw: RawRow) -> ParsedRow:
        """Interpret one raw row; never raises for bad data (see ``ParsedRow.errors``)."""
        extras = self._extras_of(raw.values)
        if ROW_PROBLEM in raw.values:
            return self._problem_row(raw, extras)
        record, errors = self._run_steps(raw)
        if errors:
            return ParsedRow(raw, None, errors, extras)
        return ParsedRow(raw, record, [], extras)

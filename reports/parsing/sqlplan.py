"""A work-item layout compiled for the SQL lane of the import: a line pattern and a SELECT.

The Python row parser (``records.py``) stays the reference. For the fast lane a layout
becomes two things:

- ``line``: one compiled regular expression (bytes) that a data line must match *in
  full* for the lane to judge it: every value in a shape for which PostgreSQL's casts and
  the parser's converters are known to agree (ISO date-times with real days and clocks,
  plain decimal numbers, printable ASCII text without edge spaces, ...). Python runs it
  per line while the file streams to PostgreSQL (the regex engine is C; about 3 µs a
  line, on the other core from the database). A line that does not match is never an
  error here, only a hand-off: it goes to the parser, which accepts or rejects it with
  its own words;
- ``judged(where)``: a ``SELECT`` over the staging table (``seq`` and the text columns
  ``c1…cN``) with the canonical values and a flag ``ok`` for the cross-field rules the
  pattern cannot see (the report period, CSAT against its scale, ranges, outcome rules,
  the midnight rule of ``after``, no daylight-saving change nearby). Rows not ``ok`` go to
  the parser too. Casts only ever see values the pattern let through, so no row can make
  the statement fail.

Layout features not compiled here (decimal commas, ``hms`` durations, ``is_zero`` rules,
date-time constants, uncommon strptime directives, ``after`` on a full-timestamp field)
make ``compile_work_items`` return a reason, and that report keeps the Python lane.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from reports.parsing.layout import (
    BOOLEAN,
    CSAT,
    DATETIME,
    DEFAULT_CSAT_SCALE,
    DURATION,
    ISO,
    NUMBER,
    OUTCOME,
    REQUIRED_FIELDS,
    TEXT,
    WORK_ITEMS,
    FieldSpec,
    Layout,
)
from reports.parsing.records import (
    _ISO_FAST_FORMATS,
    DEFAULT_FALSE_VALUES,
    DEFAULT_TRUE_VALUES,
    ITEM_ID_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    _Context,
    _converter,
)
from reports.parsing.types import OUTCOMES, WORK_ITEM_FIELDS, Period

UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"})
# Rows within this much of a daylight-saving change go to the parser: Python resolves a
# missing or repeated wall-clock time (fold=0) differently from PostgreSQL.
DST_MARGIN = "3 hours"
_DIRECTIVES = {"Y": 4, "y": 2, "m": 2, "d": 2, "H": 2, "M": 2, "S": 2}


def _month_day(separator: bytes) -> bytes:
    """Month, ``separator``, day: with the day existing (29 February goes to the parser)."""
    long, short = rb"(?:0[1-9]|[12]\d|3[01])", rb"(?:0[1-9]|[12]\d|30)"
    february = rb"(?:0[1-9]|1\d|2[0-8])"
    s = separator
    return rb"(?:(?:0[13578]|1[02])" + s + long + rb"|(?:0[469]|11)" + s + short + rb"|02" + s + february + rb")"


_YEAR = rb"(?!0000)\d{4}"
_ISO_DATE = _YEAR + b"-" + _month_day(b"-")
_CLOCK = rb"(?:[01]\d|2[0-3]):[0-5]\d"
_FRACTION = rb"(?:\.\d{1,6})?"
_OFFSET = rb"(?:Z|[+-](?:0\d|1[0-5]):[0-5]\d)"
_FAST_CLOCK = rb"(?:[01]?\d|2[0-3]):[0-5]?\d"  # the parser's own clock: 1-2 digits a part
_NUMBER = rb"(?:\d{1,40}(?:\.\d{0,40})?|\.\d{1,40})"


class NotCompilable(Exception):
    """The layout uses something the SQL lane does not compile; the message says what."""


def lit(text: str) -> str:
    """A SQL string literal (standard_conforming_strings is on in every supported PostgreSQL)."""
    if "\x00" in text:
        raise NotCompilable("a layout value holding a NUL character")
    return "'" + text.replace("'", "''") + "'"


def _in(expr: str, values: Any) -> str:
    values = sorted(values)
    if not values:
        return "false"
    return f"{expr} IN ({', '.join(lit(v) for v in values)})"


def _ascii(values: Any) -> bool:
    return all(isinstance(v, str) and v.isascii() and v.isprintable() for v in values)


def _alternatives(values: Any) -> bytes:
    return b"|".join(re.escape(v.encode()) for v in sorted(values, key=len, reverse=True))


@dataclass(frozen=True)
class SqlPlan:
    """What the SQL lane runs for one layout, one file header and one report period."""

    line: re.Pattern[bytes]
    body: str
    anchor: str  # a staging column never empty in a judged line: NULL marks a placeholder

    def judged(self, where: str = "true") -> str:
        """``SELECT seq, ok, <canonical fields>, extras, placeholder`` over the staging rows
        (``ok`` is true, false or NULL: a row is loaded only where it is true)."""
        return self.body.replace("{where}", where)


class _Builder:
    def __init__(self, layout: Layout, header: list[str], delimiter: str, period: Period, stage: str) -> None:
        self.layout = layout
        self.index = {name: i + 1 for i, name in enumerate(header)}
        self.width = len(header)
        self.delimiter = delimiter
        self.period = period
        self.stage = stage
        self.utc = layout.timezone in UTC_NAMES
        # Per staging column: its pattern (bytes) and whether it may be empty.
        self.patterns: dict[int, bytes] = {}
        self.layer1: list[tuple[str, str]] = []  # (alias, expr) over the staging columns
        self.layer2: list[tuple[str, str]] = []  # (alias, expr) over layer 1
        self.oks: list[str] = []
        self.lowered: set[str] = set()  # fields whose ``n_<name>`` is lower-cased (``field``)
        self.local_fields: list[str] = []
        self.conversions: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.anchor: str | None = None
        d = re.escape(delimiter.encode())
        # Printable ASCII but the delimiter; "edge" also without the space.
        self.any_char = b"[^\\x00-\\x1f\\x7f-\\xff" + d + b"]"
        self.edge_char = b"[^\\x00-\\x20\\x7f-\\xff" + d + b"]"

    # -- columns and patterns ----------------------------------------------------------

    def column(self, name: str, pattern: bytes) -> str | None:
        """Claim ``name`` with ``pattern``; the staging column's SQL name (None if absent)."""
        i = self.index.get(name)
        if i is None:
            return None
        previous = self.patterns.get(i)
        if previous is not None and previous != pattern:
            # Read by several fields: the value must suit each of them (a lookahead per field).
            end = b"(?:" + re.escape(self.delimiter.encode()) + b"|\\r?\\Z)"
            pattern = b"(?=(?:" + previous + b")" + end + b")(?:" + pattern + b")"
        self.patterns[i] = pattern
        if self.anchor is None and not self.optional_pattern(pattern):
            self.anchor = f"c{i}"
        return f"c{i}"

    @staticmethod
    def optional_pattern(pattern: bytes) -> bool:
        return re.fullmatch(pattern, b"") is not None

    def nulls(self, spec: FieldSpec) -> frozenset[str]:
        return self.layout.null_values | spec.null_values

    def value_pattern(self, spec: FieldSpec, required: bool, core: bytes) -> bytes:
        """``core`` or a null marker; empty when "" is a null marker and the field may be missing."""
        nulls = self.nulls(spec)
        markers = [m for m in nulls if m and _ascii([m]) and m == m.strip() and self.delimiter not in m]
        body = core if not markers else b"(?:" + core + b"|" + _alternatives(markers) + b")"
        if "" in nulls and not required:
            return b"(?:" + body + b")?"
        return body

    def text_pattern(self, limit: int) -> bytes:
        return b"(?:" + self.edge_char + b"(?:" + self.any_char + b"{0,%d}" % (limit - 2) + self.edge_char + b")?)"

    def null_case(self, column: str, spec: FieldSpec) -> str:
        """The stripped value or NULL (missing or a null marker); staging NULL is ""."""
        nulls = self.nulls(spec)
        markers = [m for m in nulls if m]
        value = column if "" in nulls else f"coalesce({column}, '')"
        if not markers:
            return value
        return f"(CASE WHEN {_in(column, markers)} THEN NULL ELSE {value} END)"

    # -- fields ------------------------------------------------------------------------

    def build(self) -> SqlPlan:
        layout = self.layout
        if layout.kind != WORK_ITEMS:
            raise NotCompilable("KPI layouts")
        if layout.decimal_comma:
            raise NotCompilable("decimal commas")
        for name, spec in layout.fields.items():
            self.field(name, spec)
        self.outcome()
        plain = self.any_char[:-1] + b'"\\\\]'  # no quote or backslash: JSON text without escapes
        for column in layout.extras:
            self.column(column, plain + b"*")
        if self.anchor is None:
            raise NotCompilable("a layout whose every column may be empty")
        return self.assemble()

    def field(self, name: str, spec: FieldSpec) -> None:
        required = name in REQUIRED_FIELDS[WORK_ITEMS]
        if spec.has_constant:
            self.constant(name, spec)
            return
        if spec.type == DATETIME:
            self.datetime_field(name, spec, required)
            return
        if spec.columns is not None and spec.type != TEXT:
            raise NotCompilable(f"{name} joined from several columns")
        core, check, value = self.converter(name, spec)
        parts = []
        for column_name in spec.raw_columns:
            column = self.column(
                column_name,
                self.value_pattern(spec, required, core if spec.column else self.text_pattern(TEXT_MAX_LENGTH)),
            )
            parts.append(self.null_case(column, spec) if column else "NULL::text")
        n = parts[0] if len(parts) == 1 else "(" + f" || {lit(spec.separator)} || ".join(parts) + ")"
        if name in self.lowered:
            # Once per row for the check and the value; the line pattern lets only ASCII
            # through, which lower() in the "C" collation folds as Python does, faster.
            n = f'lower({n} COLLATE "C")'
        self.layer1.append((f"n_{name}", n))
        # Per row, every expression costs: a check that always holds is left out of ``ok``,
        # and a value that is the text itself needs no CASE (NULL stays NULL).
        checked = check(f"n_{name}")
        if checked != "true":
            presence = f"n_{name} IS NOT NULL" if required else "true"
            self.layer2.append((f"ok_{name}", f"(CASE WHEN n_{name} IS NULL THEN {presence} ELSE {checked} END)"))
            self.oks.append(f"ok_{name}")
        elif required:
            self.layer2.append((f"ok_{name}", f"(n_{name} IS NOT NULL)"))
            self.oks.append(f"ok_{name}")
        else:
            self.layer2.append((f"ok_{name}", "true"))
        converted = value(f"n_{name}")
        if converted in (f"n_{name}", f"n_{name}::float8"):
            self.layer2.append((f"v_{name}", converted))
        else:
            self.layer2.append((f"v_{name}", f"(CASE WHEN n_{name} IS NOT NULL THEN {converted} END)"))

    def constant(self, name: str, spec: FieldSpec) -> None:
        raw = spec.constant.strip() if isinstance(spec.constant, str) else spec.constant
        value = _converter(spec, _Context(tzinfo=self.layout.tzinfo, decimal_comma=self.layout.decimal_comma))(raw)
        if isinstance(value, bool):
            sql = "true" if value else "false"
        elif isinstance(value, float):
            sql = f"{value!r}::float8"
        elif isinstance(value, str):
            sql = f"{lit(value)}::text"
        else:
            raise NotCompilable(f"a {type(value).__name__} constant ({name})")
        self.layer2.append((f"v_{name}", sql))

    def converter(self, name: str, spec: FieldSpec) -> tuple[bytes, Any, Any]:
        """(pattern of one value, check(n) SQL, value(n) SQL) for a non-date-time field."""
        ftype = spec.type
        if ftype == TEXT:
            limit = ITEM_ID_MAX_LENGTH if name == "item_id" else TEXT_MAX_LENGTH
            mapping = spec.map
            if mapping and not _ascii(mapping):
                raise NotCompilable("a text map with non-ASCII values")
            if not mapping and spec.column is not None:
                # One column, unmapped: the line pattern already holds it to ``limit``
                # printable ASCII characters (bytes), no length check per row.
                return self.text_pattern(limit), lambda n: "true", lambda n: n
            return (
                self.text_pattern(limit),
                lambda n: f"octet_length({self.mapped(n, mapping)}) <= {limit}",
                lambda n: self.mapped(n, mapping),
            )
        if ftype == OUTCOME:
            if spec.map is not None:
                keys = list(spec.map)
                if not _ascii(keys):
                    raise NotCompilable("an outcome map with non-ASCII values")
                return self.text_pattern(TEXT_MAX_LENGTH), lambda n: _in(n, keys), lambda n: self.mapped(n, spec.map)
            self.lowered.add(name)
            return self.text_pattern(TEXT_MAX_LENGTH), lambda n: _in(n, OUTCOMES), lambda n: n
        if ftype == BOOLEAN:
            trues = spec.true_values if spec.true_values is not None else DEFAULT_TRUE_VALUES
            falses = spec.false_values if spec.false_values is not None else DEFAULT_FALSE_VALUES
            if not (_ascii(trues) and _ascii(falses)):
                raise NotCompilable("yes/no values with non-ASCII text")
            true_keys = {v.strip().lower() for v in trues}
            false_keys = {v.strip().lower() for v in falses} - true_keys
            known = true_keys | false_keys
            self.lowered.add(name)
            return (
                self.text_pattern(TEXT_MAX_LENGTH),
                lambda n: _in(n, known),
                lambda n: _in(n, true_keys),
            )
        if ftype in (DURATION, NUMBER, CSAT):
            if ftype == DURATION:
                if spec.unit == "hms":
                    raise NotCompilable("H:MM:SS durations")
                factor = 60.0 if spec.unit == "minutes" else 1.0
                # No minus sign: a negative duration is the parser's to refuse.
                if factor == 1.0:
                    return b"\\+?" + _NUMBER, lambda n: "true", lambda n: f"{n}::float8"
                return b"\\+?" + _NUMBER, lambda n: "true", lambda n: f"({n}::float8 * {factor!r}::float8)"
            if ftype == NUMBER and name == "quality_score":
                return b"[+-]?" + _NUMBER, lambda n: f"{n}::float8 BETWEEN 0 AND 100", lambda n: f"{n}::float8"
            if ftype == NUMBER and name == "csat_scale_max":
                top = self.layout.max_csat_scale
                cap = f" AND {{n}}::float8 <= {top!r}::float8" if top is not None else ""
                return (
                    b"[+-]?" + _NUMBER,
                    lambda n: f"{n}::float8 > 0" + cap.format(n=n),
                    lambda n: f"{n}::float8",
                )
            if ftype == NUMBER:
                raise NotCompilable(f"the number field {name}")
            return b"[+-]?" + _NUMBER, lambda n: "true", lambda n: f"{n}::float8"
        raise NotCompilable(f"{ftype} fields")

    @staticmethod
    def mapped(n: str, mapping: dict[str, Any] | None) -> str:
        if not mapping:
            return n
        whens = " ".join(f"WHEN {lit(k)} THEN {lit(str(v))}" for k, v in mapping.items())
        return f"(CASE {n} {whens} ELSE {n} END)"

    # -- date-times --------------------------------------------------------------------

    def datetime_field(self, name: str, spec: FieldSpec, required: bool) -> None:
        """Layer 2 gets ``l_<name>``: the wall-clock time in the layout's zone (a timestamp;
        in a UTC layout the instant itself, see ``wall``)."""
        self.local_fields.append(name)
        if spec.date_column is not None:
            date_core, date_value = self.strptime(spec.date_format, want="date")
            date_column = self.column(spec.date_column, self.value_pattern(spec, required, date_core))
            date_n = self.null_case(date_column, spec) if date_column else "NULL::text"
            self.layer1.append((f"nd_{name}", date_n))
            missing = f"nd_{name} IS NULL"
            value = self.shared(date_column, spec, "date", spec.date_format, date_value)
            if spec.time_column is not None:
                time_core, time_value = self.strptime(spec.time_format, want="time")
                time_column = self.column(spec.time_column, self.value_pattern(spec, required, time_core))
                time_n = self.null_case(time_column, spec) if time_column else "NULL::text"
                self.layer1.append((f"nt_{name}", time_n))
                missing += f" OR nt_{name} IS NULL"
                value = f"{value} + {self.shared(time_column, spec, 'time', spec.time_format, time_value)}"
            self.presence(name, required, missing)
            self.layer2.append((f"l_{name}", f"(CASE WHEN NOT ({missing}) THEN {self.wall(value)} END)"))
            return
        if spec.after is not None:
            raise NotCompilable("after on a full date-time column")
        if spec.column is None:
            raise NotCompilable(f"{name} from several columns")
        core, converter = self.timestamp(spec.format)
        column = self.column(spec.column, self.value_pattern(spec, required, core))
        n = self.null_case(column, spec) if column else "NULL::text"
        self.layer1.append((f"n_{name}", n))
        self.presence(name, required, f"n_{name} IS NULL")
        # The conversions (casts, make_date, AT TIME ZONE) give NULL for NULL: no CASE.
        self.layer2.append((f"l_{name}", converter(f"n_{name}")))

    def presence(self, name: str, required: bool, missing: str) -> None:
        """``ok_<name>`` of a date-time: a required one must be there (an optional one is
        always ok, and left out of ``ok``)."""
        if required:
            self.layer2.append((f"ok_{name}", f"(NOT ({missing}))"))
            self.oks.append(f"ok_{name}")
        else:
            self.layer2.append((f"ok_{name}", "true"))

    def shared(self, column: str | None, spec: FieldSpec, kind: str, fmt: str, convert: Any) -> str:
        """A date or time column converted once per row, whichever fields read it (layer 1).

        The conversion only runs on values that are not a null marker of any field reading
        the column (the line pattern let nothing else through).
        """
        if column is None:
            return "NULL"
        key = (column, kind, fmt)
        entry = self.conversions.setdefault(key, {"alias": f"{kind[0]}v{len(self.conversions) + 1}", "markers": set()})
        entry["markers"] |= {m for m in self.nulls(spec) if m}
        entry["convert"] = convert
        return str(entry["alias"])

    def wall(self, local: str) -> str:
        """``l_<name>`` of a local timestamp expression.

        In a UTC layout wall-clock times and instants differ only in type, and the lane's
        session zone is UTC (so ``+ interval '1 day'``, comparisons and differences of
        timestamptz values are those of the wall-clock times): there ``l_<name>`` is the
        instant, converted once, and ``z_<name>`` is the same value. An ISO value with an
        offset is read straight into an instant instead of to a wall-clock time and back
        (two time-zone conversions per value fewer).
        """
        return f"({local} AT TIME ZONE 'UTC')" if self.utc else local

    def timestamp(self, fmt: str) -> tuple[bytes, Any]:
        """A whole timestamp in one column → (pattern, ``l_<name>`` SQL: see ``wall``)."""
        if fmt == ISO:
            clock = b"(?:[T ]" + _CLOCK + b"(?::[0-5]\\d" + _FRACTION + b")?"
            if self.utc:
                # The session zone is UTC (set by the lane): naive text reads as UTC too.
                return _ISO_DATE + clock + _OFFSET + b"?)?", lambda n: f"{n}::timestamptz"
            return _ISO_DATE + clock + b")?", lambda n: self.wall(f"{n}::timestamp")
        if fmt in _ISO_FAST_FORMATS:
            # The parser reads ISO-shaped text of exactly this shape with fromisoformat.
            length, separator = _ISO_FAST_FORMATS[fmt]
            pattern = _ISO_DATE
            if separator:
                pattern += re.escape(separator.encode()) + _CLOCK + (b":[0-5]\\d" if length == 19 else b"")
            return pattern, lambda n: self.wall(f"{n}::timestamp")
        core, value = self.strptime(fmt, want="timestamp")
        return core, lambda n: self.wall(value(n))

    def strptime(self, fmt: str, *, want: str) -> tuple[bytes, Any]:
        """Date, time or date-time text in ``fmt`` → (pattern, SQL of the date/time/timestamp)."""
        if want == "date" and fmt == ISO:
            return _ISO_DATE, lambda n: f"{n}::date"
        if want == "time" and fmt in (ISO, "%H:%M:%S", "%H:%M"):
            # The parser's fast clock reads these (1-2 digits a part); PostgreSQL's time input agrees.
            seconds = b":[0-5]?\\d"
            core = {
                ISO: _FAST_CLOCK + b"(?:" + seconds + b")?",
                "%H:%M:%S": _FAST_CLOCK + seconds,
                "%H:%M": _FAST_CLOCK,
            }
            return core[fmt], lambda n: f"{n}::time"
        if fmt == ISO:
            raise NotCompilable(f"ISO {want}s")
        pattern = b""
        position = 1
        parts: dict[str, str] = {}
        i = 0
        while i < len(fmt):
            char = fmt[i]
            if char == "%":
                directive = fmt[i + 1 : i + 2]
                width = _DIRECTIVES.get(directive)
                if width is None or directive in parts:
                    raise NotCompilable(f"the strptime format {fmt!r}")
                parts[directive] = f"substr({{n}}, {position}, {width})"
                pattern += b"(?P<%s>\\d{%d})" % (directive.encode(), width)
                position += width
                i += 2
                continue
            if char.isdigit() or not char.isascii() or char.isspace():
                raise NotCompilable(f"the strptime format {fmt!r}")
            pattern += re.escape(char.encode())
            position += 1
            i += 1
        dates, clocks = {"Y", "y", "m", "d"} & parts.keys(), {"H", "M", "S"} & parts.keys()
        if want == "date" and (clocks or not {"m", "d"} <= dates or not ({"Y", "y"} & dates)):
            raise NotCompilable(f"the date format {fmt!r}")
        if want == "time" and (dates or not {"H", "M"} <= clocks):
            raise NotCompilable(f"the time format {fmt!r}")
        if want == "timestamp" and (not {"m", "d", "H", "M"} <= parts.keys() or not ({"Y", "y"} & dates)):
            raise NotCompilable(f"the date-time format {fmt!r}")
        # Valid values by lookahead: a real month-day (not 29 February), a real clock.
        checks = b""
        if dates:
            year = b"(?!0000)\\d{4}" if "Y" in parts else b"\\d\\d"
            month_day = _month_day(b"")
            checks += b"(?=" + self._reorder(fmt, year, month_day) + b")"
        if clocks:
            checks += b"(?=" + self._clock_lookahead(fmt) + b")"
        pattern = checks + re.sub(rb"\(\?P<\w>", b"(?:", pattern)
        values: list[str] = []
        if dates:
            if "Y" in parts:
                year_sql = f"{parts['Y']}::int"
            else:
                # Python's %y: 00-68 are 2000-2068, 69-99 are 1969-1999. One comparison of
                # the two characters, one conversion (this CASE converting twice cost more
                # than the rest of the date).
                yy = parts["y"]
                year_sql = f"((CASE WHEN {yy} COLLATE \"C\" < '69' THEN 2000 ELSE 1900 END) + {yy}::int)"
            values.append(f"make_date({year_sql}, {parts['m']}::int, {parts['d']}::int)")
        if clocks:
            second = parts.get("S", "'0'")
            values.append(f"make_time({parts['H']}::int, {parts['M']}::int, {second}::int)")
        sql = " + ".join(values)
        return pattern, lambda n: "(" + sql.replace("{n}", n) + ")"

    @staticmethod
    def _reorder(fmt: str, year: bytes, month_day: bytes) -> bytes:
        """A lookahead over the format's date directives: year, and month+day if adjacent."""
        if "%m%d" not in fmt:
            raise NotCompilable(f"the date format {fmt!r} (month and day must be adjacent, %m%d)")
        out = b""
        i = 0
        while i < len(fmt):
            if fmt.startswith("%m%d", i):
                out += month_day
                i += 4
            elif fmt[i] == "%":
                directive = fmt[i + 1]
                out += year if directive in "Yy" else b"\\d{2}"
                i += 2
            else:
                out += re.escape(fmt[i].encode())
                i += 1
        return out

    @staticmethod
    def _clock_lookahead(fmt: str) -> bytes:
        out = b""
        i = 0
        while i < len(fmt):
            if fmt[i] == "%":
                directive = fmt[i + 1]
                out += {"H": b"(?:[01]\\d|2[0-3])", "M": b"[0-5]\\d", "S": b"[0-5]\\d"}.get(
                    directive, b"\\d{%d}" % _DIRECTIVES[directive]
                )
                i += 2
            else:
                out += re.escape(fmt[i].encode())
                i += 1
        return out

    # -- outcome rules -----------------------------------------------------------------

    def outcome(self) -> None:
        rules = self.layout.outcome_rules
        if not rules:
            return
        matches: list[tuple[str, str]] = []
        for rule in rules:
            conditions = []
            for cond in rule.when:
                alias = self.rule_column(cond.column)
                if cond.op == "equals":
                    conditions.append("false" if alias is None else f"{alias} = {lit(cond.value)}")
                elif cond.op == "not_equals":
                    conditions.append("true" if alias is None else f"{alias} <> {lit(cond.value)}")
                elif cond.op == "in":
                    conditions.append("false" if alias is None else _in(alias, cond.value))
                elif cond.op == "is_empty":
                    conditions.append("true" if alias is None else _in(alias, self.layout.null_values))
                else:
                    raise NotCompilable(f"outcome rules with {cond.op}")
            matches.append(("(" + " AND ".join(conditions) + ")", rule.outcome))
        any_rule = "(" + " OR ".join(m for m, _ in matches) + ")"
        whens = " ".join(f"WHEN {m} THEN {lit(o)}" for m, o in matches)
        layer2 = dict(self.layer2)
        # The mapped outcome column is only consulted when no rule matches.
        field_ok = layer2.get("ok_outcome", "false")
        field_value = layer2.get("v_outcome", "NULL::text")
        layer2["ok_outcome"] = f"({any_rule} OR {field_ok})"
        layer2["v_outcome"] = f"(CASE {whens} ELSE {field_value} END)"
        self.layer2 = list(layer2.items())
        if "ok_outcome" not in self.oks:
            self.oks.append("ok_outcome")

    def rule_column(self, name: str) -> str | None:
        """Rules compare the stripped raw text: layer 1 carries ``r<i>``."""
        i = self.index.get(name)
        if i is None:
            return None
        # Without edge spaces, the stripped text is the text: no btrim per row.
        self.column(name, b"(?:" + self.edge_char + b"(?:" + self.any_char + b"*" + self.edge_char + b")?)?")
        alias = f"r{i}"
        if alias not in dict(self.layer1):
            self.layer1.append((alias, f"coalesce(c{i}, '')"))
        return alias

    # -- assembling --------------------------------------------------------------------

    def line_pattern(self) -> re.Pattern[bytes]:
        d = re.escape(self.delimiter.encode())
        free = b"[^" + d + b"\\r\\n\\x00]*"  # a column nothing reads: anything but the separators
        columns = [self.patterns.get(i, free) for i in range(1, self.width + 1)]
        return re.compile(d.join(b"(?:" + c + b")" for c in columns) + b"\\r?")

    def assemble(self) -> SqlPlan:
        extras = self.extras()
        layer1 = ["seq", f"{self.anchor} IS NULL AS placeholder", f"{extras} AS extras"]
        layer1 += [f"{e} AS {a}" for a, e in self.layer1]
        for (column, _kind, _fmt), entry in self.conversions.items():
            converted = entry["convert"](column)
            markers = sorted(entry["markers"])
            if markers:
                converted = f"(CASE WHEN {_in(column, markers)} THEN NULL ELSE {converted} END)"
            layer1.append(f"{converted} AS {entry['alias']}")
        l1 = f"SELECT {', '.join(layer1)} FROM {self.stage} WHERE {{where}} OFFSET 0"
        layer2 = ["seq", "placeholder", "extras"] + [f"{e} AS {a}" for a, e in self.layer2]
        l2 = f"SELECT {', '.join(layer2)} FROM ({l1}) l1 OFFSET 0"
        return self.final(l2, [a for a, _ in self.layer2])

    def final(self, l2: str, aliases: list[str]) -> SqlPlan:
        fields = self.layout.fields
        locals_: dict[str, str] = {}
        adjusted: list[str] = []
        order: list[str] = []

        def place(name: str) -> None:
            if name in order:
                return
            after = fields[name].after
            if after is not None and after in fields:
                if fields[after].date_column is None:
                    raise NotCompilable("after referring to a full date-time column")
                place(after)
            order.append(name)

        for name in self.local_fields:
            place(name)
        inline: dict[str, str] = {}  # the adjusted expressions, for the fields after them
        for name in order:
            after = fields[name].after
            expr = f"l_{name}"
            if after is not None and after in inline:
                earlier = inline[after]
                # A time-of-day clock that went past midnight: the event is on the next day
                # (the parser compares wall-clock times of one zone, so does this).
                expr = (
                    f"(CASE WHEN {earlier} IS NOT NULL AND l_{name} < {earlier} "
                    f"THEN l_{name} + interval '1 day' ELSE l_{name} END)"
                )
            inline[name] = expr
            if expr == f"l_{name}":
                locals_[name] = expr
            else:
                locals_[name] = f"a_{name}"
                adjusted.append(f"{expr} AS a_{name}")
        # A layer per step only where it computes something: each layer copies every column
        # of every row (canonical files have no ``after`` and, in UTC, no conversion).
        l4 = l2
        if adjusted:
            l4 = f"SELECT *, {', '.join(adjusted)} FROM ({l4}) l2 OFFSET 0"
        if self.utc:
            instants = dict(locals_)  # already instants (``wall``)
        else:
            zone = lit(self.layout.timezone)
            instants = {name: f"z_{name}" for name in locals_}
            if locals_:
                converted = ", ".join(f"({local} AT TIME ZONE {zone}) AS z_{name}" for name, local in locals_.items())
                l4 = f"SELECT *, {converted} FROM ({l4}) l3 OFFSET 0"

        out: dict[str, str] = {}
        ok_terms = ["NOT placeholder", *self.oks]
        guard = self.dst_guard()
        for name in WORK_ITEM_FIELDS:
            if name in locals_:
                a = locals_[name]
                out[name] = instants[name]
                if guard:
                    ok_terms.append(f"({a} IS NULL OR ({guard.format(a=a)}))")
            elif f"v_{name}" in aliases:
                out[name] = f"v_{name}"
            else:
                out[name] = f"NULL::{_sql_type(name)}"
        # Derived durations from wall-clock times (the parser subtracts datetimes of one zone).
        for target, first, second in (
            ("wait_seconds", "received_at", "started_at"),
            ("handle_seconds", "started_at", "completed_at"),
        ):
            if first in locals_ and second in locals_:
                a, b = locals_[first], locals_[second]
                derived = f"CASE WHEN {b} >= {a} THEN extract(epoch from {b} - {a})::float8 END"
                out[target] = f"coalesce({out[target]}, {derived})"
        csat_spec = fields.get("csat")
        if csat_spec is not None:
            if csat_spec.scale_max is not None:
                scale = f"{csat_spec.scale_max!r}::float8"
            else:
                scale = f"coalesce({out['csat_scale_max']}, {DEFAULT_CSAT_SCALE!r}::float8)"
            out["csat_scale_max"] = f"(CASE WHEN {out['csat']} IS NULL THEN NULL ELSE {scale} END)"
            ok_terms.append(f"({out['csat']} IS NULL OR ({out['csat']} >= 0 AND {out['csat']} <= {scale}))")
        else:
            out["csat_scale_max"] = "NULL::float8"
        start, end = self.period.start.isoformat(), self.period.end.isoformat()
        received = out["received_at"]
        ok_terms.append(f"({received} >= {lit(start)}::timestamptz AND {received} < {lit(end)}::timestamptz)")
        # No coalesce(…, false) per term: a NULL term makes ``ok`` NULL or false, and the
        # lane reads it only as ``WHERE ok`` and ``ok IS NOT TRUE``, where NULL is not ok.
        ok = " AND ".join(ok_terms)
        select = ", ".join(f"{out[name]} AS {name}" for name in WORK_ITEM_FIELDS)
        body = f"SELECT seq, placeholder, ({ok}) AS ok, {select}, extras FROM ({l4}) l4"
        return SqlPlan(line=self.line_pattern(), body=body, anchor=self.anchor or "")

    def dst_guard(self) -> str:
        """SQL (with ``{a}`` for a wall-clock timestamp) true when no offset change of the
        layout's zone lies within DST_MARGIN of it, inside the years around the period.

        The changes are found with Python's zoneinfo (the reference); ``reports.sqllane``
        checks once per import that PostgreSQL's rules give the same offsets.
        """
        if self.utc:
            return ""
        low, high, windows = zone_windows(self.layout.tzinfo, self.period)

        def closed(start: dt.datetime, end: dt.datetime) -> str:
            return f"tsrange('{start:%Y-%m-%d %H:%M:%S}', '{end:%Y-%m-%d %H:%M:%S}', '[]')"

        # One containment test in a multirange (a binary search; PostgreSQL folds the
        # difference to a constant when planning) rather than two comparisons per window:
        # a row has three date-times, the zone about ten changes in the years around.
        allowed = f"tsmultirange({closed(low, high)}) - tsmultirange({', '.join(closed(*w) for w in windows)})"
        return f"{{a}} <@ ({allowed})"

    def extras(self) -> str:
        """The extras as JSON text cast once to jsonb (cheaper than jsonb_build_object).

        Their columns' pattern keeps out the quote and the backslash, so the raw text needs
        no escaping inside a JSON string.
        """
        if not self.layout.extras:
            return "'{}'::jsonb"
        # Literal text between the columns is joined in Python: each ``||`` is a function
        # call per row (one literal per gap took a quarter off the extras' cost).
        parts: list[str] = []
        text = "{"
        for n, column in enumerate(self.layout.extras):
            text += ("" if n == 0 else ",") + json.dumps(column) + ":"
            i = self.index.get(column)
            if i is None:
                text += "null"
            else:
                parts += [lit(text + '"'), f"coalesce(c{i}, '')"]
                text = '"'
        parts.append(lit(text + "}"))
        return "(" + " || ".join(parts) + ")::jsonb"


ZONE_YEARS = 2  # years either side of the report period where the lane resolves wall-clock times
_MARGIN = dt.timedelta(hours=3)


def zone_windows(
    tz: dt.tzinfo, period: Period
) -> tuple[dt.datetime, dt.datetime, tuple[tuple[dt.datetime, dt.datetime], ...]]:
    """(first, last, windows): the naive wall-clock range the SQL lane resolves, and around
    each offset change inside it the wall-clock window (± 3 hours) it leaves to the parser."""
    return _zone_windows(tz, period.start.year, period.end.year)


@functools.lru_cache(maxsize=32)
def _zone_windows(
    tz: dt.tzinfo, start_year: int, end_year: int
) -> tuple[dt.datetime, dt.datetime, tuple[tuple[dt.datetime, dt.datetime], ...]]:
    """``zone_windows`` by the years it depends on, kept: an hour-by-hour walk over five
    years takes ~25 ms, and an import needs it twice (the plan, the zone check)."""
    first = dt.datetime(start_year - ZONE_YEARS, 1, 1, tzinfo=dt.UTC)
    last = dt.datetime(end_year + ZONE_YEARS, 12, 31, tzinfo=dt.UTC)
    windows = []
    moment = first
    offset = moment.astimezone(tz).utcoffset()
    step = dt.timedelta(hours=1)
    while moment < last:
        moment += step
        current = moment.astimezone(tz).utcoffset()
        if current != offset:
            before = (moment - step).astimezone(tz).replace(tzinfo=None)
            after = moment.astimezone(tz).replace(tzinfo=None)
            windows.append((min(before, after) - _MARGIN, max(before, after) + _MARGIN))
            offset = current
    return first.replace(tzinfo=None) + _MARGIN * 8, last.replace(tzinfo=None) - _MARGIN * 8, tuple(windows)


def zone_samples(tz: dt.tzinfo, period: Period) -> list[tuple[dt.datetime, dt.datetime]]:
    """(wall-clock time, its UTC instant by zoneinfo) in every stretch between offset changes:
    PostgreSQL must agree on each for the SQL lane to resolve wall-clock times."""
    low, high, windows = zone_windows(tz, period)
    edges = [low, *[t for window in windows for t in window], high]
    samples = []
    for start, end in zip(edges[::2], edges[1::2], strict=False):
        middle = start + (end - start) / 2
        samples.append((middle, middle.replace(tzinfo=tz).astimezone(dt.UTC)))
    return samples


def _sql_type(name: str) -> str:
    if name in ("received_at", "started_at", "completed_at"):
        return "timestamptz"
    if name in ("resolved_first_contact", "accurate"):
        return "boolean"
    if name in ("wait_seconds", "handle_seconds", "csat", "csat_scale_max", "quality_score"):
        return "float8"
    return "text"


def compile_work_items(
    layout: Layout, *, header: list[str], delimiter: str, period: Period, stage: str
) -> SqlPlan | str:
    """The SQL lane's plan for ``layout`` reading a file with ``header``, or why there is none."""
    try:
        return _Builder(layout, header, delimiter, period, stage).build()
    except NotCompilable as exc:
        return f"the SQL lane does not compile {exc}"

"""The metric catalogue: every measurable a service level can be written against.

Codes are stable identifiers: they appear in vendor KPI files, in the API and in stored
service levels, so a code is never renamed, only added. The exact formulas live with the
compliance computation; this module says what each metric is, its unit, which direction
is better and which parameters a service level must give it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

PERCENT = "%"
SECONDS = "s"
SCORE = "score"
COUNT = "count"


@dataclass(frozen=True)
class Parameter:
    """One parameter of a metric, e.g. the T of 'answered within T seconds'."""

    name: str
    label: str
    kind: type = int
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is None

    def parse(self, raw: Any) -> Any:
        """Coerce ``raw`` to this parameter's type and check its range, or raise ValueError."""
        if self.kind is bool:
            if not isinstance(raw, bool):
                raise ValueError("must be true or false")
            value: Any = raw
        elif self.kind is str:
            value = str(raw)
        else:
            try:
                value = self.kind(raw)
            except (TypeError, ValueError):
                raise ValueError(f"must be a {'whole ' if self.kind is int else ''}number") from None
            if isinstance(raw, float) and self.kind is int and raw != int(raw):
                raise ValueError("must be a whole number")
        if self.choices and value not in self.choices:
            raise ValueError(f"must be one of {', '.join(map(str, self.choices))}")
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"must be at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"must be at most {self.maximum}")
        return value


SHORT_ABANDON = Parameter(
    "short_abandon_seconds", "Ignore abandons shorter than (s)", int, default=0, minimum=0, maximum=3600
)


# What a volume counts; a contract's billing basis is one of these (``contracts.Contract.billing_basis``).
VOLUME_BASES = ("handled", "offered", "received")


@dataclass(frozen=True)
class Metric:
    """A catalogue entry. ``higher_is_better`` decides how expected and minimum levels relate."""

    code: str
    name: str
    unit: str
    higher_is_better: bool
    description: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    vendor_reported: bool = False

    @property
    def direction(self) -> str:
        return "higher" if self.higher_is_better else "lower"

    def clean_parameters(self, raw: dict[str, Any] | None) -> dict[str, Any]:
        """Validate and complete a service level's parameters for this metric.

        Unknown names are errors (a typo must not silently fall back to a default); anything
        but an object (a list, a number) is one error, not a ``TypeError``.
        """
        if raw is not None and not isinstance(raw, Mapping):
            raise ValidationError(
                f'must be an object of named parameters (e.g. {{"threshold_seconds": 20}}), not {type(raw).__name__}'
            )
        raw = dict(raw or {})
        known = {p.name: p for p in self.parameters}
        errors = [f"unknown parameter “{name}” for {self.name}" for name in raw if name not in known]
        cleaned: dict[str, Any] = {}
        for name, param in known.items():
            if name not in raw or raw[name] in ("", None):
                if param.required:
                    errors.append(f"{param.label} ({name}) is required for {self.name}")
                else:
                    cleaned[name] = param.default
                continue
            try:
                cleaned[name] = param.parse(raw[name])
            except ValueError as exc:
                errors.append(f"{param.label} ({name}) {exc}")
        if errors:
            raise ValidationError(errors)
        return cleaned


METRICS: tuple[Metric, ...] = (
    Metric("aht", "Average handle time", SECONDS, False, "Mean handle seconds of handled items."),
    Metric("asa", "Average speed of answer", SECONDS, False, "Mean wait seconds of handled items."),
    Metric(
        "service_level",
        "Service level (answered within T s)",
        PERCENT,
        True,
        "Handled items answered within T seconds, as a share of offered items.",
        (
            Parameter("threshold_seconds", "Answer within (s)", int, minimum=1, maximum=86400),
            Parameter(
                "variant",
                "Variant",
                str,
                default="standard",
                choices=("standard", "short_abandon", "exclude_abandons_within_threshold"),
            ),
            SHORT_ABANDON,
        ),
    ),
    Metric(
        "abandon_rate",
        "Abandonment rate",
        PERCENT,
        False,
        "Abandoned items as a share of offered items.",
        (SHORT_ABANDON,),
    ),
    Metric("fcr", "First-contact resolution", PERCENT, True, "Handled items resolved at first contact."),
    Metric(
        "csat",
        "Customer satisfaction",
        PERCENT,
        True,
        "Mean CSAT normalised to 0–100, or the top-box share.",
        (
            Parameter("mode", "Mode", str, default="mean", choices=("mean", "top_box")),
            Parameter("top_box_threshold", "Top-box threshold (raw score)", float, default=4.0, minimum=0),
        ),
    ),
    Metric("quality_score", "Quality score", SCORE, True, "Mean quality-assurance score (0–100)."),
    Metric("accuracy", "Accuracy", PERCENT, True, "Items processed without error."),
    Metric(
        "turnaround",
        "Turnaround within H hours",
        PERCENT,
        True,
        "Items completed within H hours of receipt.",
        (Parameter("hours", "Within (hours)", int, minimum=1, maximum=24 * 90),),
    ),
    Metric("backlog", "Backlog", COUNT, False, "Items received in the period and not completed by its end."),
    Metric(
        "volume",
        "Volume",
        COUNT,
        True,
        "Items in the period: offered (handled + abandoned) by default, or handled, or every item received.",
        (Parameter("basis", "Count", str, default="offered", choices=VOLUME_BASES),),
    ),
    Metric(
        "handle_time_percentile",
        "Handle time percentile",
        SECONDS,
        False,
        "The p-th percentile of handle seconds of handled items.",
        (Parameter("percentile", "Percentile", int, default=90, choices=(50, 75, 80, 90, 95, 99)),),
    ),
    Metric("uptime", "System uptime", PERCENT, True, "Availability the vendor reports.", vendor_reported=True),
)

CATALOGUE: dict[str, Metric] = {m.code: m for m in METRICS}
METRIC_CHOICES = [(m.code, m.name) for m in METRICS]
HIGHER_IS_BETTER = tuple(m.code for m in METRICS if m.higher_is_better)
LOWER_IS_BETTER = tuple(m.code for m in METRICS if not m.higher_is_better)


def get_metric(code: str) -> Metric:
    """The catalogue entry for ``code`` (KeyError for an unknown code)."""
    return CATALOGUE[code]

"""Pages of the scorecards app: the scorecard list and page, and the provider page's scorecard panel."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core import formatting
from core.views import ObjectDetailView, ObjectListView
from scorecards import filtersets, selectors, tables
from scorecards.models import Scorecard, ScorecardCriterion

# Why a criterion of each kind has no data for a month (the page says it in these words).
LEFT_OUT_REASONS: dict[str, str] = {
    ScorecardCriterion.Kind.SLA: "no service level was measured in the month",
    ScorecardCriterion.Kind.COST: "no savings figures for the month (no billable volume, baseline, cost or rate)",
    ScorecardCriterion.Kind.RISK: "no certification is required and no service level was measured",
    ScorecardCriterion.Kind.MANUAL: "no reviewer rated it for the month",
}


def _points(value: Any) -> str:
    return formatting.number(value, 2)


def _where(level: dict[str, Any]) -> str:
    """ " (Claims processing, contract MNL-2026-01)": which of two same-named levels this is."""
    parts = [level.get("process") or "", f"contract {level['contract']}" if level.get("contract") else ""]
    text = ", ".join(p for p in parts if p)
    return f" ({text})" if text else ""


def criterion_inputs(code: str, kind: str, inputs: dict[str, Any]) -> list[str]:
    """A criterion's inputs as sentences in the domain's words, one per fact."""
    if kind == ScorecardCriterion.Kind.SLA:
        return [
            f"{level['name']}{_where(level)}: {formatting.significant(level['actual'])} against the target "
            f"{formatting.significant(level['expected_level'])} and the minimum "
            f"{formatting.significant(level['minimum_level'])} ({level['direction']} is better) "
            f"→ {_points(level['points'])} points, weight {formatting.significant(level['weight'])}"
            for level in inputs.get("service_levels", [])
        ]
    if kind == ScorecardCriterion.Kind.COST:
        # Stored since the money became strings with their currency; older breakdowns lack it.
        currency = inputs.get("currency") or settings.REPORTING_CURRENCY
        projected = inputs.get("projected_savings")
        lines = [
            f"Realised savings {formatting.money(inputs.get('realised_savings'), currency)} against projected "
            + (formatting.money(projected, currency) if projected is not None else "— (no business case)")
            + f" → {_points(inputs.get('base_points'))} points",
        ]
        discrepancies = inputs.get("invoice_discrepancies", 0)
        lines.append(f"Invoices disagreeing with the prices: {discrepancies} (−10 points each)")
        return lines
    if kind == ScorecardCriterion.Kind.RISK:
        problems = inputs.get("certification_problems", [])
        return [
            f"Required certifications: {inputs.get('required_certifications', 0)}; not valid at month end: "
            + (", ".join(problems) if problems else "none")
            + " (−40 points each)",
            f"Chronic SLA breaches: {inputs.get('chronic_breaches', 0)} (−20 points each)",
            f"Open discrepancies between the vendor's claims and its records: "
            f"{inputs.get('open_discrepancies', 0)} (−10 points each)",
        ]
    ratings = inputs.get("ratings", [])
    return [f"Reviewers' ratings: {', '.join(formatting.significant(r) for r in ratings)} (the median counts)"]


def breakdown_rows(card_breakdown: dict[str, Any], kinds: dict[str, str]) -> list[dict[str, Any]]:
    """The breakdown's criteria with their inputs in words and, for a left-out one, why."""
    rows = []
    for row in card_breakdown.get("criteria", []):
        kind = kinds.get(row["code"], ScorecardCriterion.Kind.MANUAL)
        rows.append(
            {
                **row,
                "kind": kind,
                "input_lines": (
                    [] if row.get("left_out") else criterion_inputs(row["code"], kind, row.get("inputs", {}))
                ),
                "reason": LEFT_OUT_REASONS.get(kind, "no data") if row.get("left_out") else "",
            }
        )
    return rows


class ScorecardListView(ObjectListView):
    """Every provider-month's score, standing, rank in its category and change; filters and CSV."""

    model = Scorecard
    selector = staticmethod(selectors.scorecard_list)
    filterset_class = filtersets.ScorecardFilterSet
    table_class = tables.ScorecardTable
    template_name = "scorecards/scorecard_list.html"  # adds links to the comparison, templates, reviews


class ScorecardDetailView(ObjectDetailView):
    """One scorecard: each criterion's inputs, weight, effective weight and points; what was left
    out and why; rank, change, the 12-month sparkline, the overall score's weights, the quarter
    and year roll-ups and the per-process scores."""

    model = Scorecard
    selector = staticmethod(selectors.scorecard_list)
    template_name = "scorecards/scorecard_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        card: Scorecard = self.object
        kinds = {c.code: c.kind for c in card.template_version.criteria.all()}
        trend = selectors.provider_trend(
            user=self.request.user, provider_id=card.provider_id, version=card.template_version, until=card.period
        )
        context.update(
            rows=breakdown_rows(card.breakdown or {}, kinds),
            trend=trend,
            chart=trend.chart(),
            rollups=selectors.scorecard_rollups(card),
            processes=[
                {"card": process_card, "rows": breakdown_rows(process_card.breakdown or {}, kinds)}
                for process_card in selectors.process_scorecards(card)
            ],
            change=tables.signed(card.change),
            in_progress=selectors.is_provisional(card),
        )
        return context


def provider_scorecard_panel(request: HttpRequest, provider: Any) -> dict[str, Any] | None:
    """The provider page's scorecard: the latest month's breakdown, rank and change (linking to its
    page), the last 12 months and the recency-weighted overall score (with the weight each month got)."""
    if not request.user.has_perm("scorecards.view_scorecard"):
        return None
    cards = selectors.provider_scorecards(user=request.user, provider_id=provider.pk)
    weights = {row["month"]: row["weight"] for row in cards[0].overall_weights} if cards else {}
    latest = next((c for c in cards if c.score is not None), None)
    return {
        "provider": provider,
        "latest": latest,
        "latest_change": tables.signed(latest.change) if latest else "",
        "months": [
            {"card": card, "weight": weights.get(f"{card.period:%Y-%m}", 0.0), "change": tables.signed(card.change)}
            for card in cards
        ],
        "overall": cards[0].overall_score if cards else None,
    }

"""The provider comparison page: 2–5 providers (or one category) side by side over a month range.

Thin: the form chooses, ``compare_selectors`` gathers, ``comparison`` decides; this module
lays the figures out as the table's rows and the charts' JSON (drawn by
``static/js/scorecards-compare.js``; no inline script).
"""

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core import formatting
from scorecards import compare_selectors, comparison
from scorecards.compare_forms import CompareForm


@login_required
@permission_required("scorecards.view_scorecard", raise_exception=True)
def compare(request: HttpRequest) -> HttpResponse:
    """The selection form and, once it is valid, the side-by-side table and the charts."""
    form = CompareForm(request.GET or None, user=request.user)
    context: dict[str, Any] = {"form": form, "quadrant_labels": comparison.QUADRANT_LABELS}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = compare_selectors.compare(
            user=request.user, providers=data["compared"], first=data["first"], last=data["last"]
        )
        drawn = charts(result)
        for process, chart in zip(result["processes"], drawn["frontiers"], strict=True):
            process["chart"] = chart
        context.update(result=result, rows=table_rows(result), charts=drawn)
    return render(request, "scorecards/compare.html", context)


def _row(label: str, cells: list[str], *, group: str, note: str = "") -> dict[str, Any]:
    return {"label": label, "cells": cells, "group": group, "note": note}


def table_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The side-by-side table: one row per measure, one cell per provider (already formatted)."""
    providers = result["providers"]
    currency = result["currency"]
    months = len(result["months"])
    rows = [
        _row(
            "Average score",
            [formatting.number(f.score.value, 2) for f in providers],
            group="score",
            note="Mean of the monthly scores; months without a score are left out.",
        ),
        _row("Months with a score", [f"{f.score.months} of {months}" for f in providers], group="score"),
    ]
    for code, name in result["criteria"]:
        rows.append(
            _row(
                f"{name} (points)",
                [formatting.number(f.criteria[code].value, 2) for f in providers],
                group="criteria",
                note="Mean points of the months with a score and data for the criterion.",
            )
        )
    rows += [
        _row("Realised savings", [formatting.money(f.savings, currency) for f in providers], group="money"),
        _row(
            "Spend (outsourced cost)",
            [formatting.money(f.spend, currency) for f in providers],
            group="money",
        ),
        _row("Service credits", [formatting.money(f.credits, currency) for f in providers], group="money"),
        _row(
            "Contract-months with figures",
            [
                f"{f.savings_months}" + (f" ({f.savings_months_without} without)" if f.savings_months_without else "")
                for f in providers
            ],
            group="money",
            note="Months without volume, baseline, cost or exchange rate are left out, as on the savings page.",
        ),
        _row(
            "Quadrant",
            [comparison.QUADRANT_LABELS[f.quadrant].split(":")[0] if f.quadrant else "—" for f in providers],
            group="score",
        ),
    ]
    for metric in result["metrics"]:
        rows.append(
            _row(
                f"{metric['name']} ({metric['direction']} is better)",
                [
                    f"{formatting.measure(cell['value'], metric['code'])} · {formatting.number(cell['normalised'], 2)}"
                    for cell in metric["cells"]
                ],
                group="metrics",
            )
        )
    return rows


def charts(result: dict[str, Any]) -> dict[str, Any]:
    """The charts' data, for ``json_script``: score over time, the quadrant, a frontier per shared process."""
    providers = result["providers"]
    split = result["quadrants"]
    return {
        "scores": {
            "labels": [f"{m:%Y-%m}" for m in result["months"]],
            "series": [{"label": f.provider.name, "data": f.scores} for f in providers],
        },
        "quadrant": {
            "currency": result["currency"],
            "spend_median": split.spend_median,
            "score_median": split.score_median,
            "labels": comparison.QUADRANT_LABELS,
            "points": [
                {"label": f.provider.name, "x": float(f.spend), "y": f.score.value, "quadrant": f.quadrant}
                for f in providers
                if f.quadrant is not None and f.spend is not None
            ],
        },
        "frontiers": [
            {
                "script_id": f"compare-frontier-{process['process_id']}",
                "process": process["name"],
                "unit": process["unit"],
                "currency": result["currency"],
                "points": [
                    {
                        "label": row["provider"].name,
                        "x": float(row["cost_per_unit"]),
                        "y": row["quality"],
                        "frontier": row["on_frontier"],
                    }
                    for row in process["rows"]
                    if row["complete"]
                ],
            }
            for process in result["processes"]
        ],
    }

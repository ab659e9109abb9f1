"""Pages of the scorecards app: for now the scorecard panel on the provider page."""

from typing import Any

from django.http import HttpRequest

from scorecards import scoring, selectors


def provider_scorecard_panel(request: HttpRequest, provider: Any) -> dict[str, Any] | None:
    """The provider page's scorecard: the latest month's breakdown, the last 12 months and the
    recency-weighted overall score (with the weight each month got)."""
    if not request.user.has_perm("scorecards.view_scorecard"):
        return None
    cards = selectors.provider_scorecards(user=request.user, provider_id=provider.pk)
    overall = scoring.overall_score([float(c.score) if c.score is not None else None for c in cards])
    latest = next((c for c in cards if c.score is not None), None)
    return {
        "provider": provider,
        "latest": latest,
        "months": [
            {"card": card, "weight": overall.weights[age] if overall else 0.0} for age, card in enumerate(cards)
        ],
        "overall": overall.score if overall else None,
    }

"""Shared set-up of the review tests: users in each role, a provider with a stored scorecard."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from scorecards.models import Scorecard
from scorecards.services import default_version

OCT = dt.date(2026, 10, 1)


def stored_card(provider, *, period=OCT, score="48.50", standing="exit"):
    """A stored scorecard of the default template with two criteria, one left out."""
    return Scorecard.objects.create(
        provider=provider,
        period=period,
        template_version=default_version(),
        score=None if score is None else Decimal(score),
        standing=standing,
        breakdown={
            "criteria": [
                {
                    "code": "sla",
                    "name": "SLA performance",
                    "weight": 40.0,
                    "effective_weight": 100.0,
                    "points": float(score or 0),
                    "contribution": float(score or 0),
                    "left_out": False,
                    "inputs": {},
                },
                {
                    "code": "cost",
                    "name": "Cost",
                    "weight": 25.0,
                    "effective_weight": 0.0,
                    "points": None,
                    "contribution": None,
                    "left_out": True,
                    "inputs": {},
                },
            ],
            "left_out": ["cost"],
        },
        note="Left out for lack of data: Cost; their weight is spread over the other criteria.",
        computed_at=timezone.now(),
    )

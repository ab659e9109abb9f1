from typing import Any

from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    """Provider scorecards: a weighted, explainable score per provider and month.

    Sits above ``savings`` (the cost criterion reads its results) and ``reminders``, below
    ``overview``. Scorecards follow every compliance recomputation: this app subscribes to
    ``slas.signals.compliance_recomputed`` after ``savings`` does (it comes later in
    INSTALLED_APPS, and receivers run in the order they connected), so the month's savings
    are already stored when its scorecards are computed.
    """

    name = "scorecards"
    verbose_name = "Scorecards"

    def ready(self) -> None:
        from core.panels import Panel, register_panel
        from scorecards.review_views import provider_review_panel
        from scorecards.views import provider_scorecard_panel
        from slas.signals import compliance_recomputed

        compliance_recomputed.connect(_recompute_scorecards, dispatch_uid="scorecards.after_compliance")
        register_panel(
            "vendors.provider",
            Panel("scorecard", "scorecards/provider_scorecard_panel.html", provider_scorecard_panel, order=30),
        )
        register_panel(
            "vendors.provider",
            Panel("scorecard_reviews", "scorecards/provider_review_panel.html", provider_review_panel, order=35),
        )


def _recompute_scorecards(sender: Any, contract_id: int, months: list, **kwargs: Any) -> None:
    from scorecards.services import recompute_for_contract

    recompute_for_contract(contract_id=contract_id, months=months)

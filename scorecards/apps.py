from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    """Provider scorecards: a weighted, explainable score per provider and month.

    Sits above ``savings`` (the cost criterion reads its results) and ``reminders``, below
    ``overview``. Scorecards follow every compliance recomputation: this app subscribes to
    ``slas.signals.compliance_recomputed`` after ``savings`` does (INSTALLED_APPS order), so
    the month's savings are already stored when its scorecards are computed.
    """

    name = "scorecards"
    verbose_name = "Scorecards"

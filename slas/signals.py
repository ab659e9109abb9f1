"""Events of the slas app that the apps above it (savings, scorecards) subscribe to."""

from django.dispatch import Signal

# Sent after a contract's months were recomputed (inside the same transaction), with
# ``contract_id`` and ``months`` (a list of first days of month).
compliance_recomputed = Signal()

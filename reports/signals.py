"""Signals other apps listen to, so reports need not know who consumes them."""

from django.dispatch import Signal

# Sent after an import ends (completed or failed) and its transaction has committed.
# kwargs: report (VendorReport), superseded (list[VendorReport] the report replaced).
# The compliance engine recomputes the contract and period it touched.
report_processed = Signal()

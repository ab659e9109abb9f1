"""Recompute cost savings against the in-house baseline.

    python manage.py recompute_savings [--contract REF]

Every month of each contract's term up to now; idempotent (results are upserted). Savings
read each month's charges and credits from its credit statement, so run
``recompute_compliance`` first if those may be stale.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contracts.models import Contract
from savings import services


class Command(BaseCommand):
    help = "Recompute savings per contract-month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contract", help="Contract reference (default: all contracts).")

    def handle(self, *args, **opts) -> None:
        contracts = Contract.objects.order_by("reference")
        if opts["contract"]:
            contracts = contracts.filter(reference=opts["contract"])
            if not contracts:
                raise CommandError(f"No contract with reference “{opts['contract']}”.")
        total = 0
        for contract in contracts:
            stored = services.recompute_savings(contract_id=contract.pk)
            computed = sum(1 for r in stored if r.status == "ok")
            total += len(stored)
            self.stdout.write(f"{contract.reference}: {len(stored)} month(s), {computed} with figures")
        self.stdout.write(self.style.SUCCESS(f"Recomputed {total} contract-month(s) of savings."))

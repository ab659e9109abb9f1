"""A throw-away provider, process and contract for the benchmark commands."""

import datetime as dt

from django.db import connection, transaction

from contracts.models import Contract, Process, ServiceCategory
from vendors.models import Provider


@transaction.atomic
def benchmark_contract(reference: str) -> Contract:
    """A per-unit contract with one process, created afresh (or reused after a crash)."""
    provider, _ = Provider.objects.get_or_create(name="Benchmark Provider", defaults={"headquarters_country": "IN"})
    process, _ = Process.objects.get_or_create(
        name=f"Benchmark process {reference}",
        defaults={
            "category": ServiceCategory.objects.earliest("pk"),
            "unit_of_work": "call",
            "baseline_cost_per_unit": 1,
        },
    )
    contract, _ = Contract.objects.get_or_create(
        reference=reference,
        defaults={
            "provider": provider,
            "title": "Benchmark",
            "start_date": dt.date(2026, 1, 1),
            "end_date": dt.date(2027, 12, 31),
            "pricing_model": "per_unit",
            "unit_price": 1,
        },
    )
    contract.processes.set([process])
    contract.refresh_from_db()
    return contract


def remove_benchmark_contract(contract: Contract) -> None:
    """Delete the contract and everything the benchmark made for it, stored files included."""
    from reports.models import VendorReport, WorkItem

    for report in VendorReport.objects.filter(contract=contract):
        report.file.delete(save=False)
        if report.rejected_rows_file:
            report.rejected_rows_file.delete(save=False)
    WorkItem.objects.filter(contract=contract)._raw_delete(connection.alias)
    VendorReport.objects.filter(contract=contract).delete()
    processes = list(contract.processes.all())
    provider = contract.provider
    contract.delete()
    for process in processes:
        process.delete()
    if not provider.contracts.exists():
        provider.delete()

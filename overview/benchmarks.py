"""What the benchmark commands share: a throw-away contract, and the figures they report."""

import datetime as dt
import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class Figure:
    """One measured figure beside its bare baseline from the same run, as ``manage.py bench`` prints it.

    ``ratio`` is value ÷ baseline when higher is better (a rate), baseline ÷ value when lower
    is better (a time), so that ≥ ``target`` always means "good enough". Benchmark commands
    write a list of these (``write_figures``) when given ``--json PATH``.
    """

    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: float | None = None
    higher_is_better: bool = True
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0) or self.value == 0:
            return None
        assert self.baseline is not None
        return self.value / self.baseline if self.higher_is_better else self.baseline / self.value

    @property
    def meets(self) -> bool | None:
        ratio = self.ratio
        if self.target is None:
            return None
        if ratio is None:  # a plain figure judged on its own (e.g. seconds under a limit)
            return self.value >= self.target if self.higher_is_better else self.value <= self.target
        return ratio >= self.target

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "meets": self.meets}


def write_figures(path: str | Path, figures: list[Figure]) -> None:
    """Write the figures as JSON (a list of ``Figure.as_dict()``), for ``manage.py bench`` to collect."""
    Path(path).write_text(json.dumps([f.as_dict() for f in figures], indent=2))


def read_figures(path: str | Path) -> list[Figure]:
    names = {f.name for f in fields(Figure)}
    return [Figure(**{k: v for k, v in row.items() if k in names}) for row in json.loads(Path(path).read_text())]

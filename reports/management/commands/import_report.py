"""Import a vendor report from the command line, with a progress bar.

    python manage.py import_report FILE --contract REF --month 2026-10 [--layout NAME]

Goes through the same service as the browser and the API. With a broker configured the
import is queued for the workers and this command follows its progress (``--no-wait`` to
return at once); in the embedded mode, or with ``--here``, it runs in this process.
"""

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from contracts.models import Contract, Process
from reports import selectors, services
from reports.models import ReportKind, ReportLayout, VendorReport


class Command(BaseCommand):
    help = "Upload a vendor report file for a contract and period, and import it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--contract", required=True, help="Contract reference, e.g. MSA-2025-001.")
        parser.add_argument("--month", help="YYYY-MM; or --period-start and --period-end.")
        parser.add_argument("--period-start")
        parser.add_argument("--period-end")
        parser.add_argument("--layout", help="Layout name (the provider's own, or a shared one).")
        parser.add_argument("--process", help="Process name, if the contract covers several.")
        parser.add_argument("--kind", choices=ReportKind.values, default=ReportKind.WORK_ITEMS)
        parser.add_argument("--here", action="store_true", help="Import in this process, not on a worker.")
        parser.add_argument("--no-wait", action="store_true", help="Queue the import and return.")

    def handle(self, *args, **opts) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        contract = Contract.objects.filter(reference=opts["contract"]).select_related("provider").first()
        if contract is None:
            raise CommandError(f"No contract with reference “{opts['contract']}”.")
        run_here = opts["here"] or settings.CELERY_TASK_ALWAYS_EAGER
        try:
            start, end = self._period(opts)
            with path.open("rb") as handle:
                report = services.report_submit(
                    services.ReportSubmission(
                        contract=contract,
                        kind=opts["kind"],
                        period_start=start,
                        period_end=end,
                        layout=self._layout(opts["layout"], contract),
                        process=self._process(opts["process"], contract),
                        upload=File(handle, name=path.name),
                        source=VendorReport.Source.CLI,
                    ),
                    enqueue=not run_here,
                )
        except services.DuplicateReportError as exc:
            raise CommandError(f"{exc.messages[0]} See report #{exc.existing.pk}.") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Report #{report.pk}: {report.original_name} ({report.size:,} bytes) for "
            f"{contract.reference}, {report.period_label}."
        )
        if run_here:
            report = self._run_here(report)
        elif opts["no_wait"]:
            self.stdout.write("Queued for the workers.")
            return
        else:
            report = self._follow(report)
        self._summary(report)

    def _period(self, opts):
        if opts["month"]:
            return services.month_bounds(opts["month"])
        if opts["period_start"] and opts["period_end"]:
            import datetime as dt

            try:
                return dt.date.fromisoformat(opts["period_start"]), dt.date.fromisoformat(opts["period_end"])
            except ValueError as exc:
                raise CommandError(f"Bad date: {exc}") from exc
        raise CommandError("Give --month YYYY-MM, or --period-start and --period-end.")

    def _layout(self, name: str | None, contract: Contract) -> ReportLayout | None:
        if not name:
            return None
        candidates = ReportLayout.objects.filter(
            name=name, provider__in=[contract.provider]
        ) or ReportLayout.objects.filter(name=name, provider__isnull=True)
        layout = candidates.first()
        if layout is None:
            raise CommandError(f"No layout “{name}” for {contract.provider} (nor a shared one).")
        return layout

    def _process(self, name: str | None, contract: Contract) -> Process | None:
        if not name:
            return None
        process = contract.processes.filter(name=name).first()
        if process is None:
            raise CommandError(f"Contract {contract.reference} has no process “{name}”.")
        return process

    def _bar(self, total: int) -> tqdm:
        stream: Any = self.stderr._out  # the raw stream: OutputWrapper would end each write with a newline
        return tqdm(total=total, unit="B", unit_scale=True, desc="importing", file=stream)

    def _run_here(self, report: VendorReport) -> VendorReport:
        bar = self._bar(report.size)

        def show(state) -> None:
            bar.update(state.bytes_read - bar.n)
            bar.set_postfix(rows=f"{state.rows_read:,}", rejected=state.rows_rejected)

        services.report_import(report.pk, listener=show)
        bar.update(report.size - bar.n)
        bar.close()
        report.refresh_from_db()
        return report

    def _follow(self, report: VendorReport) -> VendorReport:
        bar = self._bar(100)
        bar.unit, bar.unit_scale = "%", False
        while True:
            report.refresh_from_db()
            state = selectors.report_progress(report)
            bar.update(state["percent"] - bar.n)
            bar.set_postfix(status=state["status"], rows=f"{state['rows_read']:,}", rejected=state["rows_rejected"])
            if state["finished"]:
                bar.close()
                return report
            time.sleep(0.5)

    def _summary(self, report: VendorReport) -> None:
        line = (
            f"{report.get_status_display()}: {report.rows_read:,} rows read, {report.rows_accepted:,} accepted, "
            f"{report.rows_rejected:,} rejected."
        )
        for error in report.errors[:10]:
            self.stdout.write(f"  row {error['row']}, {error['column']}: {error['reason']}")
        if report.status == VendorReport.Status.FAILED:
            raise CommandError(f"{line} {report.failure_reason}")
        self.stdout.write(self.style.SUCCESS(line))

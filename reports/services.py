"""Submitting vendor reports and importing them: the one path browser, API and CLI share."""

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from contracts.models import Contract, Process
from core import versions
from core.audit import record_event
from core.catalogue import CATALOGUE
from core.months import month_end, month_start, parse_month
from core.tasks import enqueue_on_commit, run_in_thread
from reports import heartbeat, progress
from reports.loaders import remove_duplicate_items, work_item_writer, write_kpi_claims
from reports.models import KpiClaim, ReportKind, ReportLayout, ReportLayoutVersion, VendorReport, WorkItem
from reports.parsing import FileError, Layout, LayoutError, canonical_config, iter_raw_rows, parse_file, read_header
from reports.parsing.types import ParsedRow, RowError
from reports.rejects import RejectedRows
from reports.signals import report_processed
from vendors.models import Provider

logger = logging.getLogger(__name__)
# Progress goes to the cache (outside the import's transaction, which hides everything it
# writes until the end) this often: a few times a second at the usual rates.
PROGRESS_EVERY_ROWS = 1000


class DuplicateReportError(ValidationError):
    """The same file was already uploaded for this contract, process and period."""

    def __init__(self, existing: VendorReport) -> None:
        self.existing = existing
        message = (
            f"This file was already uploaded for {existing.contract.reference}, {existing.period_label} "
            f"(report #{existing.pk}, {existing.get_status_display().lower()})."
        )
        if existing.status == VendorReport.Status.SUPERSEDED:
            replaced_by = f" by report #{existing.superseded_by_id}" if existing.superseded_by_id else ""
            message += (
                f" It was superseded{replaced_by}; reinstate report #{existing.pk} to make it current again "
                "instead of uploading it anew."
            )
        super().__init__(message, code="duplicate")

    @property
    def can_reinstate(self) -> bool:
        return self.existing.status == VendorReport.Status.SUPERSEDED


class FileTooLargeError(ValidationError):
    def __init__(self, size: int, *, what: str = "file") -> None:
        limit = settings.REPORT_MAX_UPLOAD_BYTES
        super().__init__(f"The {what} is {size:,} bytes; the limit is {limit:,} bytes.", code="too_large")


# A multipart body carries the file plus the form's other fields and boundaries.
MULTIPART_ALLOWANCE_BYTES = 64 * 1024


def check_declared_upload_size(content_length: str | None) -> None:
    """Refuse an upload by its ``Content-Length``, before a byte of the body is read.

    Django spools the whole body to disk before a view can look at the file, so the size
    must be judged from the header. A chunked request has no ``Content-Length`` (Django
    reads no body from it): the proxy in front must enforce the limit for those.
    """
    try:
        declared = int(content_length or 0)
    except ValueError:
        declared = 0
    if declared > settings.REPORT_MAX_UPLOAD_BYTES + MULTIPART_ALLOWANCE_BYTES:
        raise FileTooLargeError(declared, what="upload")


# --- layouts ---------------------------------------------------------------------------------


def compile_layout(config: dict[str, Any]) -> Layout:
    """Validate a layout config; its messages become a ``ValidationError`` on ``config``."""
    try:
        return Layout.from_config(config)
    except LayoutError as exc:
        raise ValidationError({"config": list(exc.messages)}) from exc


FILE_OPTIONS: tuple[str, ...] = ("format", "delimiter", "quotechar", "encoding", "header_row", "sheet")


def layout_sample_columns(upload: IO[bytes], *, filename: str, config: dict[str, Any]) -> list[str]:
    """The header of a vendor's sample file, read with the file options of ``config``.

    The layout editor offers these names as the source columns. Only the file options
    count (the fields may not be mapped yet); a file that cannot be read raises a
    ``ValidationError`` on ``sample`` naming why.
    """
    kind = config.get("kind") if config.get("kind") in (ReportKind.WORK_ITEMS, ReportKind.KPI_SUMMARY) else None
    options = {key: config[key] for key in FILE_OPTIONS if key in config}
    try:
        layout = Layout.from_config({**canonical_config(kind or ReportKind.WORK_ITEMS), **options})
    except LayoutError as exc:
        raise ValidationError({"sample": [f"The file options are invalid: {'; '.join(exc.messages)}"]}) from exc
    try:
        return read_header(upload, filename=filename, layout=layout)
    except FileError as exc:
        raise ValidationError({"sample": [f"The sample cannot be read: {exc}."]}) from exc
    finally:
        upload.seek(0)


@transaction.atomic
def layout_save(layout: ReportLayout, *, config: dict[str, Any], user: User | None = None) -> ReportLayoutVersion:
    """Save a layout; a changed config becomes a new version, old reports keep theirs."""
    if layout.is_builtin and layout.current_version is not None:
        raise ValidationError("Built-in layouts cannot be changed; create your own layout instead.")
    compiled = compile_layout(config)
    if compiled.kind != layout.kind:
        raise ValidationError({"config": [f"The config is for {compiled.kind}, the layout is for {layout.kind}."]})
    layout.full_clean()
    layout.save()
    current = layout.current_version
    normalised = compiled.to_config()
    if current is not None and current.config == normalised:
        return current
    number = (current.number + 1) if current else 1
    return ReportLayoutVersion.objects.create(layout=layout, number=number, config=normalised, created_by=user)


def builtin_layout(kind: str) -> ReportLayout:
    """The canonical layout for ``kind`` (created on first use, so it always exists)."""
    name = "Canonical work items" if kind == ReportKind.WORK_ITEMS else "Canonical KPI summary"
    layout, created = ReportLayout.objects.get_or_create(
        provider=None,
        name=name,
        defaults={"kind": kind, "is_builtin": True, "description": "Reads the canonical column names directly."},
    )
    if created or layout.current_version is None:
        ReportLayoutVersion.objects.create(layout=layout, number=1, config=Layout.canonical(kind).to_config())
    return layout


@transaction.atomic
def layout_copy(source: ReportLayout, *, provider: Provider, name: str = "", user: User | None = None) -> ReportLayout:
    """A provider's own copy of a layout (usually a shared template), to edit for its files.

    The copy starts at version 1 with the source's current config; later edits of either
    leave the other alone. Raises ``ValidationError`` on ``name`` when the provider already
    has a layout of that name.
    """
    if source.current_version is None:
        raise ValidationError(f"Layout “{source}” has no saved config to copy.")
    name = (name or source.name).strip()
    if ReportLayout.objects.filter(provider=provider, name=name).exists():
        raise ValidationError({"name": [f"{provider} already has a layout named “{name}”; choose another name."]})
    description = source.description
    origin = f"Copied from “{source}”, version {source.current_version.number}."
    copy = ReportLayout(
        provider=provider,
        name=name,
        kind=source.kind,
        description=f"{description}\n\n{origin}".strip() if description else origin,
    )
    layout_save(copy, config=source.current_version.config, user=user)
    return copy


# --- submitting ------------------------------------------------------------------------------


@dataclass
class ReportSubmission:
    """What an upload says about itself, from any entry point."""

    contract: Contract
    kind: str
    period_start: dt.date
    period_end: dt.date
    upload: Any  # a Django File / UploadedFile: has .name, .size and .chunks()
    layout: ReportLayout | None = None
    process: Process | None = None
    user: User | None = None
    source: str = VendorReport.Source.BROWSER
    errors: dict[str, list[str]] = field(default_factory=dict)


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """``"2026-10"`` → (2026-10-01, 2026-10-31); ValidationError on ``month`` for anything else."""
    try:
        first = parse_month(month)
    except ValueError as exc:
        raise ValidationError({"month": [str(exc)]}) from None
    return first, month_end(first)


def _check_submission(sub: ReportSubmission) -> tuple[Process, ReportLayoutVersion]:
    errors: dict[str, list[str]] = {}
    processes = list(sub.contract.processes.all())
    process = sub.process
    if process is None:
        if len(processes) == 1:
            process = processes[0]
        else:
            errors["process"] = [
                f"Contract {sub.contract.reference} covers {len(processes)} processes; choose one: "
                + ", ".join(p.name for p in processes)
            ]
    elif process not in processes:
        errors["process"] = [f"“{process}” is not a process of contract {sub.contract.reference}."]
    if sub.period_end < sub.period_start:
        errors["period_end"] = ["The period ends before it starts."]
    elif outside := _outside_term(sub):
        errors[outside[0]] = [outside[1]]
    layout = sub.layout or builtin_layout(sub.kind)
    if layout.kind != sub.kind:
        errors["layout"] = [f"Layout “{layout}” reads {layout.get_kind_display().lower()}, not {sub.kind}."]
    if layout.provider_id not in (None, sub.contract.provider_id):
        errors["layout"] = [f"Layout “{layout}” belongs to {layout.provider}, not to {sub.contract.provider}."]
    version = layout.current_version
    if version is None:
        errors["layout"] = [f"Layout “{layout}” has no saved config yet."]
    if process is not None and sub.period_end >= sub.period_start:
        overlapping = _overlapping(sub.contract, process, sub.kind, sub.period_start, sub.period_end)
        if overlapping is not None:
            errors["period_start"] = [
                f"Report #{overlapping.pk} already covers {overlapping.period_label} for this contract and process; "
                "a new report must cover exactly the same period (it then replaces the old one) or not overlap it."
            ]
    if sub.upload.size is not None and sub.upload.size > settings.REPORT_MAX_UPLOAD_BYTES:
        raise FileTooLargeError(sub.upload.size)
    if not sub.upload.size:
        errors["file"] = ["The file is empty."]
    if errors:
        raise ValidationError(errors)
    assert process is not None and version is not None  # else an error above
    return process, version


def _outside_term(sub: ReportSubmission) -> tuple[str, str] | None:
    """(field, message) when the report's months are not all months of the contract's term.

    Compliance exists only for the term's months (the months of the start and end dates
    included), so a report for any other month would load rows nothing may use.
    """
    contract = sub.contract
    first, last = month_start(contract.start_date), month_start(contract.end_date)
    if first <= month_start(sub.period_start) and month_start(sub.period_end) <= last:
        return None
    whole_month = sub.period_start.day == 1 and sub.period_end == month_end(sub.period_start)
    label = f"{sub.period_start:%Y-%m}" if whole_month else f"{sub.period_start:%Y-%m-%d} to {sub.period_end:%Y-%m-%d}"
    return (
        "month" if whole_month else "period_start",
        f"The contract {contract.reference} runs {contract.start_date:%Y-%m-%d} to {contract.end_date:%Y-%m-%d}; "
        f"a report for {label} lies outside it.",
    )


def _overlapping(contract: Contract, process: Process, kind: str, start: dt.date, end: dt.date) -> VendorReport | None:
    """A live report whose period overlaps [start, end] without being exactly it.

    Overlaps are refused: their rows would be counted twice, and superseding would throw
    away the days the new report does not cover.
    """
    return (
        VendorReport.objects.filter(
            contract=contract, process=process, kind=kind, period_start__lte=end, period_end__gte=start
        )
        .exclude(period_start=start, period_end=end)
        .exclude(status__in=[VendorReport.Status.FAILED, VendorReport.Status.SUPERSEDED])
        .first()
    )


def _sha256(upload: Any) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def report_submit(sub: ReportSubmission, *, enqueue: bool = True) -> VendorReport:
    """Store the original file and queue its import; the same service for every entry point.

    ``enqueue=False`` leaves the import to the caller (the CLI runs it in-process to show
    progress). Raises ``ValidationError`` (with field names) for a bad submission,
    ``FileTooLargeError`` over the size limit and ``DuplicateReportError`` for a file
    already uploaded for the same contract, process and period.
    """
    process, version = _check_submission(sub)
    sha256 = _sha256(sub.upload)
    existing = (
        VendorReport.objects.filter(
            contract=sub.contract,
            process=process,
            period_start=sub.period_start,
            period_end=sub.period_end,
            sha256=sha256,
        )
        .exclude(status=VendorReport.Status.FAILED)
        .first()
    )
    if existing:
        raise DuplicateReportError(existing)
    name = sub.upload.name.rsplit("/", 1)[-1]
    report = VendorReport(
        contract=sub.contract,
        process=process,
        kind=sub.kind,
        period_start=sub.period_start,
        period_end=sub.period_end,
        layout_version=version,
        original_name=name,
        sha256=sha256,
        size=sub.upload.size,
        uploaded_by=sub.user if sub.user and sub.user.is_authenticated else None,
        source=sub.source,
    )
    report.file.save(name, File(sub.upload, name=name), save=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the same file submitted twice at the same moment
        report.file.delete(save=False)
        raise DuplicateReportError(
            VendorReport.objects.exclude(status=VendorReport.Status.FAILED).get(
                contract=sub.contract,
                process=process,
                period_start=sub.period_start,
                period_end=sub.period_end,
                sha256=sha256,
            )
        ) from None
    if enqueue:
        # After the commit: a worker must never pick up a task for a row it cannot see yet.
        transaction.on_commit(lambda: dispatch_import(report.pk))
    return report


# Errors of a broker that is down or unreachable when a task is sent (kombu wraps the
# transport's connection errors in its OperationalError; OSError for raw socket errors).
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuOperationalError, OSError)


def dispatch_import(report_id: int) -> bool:
    """Send the import task of a queued report; ``False`` when the broker is unavailable.

    An upload while the broker is down is kept, not refused: the report stays queued with
    ``dispatch_pending`` set, the caller tells the uploader (202, "waiting for the task
    queue"), and ``requeue_stalled_imports`` sends it once the broker is back.
    """
    from reports.tasks import import_report

    if import_report.app.conf.task_always_eager and getattr(settings, "BACKGROUND_EAGER_TASKS", False):
        # The embedded mode: off the request, on a thread of the web process, so the page
        # can show the import moving (``core.tasks.start_on_commit``).
        run_in_thread(import_report, report_id)
        return True
    try:
        import_report.apply_async(args=(report_id,))
    except BROKER_ERRORS as exc:
        logger.warning("import of report %s not sent, the broker is unavailable (%s); the sweep will", report_id, exc)
        VendorReport.objects.filter(pk=report_id, status=VendorReport.Status.QUEUED).update(dispatch_pending=True)
        return False
    VendorReport.objects.filter(pk=report_id, dispatch_pending=True).update(dispatch_pending=False)
    return True


# --- importing -------------------------------------------------------------------------------


class ImportFailedError(Exception):
    """The report cannot be loaded; the message is shown to the uploader as the reason."""

    def __init__(self, reason: str, *, rejected: RejectedRows | None = None, read: int = 0) -> None:
        super().__init__(reason)
        self.rejected = rejected
        self.read = read


@dataclass
class _Counts:
    read: int = 0
    accepted: int = 0


ProgressListener = Callable[[progress.ImportProgress], None]


def report_import(report_id: int, *, listener: ProgressListener | None = None) -> VendorReport | None:
    """Import a queued report; idempotent and safe to run again after a crash.

    The report is claimed with a conditional update (only a queued or interrupted report
    is taken), and every row is written in one transaction, so a worker killed half-way
    leaves nothing behind and the redelivered task starts from a clean slate.
    """
    claimed = VendorReport.objects.filter(
        pk=report_id, status__in=[VendorReport.Status.QUEUED, VendorReport.Status.PROCESSING]
    ).update(
        status=VendorReport.Status.PROCESSING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        dispatch_pending=False,
        updated_at=timezone.now(),
    )
    if not claimed:
        logger.info("report %s is not waiting for an import; nothing to do", report_id)
        return None
    report = VendorReport.objects.select_related("contract", "process", "layout_version").get(pk=report_id)
    if report.attempts > settings.REPORT_IMPORT_MAX_ATTEMPTS:
        return _finish_failed(
            report,
            f"The import was interrupted {report.attempts - 1} times (the worker stopped or crashed); "
            "it was given up. Upload the file again or ask an administrator to check the workers.",
        )
    rejected = RejectedRows()
    try:
        with heartbeat.beating(report.pk):
            superseded = _load(report, rejected, listener)
    except ImportFailedError as exc:
        return _finish_failed(report, str(exc), rejected=exc.rejected, read=exc.read)
    except (OperationalError, InterfaceError):
        raise  # the database went away: the task retries, the report stays claimable
    except Exception as exc:
        logger.exception("import of report %s failed unexpectedly", report.pk)
        return _finish_failed(report, f"The import failed with an internal error ({type(exc).__name__}: {exc}).")
    finally:
        progress.clear(report.pk)
        rejected.close()
    if superseded is None:
        return None
    report.refresh_from_db()
    return report


def _load(report: VendorReport, rejected: RejectedRows, listener: ProgressListener | None) -> list[VendorReport] | None:
    """Load the report's rows in one transaction; returns the reports it superseded.

    ``None`` means another delivery of the task got there first and there is nothing to do.
    """
    try:
        layout = Layout.from_config(report.layout_version.config)
    except LayoutError as exc:
        raise ImportFailedError("The layout is invalid: " + "; ".join(exc.messages)) from exc
    counts = _Counts()
    with transaction.atomic():
        # One import per contract at a time: supersede decisions must see each other's result.
        # The contract's lock also serialises two deliveries of this task; the report's own
        # row is left unlocked so the heartbeat (another connection) can stamp it.
        Contract.objects.select_for_update().filter(pk=report.contract_id).first()
        locked = VendorReport.objects.get(pk=report.pk)
        if locked.status != VendorReport.Status.PROCESSING:
            return None  # another delivery of this task finished it meanwhile
        newer = _newer_completed(report)
        if newer is not None:
            _mark_superseded([report], by=newer)
            return []
        try:
            with report.file.open("rb") as handle:
                if report.kind == ReportKind.WORK_ITEMS:
                    _load_work_items(report, layout, handle, rejected, counts, listener)
                else:
                    _load_kpi_claims(report, layout, handle, rejected, counts)
        except FileError as exc:
            raise ImportFailedError(str(exc)) from exc
        if counts.read == 0:
            raise ImportFailedError("The file has no data rows.")
        _check_tolerance(report, rejected, counts)
        superseded = _supersede_older(report)
        VendorReport.objects.filter(pk=report.pk).update(
            status=VendorReport.Status.COMPLETED,
            rows_read=counts.read,
            rows_accepted=counts.read - rejected.rows,
            rows_rejected=rejected.rows,
            errors=rejected.sample,
            finished_at=timezone.now(),
            failure_reason="",
            rejected_rows_file=_store_rejected(report, rejected),
            compliance_pending_since=timezone.now(),
            updated_at=timezone.now(),
        )
        record_event(report, "imported")  # the update above leaves no history of its own
        _announce(report, superseded)
    return superseded


def _load_work_items(
    report: VendorReport,
    layout: Layout,
    handle: IO[bytes],
    rejected: RejectedRows,
    counts: _Counts,
    listener: ProgressListener | None,
) -> None:
    state = progress.ImportProgress(size=report.size, started=time.time())
    progress.publish(report.pk, state)  # "reading, 0 %" at once, before the first rows
    with work_item_writer(report) as writer:
        for parsed in parse_file(
            handle,
            filename=report.original_name,
            layout=layout,
            period=report.period,
            max_xlsx_uncompressed_bytes=settings.REPORT_MAX_XLSX_UNCOMPRESSED_BYTES,
        ):
            counts.read += 1
            if parsed.record is not None and not parsed.errors:
                writer.write(parsed.raw.number, parsed.record, parsed.extras)
            else:
                rejected.add_row(parsed)
            if counts.read % PROGRESS_EVERY_ROWS == 0:
                state.rows_read, state.rows_rejected = counts.read, rejected.rows
                state.bytes_read = _position(handle)
                progress.publish(report.pk, state)
                if listener:
                    listener(state)
    state.phase = "checking duplicates"
    state.bytes_read = report.size
    progress.publish(report.pk, state)
    for error, raw in _with_raw_rows(report, layout, remove_duplicate_items(report)):
        rejected.add_file_error(error, raw=raw)


def _with_raw_rows(
    report: VendorReport, layout: Layout, errors: list[RowError]
) -> Iterator[tuple[RowError, dict[str, Any] | None]]:
    """Pair row errors found after loading (duplicate ids) with their rows as the file has them.

    Duplicates are found in SQL once every row is loaded, when the raw rows are long gone;
    rather than keep every raw row in memory, the stored file is read once more, only when
    there are duplicates, and the rows are picked out by number (errors in row order).
    """
    if not errors:
        return
    pending = iter(sorted(errors, key=lambda e: e.row or 0))
    current = next(pending, None)
    with report.file.storage.open(str(report.file.name), "rb") as handle:
        rows = iter_raw_rows(handle, filename=report.original_name, layout=layout)
        try:
            for raw in rows:
                while current is not None and (current.row or 0) <= raw.number:
                    yield current, raw.values if current.row == raw.number else None
                    current = next(pending, None)
                if current is None:
                    break
        finally:
            rows.close()  # type: ignore[attr-defined]  # a generator
    while current is not None:
        yield current, None
        current = next(pending, None)


def _load_kpi_claims(report: VendorReport, layout: Layout, handle: IO[bytes], rejected: RejectedRows, counts: _Counts):
    accepted: list[tuple[int, dict[str, Any]]] = []
    first_row: dict[tuple[str, dt.date], int] = {}
    period = report.period
    for parsed in parse_file(
        handle,
        filename=report.original_name,
        layout=layout,
        period=period,
        metric_codes=frozenset(CATALOGUE),
        max_xlsx_uncompressed_bytes=settings.REPORT_MAX_XLSX_UNCOMPRESSED_BYTES,
    ):
        counts.read += 1
        record = parsed.record
        if record is not None and not parsed.errors:
            month = record["period"]
            if not (report.period_start.replace(day=1) <= month <= report.period_end):
                parsed.errors.append(
                    RowError(
                        parsed.raw.number,
                        "period",
                        f"{month:%Y-%m}",
                        f"the month {month:%Y-%m} is outside the report period {report.period_label}",
                    )
                )
            elif (record["metric"], month) in first_row:
                parsed.errors.append(
                    RowError(
                        parsed.raw.number,
                        "metric",
                        record["metric"],
                        f"{record['metric']} for {month:%Y-%m} is repeated; first given on row "
                        f"{first_row[(record['metric'], month)]}",
                    )
                )
        if record is not None and not parsed.errors:
            first_row[(record["metric"], record["period"])] = parsed.raw.number
            accepted.append((parsed.raw.number, record))
        else:
            rejected.add_row(parsed)
    write_kpi_claims(report, accepted)


def _position(handle: IO[bytes]) -> int:
    try:
        return handle.tell()
    except (OSError, ValueError):
        return 0


def _check_tolerance(report: VendorReport, rejected: RejectedRows, counts: _Counts) -> None:
    tolerance: Decimal = report.contract.rejected_row_tolerance_percent
    share = Decimal(rejected.rows * 100) / counts.read
    if share > tolerance:
        raise ImportFailedError(
            f"{rejected.rows:,} of {counts.read:,} rows ({share:.2f} %) were rejected, more than the contract's "
            f"tolerance of {tolerance.normalize():f} %. Nothing was loaded: fix the rows listed in the "
            "rejected-rows file and upload the report again.",
            rejected=rejected,
            read=counts.read,
        )


def _same_slot(report: VendorReport):
    return VendorReport.objects.filter(
        contract_id=report.contract_id,
        process_id=report.process_id,
        kind=report.kind,
        period_start=report.period_start,
        period_end=report.period_end,
    ).exclude(pk=report.pk)


def _slot_time(report: VendorReport) -> dt.datetime:
    """When the report entered its slot: its upload, or its reinstatement if later."""
    return report.reinstated_at or report.created_at


def _by_slot_time(queryset: QuerySet[VendorReport]) -> QuerySet[VendorReport]:
    return queryset.annotate(slot_time=Coalesce("reinstated_at", "created_at"))


def _newer_completed(report: VendorReport) -> VendorReport | None:
    return (
        _by_slot_time(_same_slot(report))
        .filter(status=VendorReport.Status.COMPLETED, slot_time__gt=_slot_time(report))  # type: ignore[misc]
        .order_by("-slot_time")
        .first()
    )


def _supersede_older(report: VendorReport) -> list[VendorReport]:
    """Replace the rows of older completed reports for the same slot, in this transaction.

    "Older" goes by slot time, so a reinstated report replaces the one that had replaced it.
    """
    older = list(
        _by_slot_time(_same_slot(report))
        .select_for_update()
        .filter(status=VendorReport.Status.COMPLETED, slot_time__lte=_slot_time(report))  # type: ignore[misc]
    )
    _mark_superseded(older, by=report)
    return older


def _mark_superseded(reports: list[VendorReport], *, by: VendorReport) -> None:
    ids = [r.pk for r in reports]
    if not ids:
        return
    WorkItem.objects.filter(report_id__in=ids)._raw_delete(WorkItem.objects.db)
    KpiClaim.objects.filter(report_id__in=ids).delete()
    VendorReport.objects.filter(pk__in=ids).update(
        status=VendorReport.Status.SUPERSEDED, superseded_by=by, finished_at=timezone.now()
    )
    for superseded in reports:  # the bulk update records nothing itself: the audit trail must say it
        record_event(superseded, f"superseded by report #{by.pk}")
    versions.bump(f"contract:{by.contract_id}")  # the bulk update sends no signal (core.versions)


@transaction.atomic
def report_reinstate(report: VendorReport, *, user: User | None = None) -> VendorReport:
    """Make a superseded report current again; the report that replaced it is superseded in turn.

    A superseded report's rows were deleted when it was replaced, so the stored original is
    imported again through the normal task, with the layout version it was read with. The
    report counts as entering its slot now (``reinstated_at``): the import loads its rows and
    supersedes the current report in one transaction (``_supersede_older``), so the slot is
    never empty and, should the import fail, the current report stays. The finished import
    sends ``report_processed`` as any import does, which recomputes compliance.
    Raises ``ValidationError`` if the report is not superseded or another live report
    overlaps its period.
    """
    Contract.objects.select_for_update().filter(pk=report.contract_id).first()
    locked = VendorReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != VendorReport.Status.SUPERSEDED:
        raise ValidationError(
            f"Report #{locked.pk} is {locked.get_status_display().lower()}; "
            "only a superseded report can be reinstated.",
            code="not_superseded",
        )
    overlapping = _overlapping(locked.contract, locked.process, locked.kind, locked.period_start, locked.period_end)
    if overlapping is not None:
        raise ValidationError(
            f"Report #{overlapping.pk} covers {overlapping.period_label}, which overlaps this report's period "
            f"{locked.period_label}; it cannot be reinstated beside it.",
            code="overlap",
        )
    old_rejected = locked.rejected_rows_file.name
    VendorReport.objects.filter(pk=locked.pk).update(
        status=VendorReport.Status.QUEUED,
        superseded_by=None,
        reinstated_at=timezone.now(),
        attempts=0,
        rows_read=0,
        rows_accepted=0,
        rows_rejected=0,
        started_at=None,
        finished_at=None,
        errors=[],
        failure_reason="",
        rejected_rows_file="",
        updated_at=timezone.now(),
    )
    logger.info("report %s reinstated by %s", locked.pk, user)
    versions.bump(f"contract:{locked.contract_id}")
    record_event(locked, "reinstated")
    if old_rejected:
        storage = locked.rejected_rows_file.storage
        transaction.on_commit(lambda: storage.delete(old_rejected))
    from reports.tasks import import_report

    enqueue_on_commit(import_report, locked.pk)
    locked.refresh_from_db()
    return locked


def _finish_failed(
    report: VendorReport, reason: str, *, rejected: RejectedRows | None = None, read: int = 0
) -> VendorReport:
    """Mark a report failed, unless another delivery finished it meanwhile."""
    updated = VendorReport.objects.filter(
        pk=report.pk, status__in=[VendorReport.Status.QUEUED, VendorReport.Status.PROCESSING]
    ).update(
        status=VendorReport.Status.FAILED,
        failure_reason=reason,
        finished_at=timezone.now(),
        rows_read=read,
        rows_accepted=0,
        rows_rejected=rejected.rows if rejected else 0,
        errors=(
            rejected.sample
            if rejected and rejected.sample
            else [{"row": None, "column": None, "value": None, "reason": reason}]
        ),
        rejected_rows_file=_store_rejected(report, rejected) if rejected else "",
        updated_at=timezone.now(),
    )
    report.refresh_from_db()
    if updated:
        record_event(report, "import failed")
        _announce(report, [])
    return report


def _store_rejected(report: VendorReport, rejected: RejectedRows) -> str:
    """Write the rejected-rows CSV to storage; its name goes into the report's final update."""
    if not rejected.errors:
        return ""
    field = report.rejected_rows_file
    name = field.field.generate_filename(report, f"rejected-rows-{report.pk}.csv")
    return field.storage.save(name, File(rejected.content()))


def _announce(report: VendorReport, superseded: list[VendorReport]) -> None:
    """Tell listeners (the compliance recompute) once the outcome has committed."""
    # Robust: a listener failing here (the broker down when the recompute is sent) must not
    # turn a committed import into an error; compliance_pending_since lets the sweep resend it.
    transaction.on_commit(
        lambda: report_processed.send(VendorReport, report=report, superseded=superseded), robust=True
    )


# --- preview and housekeeping ---------------------------------------------------------------


@dataclass
class Preview:
    columns: list[str]
    rows: list[ParsedRow]
    file_error: str | None = None


def report_preview(
    handle: IO[bytes],
    *,
    filename: str,
    layout: ReportLayout,
    period_start: dt.date,
    period_end: dt.date,
    contract: Contract,
    limit: int = 20,
) -> Preview:
    """The first ``limit`` rows of a file as the import would read them, with their errors."""
    probe = VendorReport(contract=contract, period_start=period_start, period_end=period_end)
    if layout.current_version is None:
        raise ValidationError({"layout": [f"Layout “{layout}” has no saved config yet."]})
    compiled = compile_layout(layout.current_version.config)
    rows: list[ParsedRow] = []
    try:
        for parsed in parse_file(
            handle,
            filename=filename,
            layout=compiled,
            period=probe.period,
            metric_codes=frozenset(CATALOGUE),
            max_xlsx_uncompressed_bytes=settings.REPORT_MAX_XLSX_UNCOMPRESSED_BYTES,
        ):
            rows.append(parsed)
            if len(rows) >= limit:
                break
    except FileError as exc:
        return Preview(columns=[], rows=rows, file_error=str(exc))
    columns = list(rows[0].record or {}) if rows and rows[0].record else []
    return Preview(columns=columns, rows=rows)


# Without a heartbeat (SQLite) a report is taken for stalled only after this long.
STALE_WITHOUT_HEARTBEAT = dt.timedelta(minutes=15)
# A queued report whose task was sent but not taken for this long: the message was lost.
QUEUED_TOO_LONG = dt.timedelta(minutes=15)
# A compliance recompute not finished this long after its import committed was lost.
COMPLIANCE_LOST_AFTER = dt.timedelta(minutes=2)


def stalled_imports(*, now: dt.datetime | None = None):
    """Reports shown as processing whose import is dead: no heartbeat for a minute."""
    now = now or timezone.now()
    processing = VendorReport.objects.filter(status=VendorReport.Status.PROCESSING)
    cutoff = now - heartbeat.STALE_AFTER
    if heartbeat.supported():
        return processing.filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))
    if heartbeat.in_process_only():  # the embedded mode: an import not running here is dead
        return processing.filter(started_at__lt=cutoff).exclude(pk__in=heartbeat.running_here())
    return processing.filter(updated_at__lt=now - STALE_WITHOUT_HEARTBEAT)


def requeue_stalled_imports(*, now: dt.datetime | None = None) -> int:
    """Recover what a dead worker or an unavailable broker left behind; returns how many.

    - imports whose heartbeat stopped (the worker died): back to ``queued``, sent again
      (the import is idempotent; ``REPORT_IMPORT_MAX_ATTEMPTS`` bounds the retries);
    - queued imports whose task never reached the broker (``dispatch_pending``), or was
      sent more than ``QUEUED_TOO_LONG`` ago and never taken: sent (again);
    - completed imports whose compliance recompute never finished (a worker died after
      the commit, or during the recompute): ``report_processed`` is sent again, and its
      listeners redo the recompute (also idempotent).

    Runs every 30 s from beat, and, without beat (the embedded mode), when the reports list
    or a report page is viewed (``sweep_if_due``).
    """
    now = now or timezone.now()
    count = 0
    for report_id in list(stalled_imports(now=now).values_list("pk", flat=True)):
        # Conditional: an import that beat (or finished) meanwhile is left alone.
        if (
            stalled_imports(now=now)
            .filter(pk=report_id)
            .update(status=VendorReport.Status.QUEUED, dispatch_pending=True, updated_at=now)
        ):
            logger.warning("import of report %s stopped beating (its worker died?); retrying it", report_id)
    queued = VendorReport.objects.filter(status=VendorReport.Status.QUEUED).filter(
        Q(dispatch_pending=True) | Q(updated_at__lt=now - QUEUED_TOO_LONG)
    )
    for report_id in list(queued.values_list("pk", flat=True)):
        VendorReport.objects.filter(pk=report_id).update(updated_at=now)
        if not dispatch_import(report_id):
            break  # the broker is down: the next sweep tries again
        count += 1
    lost = VendorReport.objects.filter(
        status=VendorReport.Status.COMPLETED, compliance_pending_since__lt=now - COMPLIANCE_LOST_AFTER
    )
    for report in lost:
        VendorReport.objects.filter(pk=report.pk).update(compliance_pending_since=now)
        logger.warning("the compliance recompute after report %s was lost; sending it again", report.pk)
        try:
            report_processed.send(VendorReport, report=report, superseded=[])
        except BROKER_ERRORS as exc:
            logger.warning("recompute after report %s not sent (%s); the next sweep tries again", report.pk, exc)
            break
        count += 1
    return count


def compliance_recomputed(report_id: int, *, started: dt.datetime) -> None:
    """A listener finished the recompute after ``report_id``'s import (begun at ``started``).

    Clears the pending mark unless the sweep re-sent the recompute after this one began.
    """
    VendorReport.objects.filter(pk=report_id, compliance_pending_since__lte=started).update(
        compliance_pending_since=None
    )


_SWEEP_EVERY = dt.timedelta(seconds=30)
_last_sweep: dt.datetime | None = None
_sweep_lock = threading.Lock()


def sweep_if_due() -> None:
    """Run ``requeue_stalled_imports`` at most every 30 s, when tasks run in-process.

    In the embedded mode there is no beat; viewing the reports list or a report page is
    what brings a dead import back. Never fails the page that triggers it.
    """
    global _last_sweep
    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return  # beat runs the sweep
    now = timezone.now()
    with _sweep_lock:
        if _last_sweep is not None and now - _last_sweep < _SWEEP_EVERY:
            return
        _last_sweep = now
    try:
        requeue_stalled_imports(now=now)
    except Exception:
        logger.exception("the sweep of stalled imports failed")

"""Reads of layouts, reports and their rows, scoped to the requesting user."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from core.scoping import visible_to
from reports import heartbeat, progress
from reports.models import ReportLayout, VendorReport


def layout_list(*, user: User | AnonymousUser) -> QuerySet[ReportLayout]:
    """Layouts; shared ones (no provider, e.g. the canonical layouts) are for every provider."""
    queryset = ReportLayout.objects.select_related("provider").prefetch_related("versions")
    return visible_to(queryset, user, provider_path="provider")


def report_list(*, user: User | AnonymousUser) -> QuerySet[VendorReport]:
    queryset = VendorReport.objects.select_related(
        "contract__provider", "process", "layout_version__layout", "uploaded_by", "superseded_by"
    )
    return visible_to(queryset, user, provider_path="contract__provider")


def report_progress(report: VendorReport) -> dict:
    """Status figures for the progress bar and the API: live while importing, final after.

    An import whose worker died shows "interrupted, retrying" (until the sweep's retry
    starts it again); one whose task could not reach the broker "waiting for the task queue".
    """
    interrupted = heartbeat.interrupted(report)
    if interrupted or report.dispatch_pending:
        return {
            "status": report.status,
            "phase": "interrupted, retrying" if interrupted else "waiting for the task queue",
            "percent": 0,
            "rows_read": 0,
            "rows_accepted": 0,
            "rows_rejected": 0,
            "rows_per_second": None,
            "finished": False,
            "interrupted": interrupted,
        }
    live = progress.read(report.pk) if report.status == VendorReport.Status.PROCESSING else None
    if live is not None:
        return {
            "status": report.status,
            "phase": live.phase,
            "percent": live.percent,
            "rows_read": live.rows_read,
            "rows_accepted": live.rows_read - live.rows_rejected,
            "rows_rejected": live.rows_rejected,
            "rows_per_second": round(live.rows_per_second or 0, 1),
            "finished": False,
            "interrupted": False,
        }
    finished = report.is_finished
    elapsed = (
        (report.finished_at - report.started_at).total_seconds()
        if finished and report.started_at and report.finished_at
        else None
    )
    return {
        "status": report.status,
        "phase": report.get_status_display().lower(),
        "percent": 100 if finished else 0,
        "rows_read": report.rows_read,
        "rows_accepted": report.rows_accepted,
        "rows_rejected": report.rows_rejected,
        "rows_per_second": round(report.rows_read / elapsed, 1) if elapsed else None,
        "finished": finished,
        "interrupted": False,
    }

"""Helpers for report tests: canonical files and submissions."""

import csv
import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from reports import services
from reports.models import ReportKind
from reports.parsing.types import WORK_ITEM_FIELDS

OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def work_item(n: int, **overrides: Any) -> dict[str, Any]:
    """A valid canonical work item received on 2026-10-(1 + n % 28)."""
    day = 1 + n % 28
    row = {
        "item_id": f"T-{n}",
        "channel": "voice",
        "queue": "billing",
        "received_at": f"2026-10-{day:02d}T09:00:{n % 60:02d}+00:00",
        "started_at": f"2026-10-{day:02d}T09:01:00+00:00",
        "completed_at": f"2026-10-{day:02d}T09:05:00+00:00",
        "wait_seconds": str(10 + n % 50),
        "handle_seconds": "240",
        "outcome": "handled",
        "resolved_first_contact": "true",
        "csat": "4",
        "csat_scale_max": "5",
        "quality_score": "",
        "accurate": "",
        "agent": f"A{n % 7}",
    }
    row.update(overrides)
    return row


def canonical_csv(rows: list[dict[str, Any]], *, delimiter: str = ",", columns=WORK_ITEM_FIELDS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(content: bytes, name: str = "report.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def submit(
    contract,
    content: bytes,
    *,
    name: str = "report.csv",
    kind: str = ReportKind.WORK_ITEMS,
    period=OCTOBER,
    layout=None,
    user=None,
    **kwargs,
):
    return services.report_submit(
        services.ReportSubmission(
            contract=contract,
            kind=kind,
            period_start=period[0],
            period_end=period[1],
            upload=upload(content, name),
            layout=layout,
            user=user,
            **kwargs,
        )
    )

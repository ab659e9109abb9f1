"""Create a believable demo portfolio: providers, processes, contracts, service levels, and
12 months (plus the month so far) of generated vendor reports with their compliance.

Idempotent: every object is looked up by its natural key (name, reference, metric, report
slot), so a second run changes nothing. Demo users: admin/admin (superuser), ops/ops
(operations), procurement/procurement and viewer/viewer.
"""

import datetime as dt
import zlib
from decimal import Decimal as D
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings

from contracts.models import Contract, Process, ServiceCategory
from core import roles
from core.months import add_months, month_end
from reports import services as report_services
from reports.models import ReportKind, ReportLayout, VendorReport
from reports.parsing.samples import ANONYMOUS_BANK_LAYOUT
from reports.synthetic import work_item_csv_bytes
from slas import services as sla_services
from slas.models import ServiceLevel
from vendors.models import Certification, Contact, Provider

PROVIDERS = [
    # name, legal name, HQ, delivery countries, status, risk, data access, website
    (
        "Northwind Contact Solutions",
        "Northwind Contact Solutions Inc.",
        "PH",
        ["PH", "US"],
        "active",
        "medium",
        "pii",
        "https://northwind-cs.example",
    ),
    (
        "Bharat Process Services",
        "Bharat Process Services Pvt Ltd",
        "IN",
        ["IN"],
        "active",
        "medium",
        "pii",
        "https://bharatps.example",
    ),
    (
        "Vistula Shared Services",
        "Vistula Shared Services sp. z o.o.",
        "PL",
        ["PL", "RO"],
        "active",
        "low",
        "pii",
        "https://vistula-ss.example",
    ),
    (
        "Andes Digital Operations",
        "Andes Digital Operations S.A.S.",
        "CO",
        ["CO", "MX"],
        "probation",
        "high",
        "pii",
        "https://andes-ops.example",
    ),
    (
        "Cape Coast BPO",
        "Cape Coast BPO (Pty) Ltd",
        "ZA",
        ["ZA"],
        "active",
        "medium",
        "payment_card",
        "https://capecoast.example",
    ),
    (
        "Atlas MedBill",
        "Atlas Medical Billing LLC",
        "US",
        ["US", "IN", "PH"],
        "active",
        "high",
        "phi",
        "https://atlasmedbill.example",
    ),
    (
        "Ledgerline Finance Partners",
        "Ledgerline Finance Partners Ltd",
        "GB",
        ["GB", "IN"],
        "onboarding",
        "low",
        "pii",
        "https://ledgerline.example",
    ),
]

PROCESSES = [
    # name, category code, unit, baseline cost/unit, owner (the expected volume follows the demo's reports)
    ("Retail customer care (voice)", "customer-support", "call", "6.80", "Head of Customer Service"),
    ("Customer chat support", "customer-support", "chat", "3.90", "Head of Customer Service"),
    ("Billing enquiries (email)", "customer-support", "email", "4.40", "Billing Operations Lead"),
    ("IT service desk", "it-services", "ticket", "19.50", "IT Service Manager"),
    ("Accounts payable invoice processing", "finance-accounting", "invoice", "4.20", "Financial Controller"),
    ("Cash application", "finance-accounting", "transaction", "1.95", "Financial Controller"),
    ("Payroll administration", "hr-services", "transaction", "2.60", "HR Operations Manager"),
    ("Candidate screening", "hr-services", "case", "36.00", "Talent Acquisition Lead"),
    ("Order management", "supply-chain", "order", "3.30", "Supply Chain Director"),
    ("Content moderation", "content-digital", "case", "0.48", "Trust & Safety Lead"),
    ("Medical claims processing", "healthcare-bpo", "claim", "7.90", "Revenue Cycle Director"),
    ("Medical coding", "healthcare-bpo", "document", "5.60", "Revenue Cycle Director"),
    ("Contract review", "legal-process", "document", "44.00", "General Counsel"),
]

# Service levels per unit of work: (metric, parameters, expected, minimum, kind, credit %)
SLA_TEMPLATES: dict[str, list[tuple[str, dict[str, Any], str, str, str, str]]] = {
    "call": [
        ("service_level", {"threshold_seconds": 20}, "80", "75", "critical", "40"),
        ("abandon_rate", {}, "5", "8", "critical", "30"),
        ("asa", {}, "30", "45", "critical", "30"),
        ("aht", {}, "360", "420", "key", "0"),
    ],
    "chat": [
        ("service_level", {"threshold_seconds": 60}, "85", "80", "critical", "50"),
        ("csat", {"mode": "mean"}, "85", "80", "critical", "50"),
        ("fcr", {}, "75", "70", "key", "0"),
    ],
    "email": [
        ("turnaround", {"hours": 24}, "95", "90", "critical", "60"),
        ("quality_score", {}, "90", "85", "critical", "40"),
    ],
    "ticket": [
        ("turnaround", {"hours": 8}, "90", "85", "critical", "50"),
        ("fcr", {}, "70", "65", "critical", "50"),
        ("csat", {"mode": "mean"}, "85", "80", "key", "0"),
    ],
    "default": [
        ("accuracy", {}, "99", "98", "critical", "50"),
        ("turnaround", {"hours": 48}, "95", "90", "critical", "50"),
        ("backlog", {}, "200", "400", "key", "0"),
    ],
}

CONTRACTS = [
    # reference, provider, title, processes, pricing model, prices, start, months, auto renew, at risk, earn back
    (
        "MSA-2025-001",
        "Northwind Contact Solutions",
        "Retail voice and chat care",
        ["Retail customer care (voice)", "Customer chat support"],
        "per_unit",
        {"unit_price": "4.10"},
        "2025-01-01",
        36,
        True,
        "12",
        True,
    ),
    (
        "MSA-2025-002",
        "Cape Coast BPO",
        "Billing enquiries and overflow voice",
        ["Billing enquiries (email)", "Retail customer care (voice)"],
        "per_fte",
        {"fte_rate": "2150", "fte_count": "42"},
        "2025-04-01",
        24,
        False,
        "10",
        False,
    ),
    (
        "MSA-2025-003",
        "Bharat Process Services",
        "IT service desk",
        ["IT service desk"],
        "hybrid",
        {"fixed_monthly_fee": "45000", "unit_price": "6.50"},
        "2025-02-01",
        36,
        True,
        "15",
        True,
    ),
    (
        "MSA-2025-004",
        "Vistula Shared Services",
        "Procure-to-pay",
        ["Accounts payable invoice processing"],
        "per_unit",
        {"unit_price": "2.40"},
        "2025-01-01",
        48,
        False,
        "10",
        False,
    ),
    (
        "MSA-2025-005",
        "Ledgerline Finance Partners",
        "Order-to-cash",
        ["Cash application"],
        "fixed",
        {"fixed_monthly_fee": "38000"},
        "2026-01-01",
        36,
        False,
        "8",
        False,
    ),
    (
        "MSA-2025-006",
        "Vistula Shared Services",
        "HR operations",
        ["Payroll administration", "Candidate screening"],
        "per_fte",
        {"fte_rate": "3100", "fte_count": "18"},
        "2025-06-01",
        36,
        True,
        "10",
        True,
    ),
    (
        "MSA-2025-007",
        "Andes Digital Operations",
        "Order management (Spanish and English)",
        ["Order management"],
        "per_unit",
        {"unit_price": "2.10"},
        "2025-03-01",
        24,
        False,
        "12",
        False,
    ),
    (
        "MSA-2025-008",
        "Andes Digital Operations",
        "Content moderation",
        ["Content moderation"],
        "hybrid",
        {"fixed_monthly_fee": "20000", "unit_price": "0.21"},
        "2025-07-01",
        24,
        True,
        "15",
        True,
    ),
    (
        "MSA-2025-009",
        "Atlas MedBill",
        "Revenue cycle: claims and coding",
        ["Medical claims processing", "Medical coding"],
        "per_unit",
        {"unit_price": "4.60"},
        "2025-01-01",
        60,
        False,
        "10",
        True,
    ),
    (
        "MSA-2025-010",
        "Bharat Process Services",
        "Legal document review",
        ["Contract review"],
        "fixed",
        {"fixed_monthly_fee": "17500"},
        "2025-09-01",
        24,
        False,
        "10",
        False,
    ),
]

# Work items in each generated monthly report (one report per contract, process and month).
ROWS_PER_REPORT = 900


def expected_volume(process_name: str, rows: int = ROWS_PER_REPORT) -> int:
    """A process's expected monthly volume: ``rows`` items for each demo contract delivering it.

    Derived from the same number ``_reports`` generates with, so the volume a process expects
    is the volume its reports show (every generated item is offered: handled or abandoned).
    """
    return rows * sum(process_name in processes for _, _, _, processes, *_ in CONTRACTS)


SHARED_CALL_RECORDS_LAYOUT = "Call records: date and clock columns (TSV)"

USERS = [
    ("admin", "admin", None, True),
    ("ops", "ops", roles.OPERATIONS, False),
    ("procurement", "procurement", roles.PROCUREMENT, False),
    ("viewer", "viewer", roles.VIEWER, False),
]


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo portfolio and demo users. Safe to run twice."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--months", type=int, default=12, help="Closed months of reports (default 12).")
        parser.add_argument(
            "--rows",
            type=int,
            default=ROWS_PER_REPORT,
            help=f"Work items per monthly report (default {ROWS_PER_REPORT}).",
        )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            self._users()
            providers = self._providers()
            processes = self._processes(options["rows"])
            created = self._contracts(providers, processes)
        self._layouts()
        reports = self._reports(options["months"], options["rows"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Provider.objects.count()} providers, {Process.objects.count()} processes, "
                f"{Contract.objects.count()} contracts, {ServiceLevel.objects.count()} service levels "
                f"({created} objects created this run); {reports} reports imported this run, "
                f"{VendorReport.objects.filter(status='completed').count()} in all."
            )
        )

    def _users(self) -> None:
        for username, password, role, superuser in USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": superuser, "is_superuser": superuser}
            )
            if created:
                user.set_password(password)
                user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))

    def _providers(self) -> dict[str, Provider]:
        result = {}
        for name, legal, hq, delivery, status, risk, access, website in PROVIDERS:
            provider, created = Provider.objects.get_or_create(
                name=name,
                defaults=dict(
                    legal_name=legal,
                    headquarters_country=hq,
                    delivery_countries=delivery,
                    status=status,
                    risk_tier=risk,
                    data_access=access,
                    website=website,
                ),
            )
            if created:
                first = name.split()[0]
                Contact.objects.create(
                    provider=provider,
                    name=f"{first} Account Manager",
                    role="Account manager",
                    email=f"accounts@{website.split('//')[1]}",
                    is_primary=True,
                )
                Certification.objects.create(
                    provider=provider,
                    kind="iso27001",
                    reference=f"ISMS-{provider.pk:04d}",
                    issued_on=dt.date(2024, 3, 1),
                    expires_on=dt.date(2027, 2, 28),
                )
                if access == "phi":
                    Certification.objects.create(
                        provider=provider,
                        kind="hipaa",
                        issued_on=dt.date(2025, 1, 15),
                        expires_on=dt.date(2026, 12, 31),
                    )
                if access == "payment_card":
                    Certification.objects.create(
                        provider=provider,
                        kind="pci_dss",
                        issued_on=dt.date(2025, 11, 1),
                        expires_on=dt.date(2026, 12, 20),
                    )
            result[name] = provider
        return result

    def _processes(self, rows: int) -> dict[str, Process]:
        """The processes, each expecting the volume the demo generates for it (see ``expected_volume``)."""
        categories = {c.code: c for c in ServiceCategory.objects.all()}
        result = {}
        for name, category, unit, cost, owner in PROCESSES:
            volume = expected_volume(name, rows)
            result[name], _ = Process.objects.get_or_create(
                name=name,
                defaults=dict(
                    category=categories[category],
                    unit_of_work=unit,
                    baseline_cost_per_unit=D(cost),
                    expected_monthly_volume=volume,
                    internal_owner=owner,
                    currency="USD",
                ),
            )
            if result[name].expected_monthly_volume != volume:
                result[name].expected_monthly_volume = volume
                result[name].save(update_fields=["expected_monthly_volume", "updated_at"])
        return result

    def _contracts(self, providers: dict[str, Provider], processes: dict[str, Process]) -> int:
        created_count = 0
        for ref, provider, title, process_names, pricing, prices, start, months, renew, at_risk, earn_back in CONTRACTS:
            start_date = dt.date.fromisoformat(start)
            contract, created = Contract.objects.get_or_create(
                reference=ref,
                defaults=dict(
                    provider=providers[provider],
                    title=title,
                    start_date=start_date,
                    end_date=add_months(start_date, months) - dt.timedelta(days=1),
                    auto_renew=renew,
                    status="active",
                    pricing_model=pricing,
                    at_risk_percent=D(at_risk),
                    earn_back=earn_back,
                    currency="USD",
                    notice_period_days=90,
                    **{k: D(v) for k, v in prices.items()},
                ),
            )
            created_count += created
            contract.processes.add(*(processes[n] for n in process_names))
            for name in process_names:
                process = processes[name]
                for metric, params, expected, minimum, kind, credit in SLA_TEMPLATES.get(
                    process.unit_of_work, SLA_TEMPLATES["default"]
                ):
                    service_level = ServiceLevel(
                        contract=contract,
                        process=process,
                        metric=metric,
                        parameters=params,
                        expected_level=D(expected),
                        minimum_level=D(minimum),
                        kind=kind,
                        credit_allocation_percent=D(credit),
                        minimum_sample_size=30,
                    )
                    if not ServiceLevel.objects.filter(contract=contract, process=process, metric=metric).exists():
                        service_level.full_clean()
                        service_level.save()
                        created_count += 1
        return created_count

    def _layouts(self) -> None:
        """Shared templates for common formats, which any provider copies and then adjusts.

        Call-by-call exports with a YYMMDD date and separate clock columns (the Anonymous
        Bank shape) are common to many telephony platforms, so the layout belongs to no
        provider: "Copy for a provider" on its page makes a provider's own version.
        """
        layout, created = ReportLayout.objects.get_or_create(
            provider=None,
            name=SHARED_CALL_RECORDS_LAYOUT,
            defaults={
                "kind": ReportKind.WORK_ITEMS,
                "description": "Template: tab-separated call-by-call export, a YYMMDD date plus clock columns "
                "(vru_entry, ser_start, ser_exit), HANG/AGENT/PHANTOM outcomes. Copy it for a provider.",
            },
        )
        if created:
            report_services.layout_save(layout, config=ANONYMOUS_BANK_LAYOUT)

    def _reports(self, months: int, rows: int) -> int:
        """Monthly work-item reports per contract and process, some months poor on purpose.

        A month's quality follows a fixed pattern per contract, so the dashboard always shows
        met, at-risk and breached service levels, and one vendor's KPI summary overstates its
        service level (a discrepancy). Compliance is computed once at the end.
        """
        today = dt.date.today()
        this_month = today.replace(day=1)
        first = add_months(this_month, -months)
        imported = 0
        with override_settings(SLA_RECOMPUTE_ON_IMPORT=False):
            for k, contract in enumerate(
                Contract.objects.filter(reference__startswith="MSA-2025-").order_by("reference")
            ):
                for process in contract.processes.order_by("name"):
                    for i in range(months + 1):
                        month = add_months(first, i)
                        if month < contract.start_date.replace(day=1):
                            continue
                        quality = QUALITY[(i + k) % len(QUALITY)]
                        partial = month == this_month
                        content = work_item_csv_bytes(
                            rows * today.day // 30 + 30 if partial else rows,
                            month=month,
                            seed=zlib.crc32(f"{contract.reference}/{process.name}/{month}".encode()),
                            quality=quality,
                            unit_of_work=process.unit_of_work,
                            days=today.day if partial else None,
                        )
                        imported += self._import(
                            contract, process, month, content, f"{process.unit_of_work}-{month:%Y-%m}.csv"
                        )
            imported += self._discrepancy(this_month)
        for contract in Contract.objects.filter(reference__startswith="MSA-2025-"):
            sla_services.recompute_from(contract=contract, month=max(first, contract.start_date.replace(day=1)))
        return imported

    def _import(self, contract, process, month, content: bytes, name: str, kind: str = ReportKind.WORK_ITEMS) -> int:
        last_day = month_end(month)
        if VendorReport.objects.filter(contract=contract, process=process, kind=kind, period_start=month).exists():
            return 0
        report = report_services.report_submit(
            report_services.ReportSubmission(
                contract=contract,
                process=process,
                kind=kind,
                period_start=month,
                period_end=last_day,
                upload=ContentFile(content, name=name),
                source=VendorReport.Source.CLI,
            ),
            enqueue=False,
        )
        report_services.report_import(report.pk)
        return 1

    def _discrepancy(self, this_month: dt.date) -> int:
        """The voice vendor's own KPI summary for last month claims a rosier service level."""
        contract = Contract.objects.get(reference="MSA-2025-001")
        process = contract.processes.get(unit_of_work="call")
        month = add_months(this_month, -1)
        content = f"metric,period,value\nservice_level,{month:%Y-%m},96.5\nasa,{month:%Y-%m},9.0\n".encode()
        return self._import(contract, process, month, content, f"kpi-summary-{month:%Y-%m}.csv", ReportKind.KPI_SUMMARY)


# Month quality pattern: most months fine, some at risk, some breached.
QUALITY = (1.15, 1.1, 0.93, 1.2, 0.72, 1.1, 1.05)

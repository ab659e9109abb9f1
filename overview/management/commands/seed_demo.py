"""Create a believable demo portfolio: providers, processes, contracts, service levels, and
12 months (plus the month so far) of generated vendor reports with their compliance, savings
and scorecards.

Dates follow today, so the demo always shows: savings for every contract against its in-house
baseline (one contract, MSA-2025-008, losing money), one over-invoiced month (MSA-2025-007),
one contract inside its notice window (MSA-2025-002), one certification expiring within 60
days (Cape Coast BPO's PCI DSS) and one contract in EUR (MSA-2025-004) with monthly rates.
Every one of the ten service categories has at least two providers with a year of
scorecards, and the latest closed month one provider in each standing (``STEADY_QUALITY``).

Fast, because ``start.sh`` waits for it (issue #12): the latest closed month of each contract
and process is imported through the import pipeline, the other months are stored in bulk
(``_generated_reports``), and compliance, savings and scorecards are computed once at the
end with the per-object recomputations paused (``recomputations_paused``). ``--timings``
prints each step's wall and CPU time.

Idempotent: every object is looked up by its natural key (name, reference, metric, report
slot), so a second run changes nothing. Demo users: admin/admin (superuser), ops/ops
(operations), procurement/procurement, reviewer/reviewer (a second procurement reviewer)
and viewer/viewer.
"""

import csv
import datetime as dt
import hashlib
import io
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal as D
from typing import Any, NamedTuple

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal
from django.test import override_settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from contracts.models import Contract, Invoice, Process, ProcessBaseline, ServiceCategory
from core import roles
from core.months import add_months, month_end
from reports import services as report_services
from reports.loaders import COPY_COLUMNS
from reports.models import ReportKind, ReportLayout, VendorReport, WorkItem, report_upload_path
from reports.parsing.samples import ANONYMOUS_BANK_LAYOUT
from reports.parsing.types import WORK_ITEM_FIELDS
from reports.synthetic import synthetic_work_items
from savings import services as savings_services
from savings.models import ExchangeRate
from scorecards.models import ManualRating
from scorecards.review_services import demo_review
from scorecards.services import recompute_scorecards
from slas import services as sla_services
from slas.models import CreditStatement, ServiceLevel
from slas.signals import compliance_recomputed
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
    # The second provider of every category (scorecards rank providers within a category).
    (
        "Kestrel Data Services",
        "Kestrel Data Services Ltd",
        "KE",
        ["KE"],
        "active",
        "low",
        "pii",
        "https://kestrel-data.example",
    ),
    (
        "Mekong Operations Hub",
        "Mekong Operations Hub JSC",
        "VN",
        ["VN"],
        "active",
        "medium",
        "pii",
        "https://mekong-ops.example",
    ),
    (
        "Baltic Insight Labs",
        "Baltic Insight Labs UAB",
        "LT",
        ["LT", "PL"],
        "active",
        "medium",
        "pii",
        "https://baltic-insight.example",
    ),
    (
        "Meridian Employee Services",
        "Meridian Employee Services Ltd",
        "IE",
        ["IE", "PT"],
        "active",
        "low",
        "pii",
        "https://meridian-es.example",
    ),
    (
        "Harbor Knowledge Process",
        "Harbor Knowledge Process Pvt Ltd",
        "IN",
        ["IN"],
        "probation",
        "high",
        "phi",
        "https://harbor-kpo.example",
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
    ("Document indexing", "back-office", "document", "1.40", "Records Management Lead"),
    ("Data annotation", "research-analytics", "case", "2.20", "Head of Data Science"),
    ("Market research surveys", "research-analytics", "case", "12.50", "Head of Consumer Insight"),
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

# Items a month below which a service level has insufficient data: 30 by default; a quality
# score is on the items QA evaluated (about one in ten), so its floor is a QA sample's.
MINIMUM_SAMPLE = {"quality_score": 15}

CONTRACTS = [
    # reference, provider, title, processes, pricing model, prices (for AMOUNTS_FOR_ROWS items a month: amounts
    # not per unit scale with --rows), months since start (dates follow today), term months, auto renew,
    # at risk, earn back
    (
        "MSA-2025-001",
        "Northwind Contact Solutions",
        "Retail voice and chat care",
        ["Retail customer care (voice)", "Customer chat support"],
        "per_unit",
        {"unit_price": "4.10"},
        22,
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
        {"fte_rate": "2150", "fte_count": "3"},
        19,
        24,
        True,
        "10",
        False,
    ),
    (
        "MSA-2025-003",
        "Bharat Process Services",
        "IT service desk",
        ["IT service desk"],
        "hybrid",
        {"fixed_monthly_fee": "7000", "unit_price": "6.50"},
        21,
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
        22,
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
        {"fixed_monthly_fee": "1200"},
        13,
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
        {"fte_rate": "3100", "fte_count": "8.4"},
        17,
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
        20,
        36,
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
        {"fixed_monthly_fee": "300", "unit_price": "0.21"},
        16,
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
        22,
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
        {"fixed_monthly_fee": "28000"},
        14,
        24,
        False,
        "10",
        False,
    ),
    (
        "MSA-2025-011",
        "Kestrel Data Services",
        "Document indexing and data annotation",
        ["Document indexing", "Data annotation"],
        "per_unit",
        {"unit_price": "0.95"},
        18,
        36,
        True,
        "10",
        False,
    ),
    (
        "MSA-2025-012",
        "Mekong Operations Hub",
        "Back-office order handling",
        ["Document indexing", "Order management"],
        "per_unit",
        {"unit_price": "1.95"},
        16,
        36,
        True,
        "10",
        False,
    ),
    (
        "MSA-2025-013",
        "Baltic Insight Labs",
        "Consumer research and content moderation",
        ["Market research surveys", "Content moderation"],
        "per_unit",
        {"unit_price": "5.60"},
        15,
        36,
        False,
        "12",
        False,
    ),
    (
        "MSA-2025-014",
        "Meridian Employee Services",
        "Employee IT and payroll help desk",
        ["IT service desk", "Payroll administration"],
        "per_unit",
        {"unit_price": "7.40"},
        20,
        48,
        True,
        "10",
        True,
    ),
    (
        "MSA-2025-015",
        "Harbor Knowledge Process",
        "Contract review and medical coding",
        ["Contract review", "Medical coding"],
        "per_unit",
        {"unit_price": "19.00"},
        17,
        36,
        False,
        "15",
        False,
    ),
]

# Each contract's business case and currency: (currency, expected billable items a month as a
# multiple of the items per report, expected savings %, retained cost a month, one-time
# transition cost, months it is amortised over). Amounts are for AMOUNTS_FOR_ROWS items a month
# in the contract's currency and scale with --rows, so every run tells the same story: every
# contract saves against its in-house baseline except MSA-2025-008, whose fixed fee was sized
# for three times the volume that came.
BUSINESS_CASES: dict[str, tuple[str, int, str, str, str, int]] = {
    "MSA-2025-001": ("USD", 2, "20", "300", "9000", 24),
    "MSA-2025-002": ("USD", 2, "25", "350", "6000", 12),
    "MSA-2025-003": ("USD", 1, "22", "600", "12000", 24),
    "MSA-2025-004": ("EUR", 1, "30", "250", "5000", 24),
    "MSA-2025-005": ("USD", 1, "20", "100", "3600", 36),
    "MSA-2025-006": ("USD", 2, "20", "900", "18000", 24),
    "MSA-2025-007": ("USD", 1, "30", "200", "4000", 24),
    "MSA-2025-008": ("USD", 3, "25", "100", "2400", 24),
    "MSA-2025-009": ("USD", 2, "30", "500", "20000", 36),
    "MSA-2025-010": ("USD", 1, "25", "1200", "15000", 24),
    "MSA-2025-011": ("USD", 2, "30", "150", "3000", 24),
    "MSA-2025-012": ("USD", 2, "30", "200", "4000", 24),
    "MSA-2025-013": ("USD", 2, "35", "300", "6000", 24),
    "MSA-2025-014": ("USD", 2, "25", "400", "8000", 24),
    "MSA-2025-015": ("USD", 2, "40", "600", "12000", 24),
}
# Price fields that are not per unit of work: they scale with --rows like the volumes do.
SCALED_PRICES = {"fixed_monthly_fee", "fte_count"}
LOSING_CONTRACT = "MSA-2025-008"
# Notice is due within 90 days of today (else it renews itself): it ends at the end of the fifth month from now.
NOTICE_WINDOW_CONTRACT = "MSA-2025-002"
# The vendor's invoice for last month is 12 % above what the contract's prices give.
OVER_INVOICED_CONTRACT, OVER_INVOICE_FACTOR = "MSA-2025-007", D("1.12")
# EUR in the reporting currency (USD), one reference rate per calendar month (rates dated the 1st).
EUR_RATES = (
    "1.0850",
    "1.0790",
    "1.0920",
    "1.0870",
    "1.0810",
    "1.0760",
    "1.0840",
    "1.0950",
    "1.1020",
    "1.0980",
    "1.0910",
    "1.0880",
)
# A revised in-house cost from six months ago (a wage round), derived from FTE figures: 4,260 / 600 = 7.10.
BASELINE_REVISION = ("Retail customer care (voice)", 6, D("4260"), D("600"), "Wage round: in-house agent cost revised")


def scaled(amount: str, rows: int) -> D:
    """An amount given for AMOUNTS_FOR_ROWS items a month, for ``rows`` items (to cents)."""
    return (D(amount) * rows / AMOUNTS_FOR_ROWS).quantize(D("0.01"))


# Work items in each generated monthly report (one report per contract, process and month):
# 300 keeps every service level's sample above its minimum of 30 (a CSAT or quality score
# is on a fraction of the items) while the whole demo is written and computed in seconds.
ROWS_PER_REPORT = 300
# The volume the contracts' amounts (fixed fees, FTEs, retained and transition costs) are
# written for; they scale with the rows generated, so every volume tells the same story.
AMOUNTS_FOR_ROWS = 900


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
    # A second procurement reviewer: manual ratings combine by their median.
    ("reviewer", "reviewer", roles.PROCUREMENT, False),
]

DEMO_PASSWORD_ITERATIONS = 1000

# Receivers that recompute compliance, savings or scorecards after each saved object. The seed
# writes a whole portfolio and computes each of them once at the end, so they are paused while
# it writes (the history receivers of django-simple-history stay on).
PAUSED_RECEIVERS = ("slas.recompute.", "savings.", "scorecards.")


@contextmanager
def recomputations_paused() -> Iterator[None]:
    """Disconnect the per-object recompute receivers (by dispatch uid) for the block."""
    signals = [pre_save, post_save, post_delete, compliance_recomputed]
    kept_out: dict[Signal, list] = {}
    for signal in signals:
        with signal.lock:
            kept_out[signal] = [r for r in signal.receivers if str(r[0][0]).startswith(PAUSED_RECEIVERS)]
            signal.receivers = [r for r in signal.receivers if r not in kept_out[signal]]
            signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in kept_out.items():
            with signal.lock:
                signal.receivers = [*signal.receivers, *receivers]
                signal.sender_receivers_cache.clear()


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
        parser.add_argument("--timings", action="store_true", help="Print how long each step took.")
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Apply the migrations first, in the same process (start.sh: one start of Django, not two).",
        )
        parser.add_argument(
            "--serve",
            metavar="ADDRESS:PORT",
            help="Then serve the portal from this process (runserver, no reloader): start.sh.",
        )

    def handle(self, *args, **options) -> None:
        """Write the portfolio with the per-object recomputations paused, then compute once.

        Compliance (per contract, month by month: credits depend on earlier months), then the
        savings of every demo contract, then the scorecards of every demo provider: each once,
        in bulk, instead of once per imported report.
        """
        today = dt.date.today()
        months, rows = options["months"], options["rows"]
        self._timings: list[tuple[str, float, float]] = []
        self._clock = (time.perf_counter(), time.process_time())
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
            self._lap("migrate")
        with recomputations_paused():
            with transaction.atomic():
                self._users()
                providers = self._providers(today)
                processes = self._processes(rows)
                created = self._contracts(providers, processes, today, rows)
                self._baseline_revision(processes, today)
                self._exchange_rates(today)
                self._layouts()
            self._lap("portfolio")
            reports = self._reports(months, rows)
            self._compliance(months)
            self._over_invoiced_month(today)
            self._lap("compliance")
        demo_contracts = Contract.objects.filter(reference__in=list(BUSINESS_CASES))
        savings_services.recompute_all(contract_ids=demo_contracts.values_list("pk", flat=True))
        self._lap("savings")
        with transaction.atomic():
            self._ratings(providers, today)
            recompute_scorecards(provider_ids=[p.pk for p in providers.values()])
            self._reviews(providers, today)
        self._lap("scorecards")
        if options["timings"]:
            for step, seconds, cpu in self._timings:
                self.stdout.write(f"  {step:<12} {seconds:6.2f} s ({cpu:.2f} s CPU)")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Provider.objects.count()} providers, {Process.objects.count()} processes, "
                f"{Contract.objects.count()} contracts, {ServiceLevel.objects.count()} service levels "
                f"({created} objects created this run); {reports} reports stored this run, "
                f"{VendorReport.objects.filter(status='completed').count()} in all."
            )
        )
        if options["serve"]:
            self._serve(options["serve"])

    def _serve(self, address: str) -> None:
        """Serve from the process that loaded the demo, the way ``runserver --noreload`` would.

        Django, the apps, the URL configuration and the views are imported already (the system
        checks at this command's start imported them): a second process for the server would
        spend about two seconds of a fresh clone's start importing them again. No reloader
        (it would be a second process); run ``manage.py runserver`` to develop with one.
        """
        self.stdout.write(f"Serving on http://{address}/ (log in as admin / admin)")
        self.stdout.flush()
        connection.close()  # the server's threads open their own
        call_command("runserver", address, use_reloader=False, skip_checks=True)

    def _lap(self, step: str) -> None:
        now = (time.perf_counter(), time.process_time())
        self._timings.append((step, now[0] - self._clock[0], now[1] - self._clock[1]))
        self._clock = now

    def _users(self) -> None:
        for username, password, role, superuser in USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": superuser, "is_superuser": superuser}
            )
            if created:
                # The demo's passwords are in the README: a light hash (Django rehashes it with the
                # full iteration count at the first sign-in) instead of a second of PBKDF2 each.
                hasher = PBKDF2PasswordHasher()
                user.password = hasher.encode(password, hasher.salt(), iterations=DEMO_PASSWORD_ITERATIONS)
                user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))

    def _providers(self, today: dt.date) -> dict[str, Provider]:
        """Providers with their certifications, dated from today: only Cape Coast's PCI DSS expires soon."""
        this_month = today.replace(day=1)
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
                    issued_on=add_months(this_month, -20),
                    expires_on=add_months(this_month, 16) - dt.timedelta(days=1),
                )
                if access == "phi":
                    lapsed = name == LAPSED_HIPAA_PROVIDER
                    Certification.objects.create(
                        provider=provider,
                        kind="hipaa",
                        reference="Renewal audit failed: remediation pending" if lapsed else "",
                        issued_on=add_months(this_month, -26 if lapsed else -10),
                        expires_on=add_months(this_month, -2 if lapsed else 14) - dt.timedelta(days=1),
                    )
                if access == "payment_card":
                    Certification.objects.create(
                        provider=provider,
                        kind="pci_dss",
                        reference="QSA attestation, renewal audit pending",
                        issued_on=today - dt.timedelta(days=325),
                        expires_on=today + dt.timedelta(days=40),
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

    def _contracts(
        self, providers: dict[str, Provider], processes: dict[str, Process], today: dt.date, rows: int
    ) -> int:
        """The contracts, dated from today, with their prices and business cases.

        Dates are set when a contract is created; its prices and business case are brought
        up to date on every run (a database seeded by an older demo gets them too).
        """
        created_count = 0
        this_month = today.replace(day=1)
        for ref, provider, title, process_names, pricing, prices, age, months, renew, at_risk, earn_back in CONTRACTS:
            start_date = add_months(this_month, -age)
            currency, volume_factor, savings_percent, retained, transition, amortisation = BUSINESS_CASES[ref]
            terms = {
                **{k: scaled(v, rows) if k in SCALED_PRICES else D(v) for k, v in prices.items()},
                "currency": currency,
                "expected_monthly_volume": volume_factor * rows,
                "expected_savings_percent": D(savings_percent),
                "retained_monthly_cost": scaled(retained, rows),
                "transition_cost": scaled(transition, rows),
                "transition_amortisation_months": amortisation,
            }
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
                    notice_period_days=90,
                    **terms,
                ),
            )
            created_count += created
            changed = [name for name, value in terms.items() if getattr(contract, name) != value]
            if changed:
                for name in changed:
                    setattr(contract, name, terms[name])
                contract.save(update_fields=[*changed, "updated_at"])
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
                        minimum_sample_size=MINIMUM_SAMPLE.get(metric, 30),
                    )
                    if not ServiceLevel.objects.filter(contract=contract, process=process, metric=metric).exists():
                        service_level.full_clean()
                        service_level.save()
                        created_count += 1
        return created_count

    def _baseline_revision(self, processes: dict[str, Process], today: dt.date) -> None:
        """One process's in-house cost revised months ago: later months use it, earlier ones keep theirs."""
        name, months_ago, cost_per_fte_month, units_per_fte_month, note = BASELINE_REVISION
        process = processes[name]
        if process.baselines.exists():
            return
        revision = ProcessBaseline(
            process=process,
            valid_from=add_months(today.replace(day=1), -months_ago),
            cost_per_fte_month=cost_per_fte_month,
            units_per_fte_month=units_per_fte_month,
            currency=process.currency,
            note=note,
        )
        revision.full_clean()  # derives the cost per unit from the FTE figures
        revision.save()

    def _exchange_rates(self, today: dt.date) -> None:
        """A EUR rate for every month from the earliest demo contract's start to this month."""
        first = Contract.objects.filter(reference__in=list(BUSINESS_CASES)).order_by("start_date").first()
        if first is None:
            return
        month, this_month = first.start_date.replace(day=1), today.replace(day=1)
        existing = set(ExchangeRate.objects.filter(currency="EUR").values_list("date", flat=True))
        missing = []
        while month <= this_month:
            if month not in existing:
                rate = D(EUR_RATES[month.month - 1])
                missing.append(
                    ExchangeRate(date=month, currency="EUR", rate=rate, source="Demo monthly reference rate")
                )
            month = add_months(month, 1)
        # Created in bulk before the savings are computed (below), so no recomputation per rate.
        ExchangeRate.objects.bulk_create(missing)

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

        The latest closed month of every contract and process is a real upload imported by
        the import pipeline (its page shows the file, the progress and the rows as parsed);
        the other months are the same kind of generated file, stored as a completed report
        with its records written in bulk (``_generated_reports``), because parsing a year of
        files row by row is what made the demo slow to start. A month's quality follows a
        fixed pattern per contract, so the dashboard always shows met, at-risk and breached
        service levels, and one vendor's KPI summary overstates its service level (a
        discrepancy). Compliance is computed once at the end (``_compliance``).
        """
        today = dt.date.today()
        this_month = today.replace(day=1)
        first = add_months(this_month, -months)
        imported_month = add_months(this_month, -1) if months else this_month
        existing = set(
            VendorReport.objects.filter(kind=ReportKind.WORK_ITEMS).values_list("contract", "process", "period_start")
        )
        generated: list[GeneratedMonth] = []
        imported = 0
        with override_settings(SLA_RECOMPUTE_ON_IMPORT=False):
            for k, contract in enumerate(
                Contract.objects.filter(reference__in=list(BUSINESS_CASES)).order_by("reference")
            ):
                for process in contract.processes.order_by("name"):
                    for i in range(months + 1):
                        month = add_months(first, i)
                        if month < contract.start_date.replace(day=1) or (contract.pk, process.pk, month) in existing:
                            continue
                        partial = month == this_month
                        items = list(
                            synthetic_work_items(
                                rows * today.day // 30 + 30 if partial else rows,
                                month=month,
                                seed=zlib.crc32(f"{contract.reference}/{process.name}/{month}".encode()),
                                quality=month_quality(contract, process, k, i),
                                unit_of_work=process.unit_of_work,
                                days=today.day if partial else None,
                            )
                        )
                        name = f"{process.unit_of_work}-{month:%Y-%m}.csv"
                        if month == imported_month:
                            imported += self._import(contract, process, month, csv_bytes(items), name)
                        else:
                            generated.append(GeneratedMonth(contract, process, month, name, items))
            imported += self._discrepancy(this_month) if months else 0
        self._lap("imports")
        self._generated_reports(generated)
        self._lap("generated")
        return imported + len(generated)

    @transaction.atomic
    def _generated_reports(self, generated: "list[GeneratedMonth]") -> None:
        """Store the generated months as completed reports and write their records in bulk.

        Each report keeps its file (the CSV the records were generated as) and its history
        entry, like an upload; the records go in with one ``COPY`` (PostgreSQL) or one
        ``executemany`` (SQLite) instead of the importer's parse and validate per row.
        """
        if not generated:
            return
        version = report_services.builtin_layout(ReportKind.WORK_ITEMS).current_version
        assert version is not None  # the built-in layout ships with its config
        now = timezone.now()
        reports = []
        for month in generated:
            content = csv_bytes(month.items)
            report = VendorReport(
                contract=month.contract,
                process=month.process,
                kind=ReportKind.WORK_ITEMS,
                period_start=month.month,
                period_end=month_end(month.month),
                layout_version=version,
                original_name=month.name,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                source=VendorReport.Source.CLI,
                status=VendorReport.Status.COMPLETED,
                attempts=1,
                rows_read=len(month.items),
                rows_accepted=len(month.items),
                started_at=now,
                finished_at=now,
            )
            report.file.name = default_storage.save(report_upload_path(report, month.name), ContentFile(content))
            reports.append(report)
        reports = bulk_create_with_history(reports, VendorReport, default_change_reason="Generated demo report")
        stored = {(r.contract_id, r.process_id, r.period_start): r.pk for r in reports}
        write_work_items(
            (stored[(m.contract.pk, m.process.pk, m.month)], m.contract.pk, m.process.pk, m.items) for m in generated
        )

    def _compliance(self, months: int) -> None:
        """Every demo contract's months, oldest first (credits and flags read earlier months)."""
        first = add_months(dt.date.today().replace(day=1), -months)
        for contract in Contract.objects.filter(reference__in=list(BUSINESS_CASES)).order_by("reference"):
            sla_services.recompute_from(contract=contract, month=max(first, contract.start_date.replace(day=1)))

    def _over_invoiced_month(self, today: dt.date) -> None:
        """The vendor's invoice for last month, above what the contract's prices give."""
        contract = Contract.objects.get(reference=OVER_INVOICED_CONTRACT)
        month = add_months(today.replace(day=1), -1)
        statement = CreditStatement.objects.filter(contract=contract, period=month, charges__gt=0).first()
        if statement is not None and not Invoice.objects.filter(contract=contract, period=month).exists():
            assert statement.charges is not None
            Invoice.objects.create(
                contract=contract,
                period=month,
                amount=(statement.charges * OVER_INVOICE_FACTOR).quantize(D("0.01")),
                reference=f"ADO-{month:%Y%m}-0457",
            )
            sla_services.recompute_from(contract=contract, month=month)

    def _ratings(self, providers: dict[str, Provider], today: dt.date) -> None:
        """The reviewers' monthly ratings of relationship and innovation, for the rated providers.

        The procurement user rates every month of the last year; the second reviewer the
        last three months (the two combine by their median). Existing ratings are kept.
        """
        reviewers = {u.username: u for u in User.objects.filter(username__in=["procurement", "reviewer"])}
        this_month = today.replace(day=1)
        existing = set(ManualRating.objects.values_list("provider", "period", "criterion", "reviewer"))
        ratings = []
        for name, (relationship, innovation, comment) in MANUAL_RATINGS.items():
            provider = providers[name]
            for age in range(1, 13):
                period = add_months(this_month, -age)
                for username in ("procurement", "reviewer") if age <= 3 else ("procurement",):
                    reviewer = reviewers[username]
                    wobble = RATING_WOBBLE[(age + len(username)) % len(RATING_WOBBLE)]
                    for criterion, rating in (("relationship", relationship), ("innovation", innovation)):
                        if (provider.pk, period, criterion, reviewer.pk) in existing:
                            continue
                        ratings.append(
                            ManualRating(
                                provider=provider,
                                period=period,
                                criterion=criterion,
                                reviewer=reviewer,
                                rating=D(max(0, min(100, rating + wobble))),
                                comment=comment if age == 1 else "",
                            )
                        )
        bulk_create_with_history(ratings, ManualRating, default_user=reviewers["procurement"])

    def _reviews(self, providers: dict[str, Provider], today: dt.date) -> None:
        """The procurement review story: the provider in the watch standing has its latest closed
        month reviewed and approved with the decision "improvement plan", and that plan is open
        (it shows on the provider page until closed). Made by the demo procurement user.
        """
        latest_closed = add_months(today.replace(day=1), -1)
        demo_review(providers[WATCH_PROVIDER], latest_closed, user=User.objects.get(username="procurement"))

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


class GeneratedMonth(NamedTuple):
    """A generated month of records for a contract and process, stored without the importer."""

    contract: Contract
    process: Process
    month: dt.date
    name: str
    items: list[dict[str, str]]


def csv_bytes(items: list[dict[str, str]]) -> bytes:
    """The canonical CSV of generated work items (what a vendor's file in the canonical layout holds)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=WORK_ITEM_FIELDS)
    writer.writeheader()
    writer.writerows(items)
    return out.getvalue().encode()


_TIMES = frozenset({"received_at", "started_at", "completed_at"})
_NUMBERS = frozenset({"wait_seconds", "handle_seconds", "csat", "csat_scale_max", "quality_score"})
_FLAGS = frozenset({"resolved_first_contact", "accurate"})


def write_work_items(batches: "Iterable[tuple[int, int, int, list[dict[str, str]]]]") -> int:
    """Write generated work items (canonical strings) as typed rows, in bulk; returns the rows written.

    The generator's values are already canonical (ISO times in UTC, dot decimals, true/false),
    so each converts directly; this is the seed's shortcut, not a second importer: uploads
    always go through ``reports.services``.
    """
    sqlite = connection.vendor != "postgresql"
    converters: list[Callable[[str], Any]] = []
    for field in WORK_ITEM_FIELDS:
        if field in _TIMES:
            converters.append(_sqlite_time if sqlite else _aware_time)
        elif field in _NUMBERS:
            converters.append(lambda v: float(v) if v else None)
        elif field in _FLAGS:
            converters.append(lambda v: (v == "true") if v else None)
        else:
            converters.append(lambda v: v or None)
    pairs = list(zip(WORK_ITEM_FIELDS, converters, strict=True))
    rows = [
        (report_id, contract_id, process_id, n, *[convert(item[f]) for f, convert in pairs], "{}")
        for report_id, contract_id, process_id, items in batches
        for n, item in enumerate(items, start=2)  # the file's line (after the header)
    ]
    table = WorkItem._meta.db_table
    if sqlite:
        placeholders = ", ".join(["%s"] * len(COPY_COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(COPY_COLUMNS)}) VALUES ({placeholders})", rows)
    else:
        connection.ensure_connection()
        sql = f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN"
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    return len(rows)


def _aware_time(value: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _sqlite_time(value: str) -> str | None:
    """SQLite keeps times as naive UTC text (what Django's backend writes)."""
    if not value:
        return None
    return str(dt.datetime.fromisoformat(value).astimezone(dt.UTC).replace(tzinfo=None))


def month_quality(contract: Contract, process: Process, k: int, i: int) -> float:
    """The quality of a contract's ``i``-th demo month (``k``: its place among the demo contracts)."""
    steady = STEADY_QUALITY.get(contract.reference, {})
    if process.name in steady:
        return steady[process.name] * QUALITY_WOBBLE[i % len(QUALITY_WOBBLE)]
    return QUALITY[(i + k) % len(QUALITY)]


# Month quality pattern: most months fine, some at risk, some breached.
QUALITY = (1.15, 1.1, 0.93, 1.2, 0.72, 1.1, 1.05)
# The second providers of each category perform steadily (a small wobble month to month), each
# process either well above its service levels or well below them, so that a provider's
# standing does not hang on sampling noise: with cost, risk and the reviewers' ratings, the
# latest closed month has Kestrel strategic, Mekong preferred (its savings fall short of the
# business case), Baltic watch (one process breaching every month: chronic) and Harbor exit
# (both processes breaching, and its HIPAA certification lapsed two months ago).
STEADY_QUALITY: dict[str, dict[str, float]] = {
    "MSA-2025-011": {"Document indexing": 1.2, "Data annotation": 1.2},
    "MSA-2025-012": {"Document indexing": 1.15, "Order management": 1.15},
    "MSA-2025-013": {"Market research surveys": 1.2, "Content moderation": 0.6},
    "MSA-2025-014": {"IT service desk": 1.1, "Payroll administration": 1.1},
    "MSA-2025-015": {"Contract review": 0.6, "Medical coding": 0.6},
}
QUALITY_WOBBLE = (1.0, 1.02, 0.98, 1.01, 0.99)
LAPSED_HIPAA_PROVIDER = "Harbor Knowledge Process"
# In the watch standing: its review is approved with an improvement plan that stays open.
WATCH_PROVIDER = "Baltic Insight Labs"
# Manual ratings (relationship, innovation, the latest month's comment) of the rated providers.
MANUAL_RATINGS: dict[str, tuple[int, int, str]] = {
    "Kestrel Data Services": (92, 88, "Proactive account team; proposed the annotation QA automation."),
    "Mekong Operations Hub": (72, 64, "Responsive, few improvement ideas of its own."),
    "Baltic Insight Labs": (52, 46, "Moderation backlog escalations answered late all quarter."),
    "Meridian Employee Services": (80, 75, ""),
    "Harbor Knowledge Process": (40, 35, "HIPAA renewal missed; remediation plan requested."),
    "Northwind Contact Solutions": (85, 72, "Good partner; chat bot pilot on track."),
    "Andes Digital Operations": (55, 50, "Invoice disputes take weeks to settle."),
}
RATING_WOBBLE = (0, 3, -2, 1, -3, 2)

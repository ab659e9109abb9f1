"""Reads of categories, processes and contracts, scoped to the requesting user."""

import datetime as dt

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, QuerySet

from contracts.models import Contract, Invoice, Process, ProcessBaseline, ServiceCategory
from core.scoping import visible_to


def category_list(*, user: User | AnonymousUser) -> QuerySet[ServiceCategory]:
    return visible_to(
        ServiceCategory.objects.annotate(process_count=Count("processes")).order_by("name"), user, provider_path=None
    )


def process_list(*, user: User | AnonymousUser) -> QuerySet[Process]:
    queryset = (
        Process.objects.select_related("category")
        .annotate(contract_count=Count("contracts", distinct=True))
        .order_by("name")
    )
    # A process is shared reference data, but vendor staff will only see processes they deliver.
    return visible_to(queryset, user, provider_path="contracts__provider")


def contract_list(*, user: User | AnonymousUser) -> QuerySet[Contract]:
    queryset = (
        Contract.objects.select_related("provider", "previous_term", "next_term")
        .prefetch_related("processes", "provider__certifications")
        .annotate(service_level_count=Count("service_levels", distinct=True))
        .order_by("reference")
    )
    return visible_to(queryset, user, provider_path="provider")


def contracts_needing_notice(*, user: User | AnonymousUser, today: dt.date, within_days: int = 120) -> list[Contract]:
    """Active contracts whose notice deadline falls in the next ``within_days`` days.

    The deadline depends on each contract's own notice period, so it is computed per row
    on the (small) set of contracts ending within the window plus the longest notice.
    """
    candidates = contract_list(user=user).filter(
        status=Contract.Status.ACTIVE, end_date__gte=today, end_date__lte=today + dt.timedelta(days=within_days + 730)
    )
    due = [
        c
        for c in candidates
        if c.notice_deadline and today <= c.notice_deadline <= today + dt.timedelta(days=within_days)
    ]
    return sorted(due, key=lambda c: c.notice_deadline or today)


def process_baseline_list(*, user: User | AnonymousUser) -> QuerySet[ProcessBaseline]:
    queryset = ProcessBaseline.objects.select_related("process").order_by("process__name", "-valid_from")
    return visible_to(queryset, user, provider_path=None)


def invoice_list(*, user: User | AnonymousUser) -> QuerySet[Invoice]:
    queryset = Invoice.objects.select_related("contract__provider").order_by("-period", "contract__reference")
    return visible_to(queryset, user, provider_path="contract__provider")

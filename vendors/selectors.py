"""Reads of providers, contacts and certifications, always scoped to the requesting user."""

import datetime as dt

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet

from core.scoping import visible_to
from vendors.models import Certification, Contact, Provider


def provider_list(*, user: User | AnonymousUser) -> QuerySet[Provider]:
    """Providers with their contract counts (for the list's sortable column)."""
    queryset = Provider.objects.annotate(
        contract_count=Count("contracts", distinct=True),
        # Active by its dates too: a contract that ended is not counted however it is stored.
        active_contract_count=Count(
            "contracts",
            filter=Q(contracts__status="active", contracts__end_date__gte=dt.date.today()),
            distinct=True,
        ),
    ).order_by("name")
    queryset = queryset.prefetch_related("certifications")  # the certification flags (vendors.certifications)
    return visible_to(queryset, user, provider_path="")


def contact_list(*, user: User | AnonymousUser) -> QuerySet[Contact]:
    return visible_to(Contact.objects.select_related("provider"), user, provider_path="provider")


def certification_list(*, user: User | AnonymousUser) -> QuerySet[Certification]:
    return visible_to(Certification.objects.select_related("provider"), user, provider_path="provider")


def certifications_expiring(
    *, user: User | AnonymousUser, today: dt.date, within_days: int = 90
) -> QuerySet[Certification]:
    """Certifications that expire in the next ``within_days`` days (for the dashboard)."""
    return (
        certification_list(user=user)
        .filter(expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=within_days))
        .order_by("expires_on")
    )

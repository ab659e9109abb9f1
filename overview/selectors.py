"""Reads that span apps: the dashboard's summary figures."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from contracts.models import Contract
from contracts.selectors import contract_list, contracts_needing_notice
from core.months import add_months, month_start
from reminders.selectors import open_reminders
from savings.selectors import dashboard_invoice_discrepancies, portfolio_savings
from slas.selectors import dashboard_compliance, service_level_list
from vendors.certifications import REQUIRED_BY_DATA_ACCESS, certification_problems
from vendors.models import Provider
from vendors.selectors import certifications_expiring, provider_list


def dashboard_summary(*, user: User | AnonymousUser, today: dt.date) -> dict[str, Any]:
    """Portfolio counts and upcoming deadlines for the dashboard."""
    providers = provider_list(user=user)
    this_month = month_start(today)
    return {
        "savings": portfolio_savings(user=user),
        "invoice_discrepancies": dashboard_invoice_discrepancies(user=user),
        "compliance": dashboard_compliance(user=user, months=[this_month, add_months(this_month, -1)]),
        "provider_count": providers.count(),
        "active_provider_count": providers.filter(status=Provider.Status.ACTIVE).count(),
        "probation_providers": list(providers.filter(status=Provider.Status.PROBATION)),
        "active_contract_count": contract_list(user=user)
        .filter(status=Contract.Status.ACTIVE, end_date__gte=today)
        .count(),
        "service_level_count": service_level_list(user=user).count(),
        "notice_due": contracts_needing_notice(user=user, today=today),
        "certifications_expiring": list(certifications_expiring(user=user, today=today)),
        **certification_flags(user=user, today=today),
        "reminders": open_reminders(user=user),  # unacknowledged, until someone acknowledges them
    }


def certification_flags(*, user: User | AnonymousUser, today: dt.date) -> dict[str, Any]:
    """Providers lacking a certification their data access requires, and the renewals that wait on an override.

    Only providers with such a data access are read (``vendors.certifications``); an active
    auto-renewing contract of theirs is not renewed by the daily run, so it is listed here.
    """
    flagged = [
        (provider, problems)
        for provider in provider_list(user=user).filter(data_access__in=list(REQUIRED_BY_DATA_ACCESS))
        if (problems := certification_problems(provider, on=today))
    ]
    held = (
        contract_list(user=user)
        .filter(status=Contract.Status.ACTIVE, auto_renew=True, provider__in=[p for p, _ in flagged])
        .order_by("end_date")
    )
    return {"certification_problems": flagged, "renewals_needing_override": list(held)}

"""Which certifications a provider's data access requires, and what is wrong with the ones it holds.

Pure functions over a provider and its certifications (the caller prefetches
``certifications`` to keep a list page to one query). A provider that handles health data
needs HIPAA, one that handles payment card data needs PCI DSS; a required certification
that is missing or not valid on the day is a *problem*: it is flagged on every page that
shows the provider or its contracts, and renewing the provider's contracts then needs an
explicit override with a reason (``contracts.lifecycle``).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from vendors.models import Certification, Provider

# Data-access level → the certification kinds it requires.
REQUIRED_BY_DATA_ACCESS: dict[str, tuple[str, ...]] = {
    Provider.DataAccess.PHI: (Certification.Kind.HIPAA,),
    Provider.DataAccess.PAYMENT_CARD: (Certification.Kind.PCI_DSS,),
}


@dataclass(frozen=True)
class CertificationProblem:
    """A required certification that does not cover the day: ``state`` is "expired" or "missing"."""

    kind: str
    state: str

    @property
    def label(self) -> str:
        return f"{Certification.Kind(self.kind).label} {self.state}"

    def __str__(self) -> str:
        return self.label


def required_certifications(provider: Provider) -> tuple[str, ...]:
    """The certification kinds the provider's data-access level requires (may be none)."""
    return REQUIRED_BY_DATA_ACCESS.get(provider.data_access, ())


def certification_problems(
    provider: Provider, *, on: dt.date, certifications: Iterable[Certification] | None = None
) -> list[CertificationProblem]:
    """The required certifications that do not cover ``on``: expired (held before) or missing.

    ``certifications`` defaults to the provider's own (``provider.certifications.all()``,
    which a prefetch serves without a query).
    """
    required = required_certifications(provider)
    if not required:
        return []
    held = list(provider.certifications.all() if certifications is None else certifications)
    problems = []
    for kind in required:
        of_kind = [c for c in held if c.kind == kind]
        if any(c.is_valid_on(on) for c in of_kind):
            continue
        problems.append(CertificationProblem(kind, "expired" if of_kind else "missing"))
    return problems

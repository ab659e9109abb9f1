"""Find one object by its id or by the key people use for it (a contract's reference).

Responses show references and names; routes and filters accept them as well as ids, so a
client never has to look an id up first (``/api/v1/contracts/MSA-2025-001/``).
"""

from collections.abc import Sequence

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404


def as_id(value: str) -> int | None:
    """``value`` as an id if it is one (ASCII digits only: ``"4³"`` or ``"٤"`` are not ids)."""
    return int(value) if value.isascii() and value.isdigit() else None


def key_condition(value: str, keys: Sequence[str], *, lookup: str = "exact") -> Q:
    """``pk`` (when ``value`` is a number) or any of ``keys`` equal to ``value``."""
    pk = as_id(value)
    condition = Q(pk=pk) if pk is not None else Q(pk__in=[])
    for key in keys:
        condition |= Q(**{f"{key}__{lookup}": value})
    return condition


def get_by_key_or_404(queryset: QuerySet, value: str, keys: Sequence[str]) -> models.Model:
    """The object of ``queryset`` whose id or one of ``keys`` is ``value``, else 404.

    An id wins over a key that happens to be the same digits.
    """
    value = str(value)
    if not value or "\x00" in value:
        raise Http404(f"No {queryset.model._meta.verbose_name} matches {value!r}.")
    if (pk := as_id(value)) is not None:
        found = queryset.filter(pk=pk).first()
        if found is not None:
            return found
    for key in keys:
        found = queryset.filter(**{key: value}).first()
        if found is not None:
            return found
    raise Http404(f"No {queryset.model._meta.verbose_name} matches {value!r}.")

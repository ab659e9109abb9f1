"""Writes shared by every app: validate, then save, in one transaction."""

from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def model_save(instance: M, *, many_to_many: dict[str, Iterable] | None = None) -> M:
    """Run ``full_clean`` and save ``instance`` (and its many-to-many values).

    Both the browser forms and the API end here, so model rules (``clean()``, field
    validators, constraints) hold whichever way data comes in.
    """
    instance.full_clean()
    instance.save()
    for name, values in (many_to_many or {}).items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def model_delete(instance: models.Model) -> None:
    """Delete ``instance``; a protected reference becomes a validation error, not a 500."""
    try:
        instance.delete()
    except ProtectedError as exc:
        names = sorted({str(obj) for obj in exc.protected_objects})[:5]
        raise ValidationError(f"{instance} cannot be deleted while these refer to it: {', '.join(names)}.") from exc

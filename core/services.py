"""Writes shared by every app: validate, then save, in one transaction."""

from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError

M = TypeVar("M", bound=models.Model)


class ConcurrentChangeError(ValidationError):
    """The rows a write depends on changed under it (the API answers 409: try again)."""


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
    """Delete ``instance``; a protected reference becomes a validation error, not a 500.

    The referring rows are named in the message; one deleted meanwhile by another request
    (its ``__str__`` then reads a row that is gone) makes it a ``ConcurrentChangeError``.
    """
    try:
        instance.delete()
    except ProtectedError as exc:
        names, vanished = set(), False
        for obj in exc.protected_objects:
            try:
                names.add(str(obj))
            except ObjectDoesNotExist:
                vanished = True
                names.add(f"{obj._meta.verbose_name} #{obj.pk}")
        shown = ", ".join(sorted(names)[:5])
        message = f"{_label(instance)} cannot be deleted while these refer to it: {shown}."
        if vanished:
            raise ConcurrentChangeError(
                f"{message} Some of them were being deleted at the same time; try again.", code="conflict"
            ) from exc
        raise ValidationError(message) from exc


def _label(instance: models.Model) -> str:
    try:
        return str(instance)
    except ObjectDoesNotExist:
        return f"{instance._meta.verbose_name} #{instance.pk}"

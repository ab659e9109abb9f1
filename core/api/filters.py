"""Filter backends that refuse what they do not understand.

DRF and django-filter ignore a query parameter they do not know (``?bogus=1``, a typo such
as ``?contarct=MSA-1``) and ``OrderingFilter`` ignores an unknown ``?ordering=``: the client
gets the whole, unfiltered list and cannot tell. Here every list answers 400 naming the
parameter. What a view accepts is read from the view itself (its FilterSet's fields, its
pagination's and ordering's parameters, plus ``extra_query_params`` for hand-read ones), so
a new FilterSet or viewset is covered without listing anything twice.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.settings import api_settings


def filterset_query_params(filterset_class: Any) -> set[str]:
    """The query parameter names a FilterSet reads (``name``, or ``name_min``/``name_max`` for ranges)."""
    names: set[str] = set()
    for name, filter_ in getattr(filterset_class, "base_filters", {}).items():
        suffixes = getattr(filter_.field_class.widget, "suffixes", None)
        if suffixes:
            names.update(f"{name}_{suffix}" if suffix else name for suffix in suffixes)
        else:
            names.add(name)
    return names


def allowed_query_params(view: Any, queryset: QuerySet | None = None) -> set[str]:
    """Every query parameter ``view`` understands."""
    allowed = {api_settings.URL_FORMAT_OVERRIDE, *getattr(view, "extra_query_params", ())}
    for backend in getattr(view, "filter_backends", ()):
        if issubclass(backend, DjangoFilterBackend):
            allowed |= filterset_query_params(backend().get_filterset_class(view, queryset))
        if param := getattr(backend, "ordering_param", None):
            allowed.add(param)
        if param := getattr(backend, "search_param", None):
            allowed.add(param)
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        if hasattr(paginator, "query_params"):
            allowed |= paginator.query_params()
        else:
            allowed |= {
                getattr(paginator, name)
                for name in ("page_query_param", "page_size_query_param", "cursor_query_param")
                if getattr(paginator, name, None)
            }
    return {name for name in allowed if name}


def check_query_params(request: Request, allowed: Iterable[str]) -> None:
    """400 naming every query parameter not in ``allowed``."""
    allowed = set(allowed)
    unknown = sorted(name for name in request.query_params if name not in allowed)
    if unknown:
        accepted = ", ".join(sorted(allowed))
        message = f"Unknown query parameter. This endpoint accepts: {accepted}."
        raise ValidationError({name: [message] for name in unknown})


class StrictDjangoFilterBackend(DjangoFilterBackend):
    """django-filter's backend, plus a 400 for any query parameter the view does not read.

    A malformed value of a known filter (``?period_from=1999-13``) is already a 400 with
    the parameter named: the FilterSet's form errors (``raise_exception`` is on).
    """

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:  # type: ignore[override]  # DRF passes a Request
        check_query_params(request, allowed_query_params(view, queryset))
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` that answers 400 on a field it does not offer, and lists them in the schema."""

    def get_ordering(self, request: Request, queryset: QuerySet, view: Any):
        raw = request.query_params.get(self.ordering_param)
        if raw:
            terms = [term.strip() for term in raw.split(",") if term.strip()]
            valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [term for term in terms if term.lstrip("-") not in valid]
            if unknown or not terms:
                offered = ", ".join(sorted(valid)) or "none"
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Cannot order by {', '.join(unknown) or repr(raw)}. Order by one or more of: "
                            f"{offered} (comma-separated, `-` for descending)."
                        ]
                    }
                )
        ordering = super().get_ordering(request, queryset, view)
        # The client's order replaces the list's own, and with it the id its selectors end on:
        # rows equal on the client's fields (two service levels of one metric) could swap
        # between two page reads. The id breaks the tie, as in the default order.
        if raw and ordering and not {term.lstrip("-") for term in ordering} & {"pk", "id"}:
            ordering = [*ordering, "pk"]
        return ordering

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        fields = getattr(view, "ordering_fields", None)
        if not isinstance(fields, list | tuple):
            return super().get_schema_operation_parameters(view)
        names = [field if isinstance(field, str) else field[0] for field in fields]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Order by these fields, comma-separated; `-` before a field for descending. "
                "Any other value answers 400.",
                "schema": {
                    "type": "array",
                    "items": {"type": "string", "enum": [*names, *(f"-{name}" for name in names)]},
                },
                "style": "form",
                "explode": False,
            }
        ]

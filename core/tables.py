"""django-tables2 columns that write numbers the way every page does (``core.formatting``).

A table cell and a detail page must not disagree about a value (``85.0000`` in the list,
``85.00 %`` on the page), so the columns below format with the same functions as the
template filters. The unit or currency comes from the row: ``MeasureColumn(metric="metric")``
reads the row's metric code, ``MoneyColumn(currency="contract__currency")`` its currency.
"""

from typing import Any

import django_tables2 as tables
from django_tables2.data import TableQuerysetData
from django_tables2.utils import Accessor

from core import formatting


class PortalTable(tables.Table):
    """Every list page's table: a sort by a column ends on the id.

    A column sort replaces the list's own order, and with it the id its selector ends on:
    rows equal on the column (two reports of one status) could swap between two page reads,
    one shown twice and one never. The id breaks the tie, as ``?ordering=`` does in the API.
    """

    @property
    def order_by(self) -> Any:
        return self._order_by

    @order_by.setter
    def order_by(self, value: Any) -> None:
        tables.Table.order_by.fset(self, value)
        data = self.data
        if self._order_by and isinstance(data, TableQuerysetData):
            ordering = list(data.data.query.order_by)
            if ordering and not {str(term).lstrip("-") for term in ordering} & {"pk", "id"}:
                data.data = data.data.order_by(*ordering, "pk")


class _FormattedColumn(tables.Column):
    """A column whose value is formatted per row; empty values show "—" like the pages do."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", formatting.MISSING)
        kwargs.setdefault("attrs", {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}})
        super().__init__(*args, **kwargs)

    def value(self, record: Any, value: Any) -> Any:
        """The raw value for exports (CSV keeps numbers as numbers)."""
        return value


class MeasureColumn(_FormattedColumn):
    """A measured value with its metric's unit: ``52.08 %``, ``40.8 s``."""

    def __init__(self, *args: Any, metric: str = "metric", **kwargs: Any) -> None:
        self.metric = Accessor(metric)
        super().__init__(*args, **kwargs)

    def render(self, value: Any, record: Any) -> str:
        return formatting.measure(value, self.metric.resolve(record))


class MoneyColumn(_FormattedColumn):
    """An amount with its currency: ``7,656.75 EUR``."""

    def __init__(self, *args: Any, currency: str = "currency", **kwargs: Any) -> None:
        self.currency = Accessor(currency)
        super().__init__(*args, **kwargs)

    def render(self, value: Any, record: Any) -> str:
        return formatting.money(value, self.currency.resolve(record))


class PriceColumn(MoneyColumn):
    """A unit price with the decimals it has (at least 2) and its currency: ``0.215 USD``."""

    def render(self, value: Any, record: Any) -> str:
        return formatting.price(value, self.currency.resolve(record))


class PercentColumn(_FormattedColumn):
    """A percentage: ``40.00 %``."""

    def render(self, value: Any) -> str:
        return formatting.percent(value)


class CountColumn(_FormattedColumn):
    """A count with grouped thousands: ``33,337``."""

    def render(self, value: Any) -> str:
        return formatting.count(value)


class NumberColumn(_FormattedColumn):
    """A plain number without trailing zeros: ``1``, ``1.5``."""

    def render(self, value: Any) -> str:
        return formatting.significant(value)

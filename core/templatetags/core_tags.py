"""Small template helpers used by the shared form and list templates, and number formatting.

The number filters (``measure``, ``percent``, ``money``, ``count``) are thin wrappers of
``core.formatting``, which the django-tables2 columns use too, so a value reads the same
on every page: ``{{ result.actual|measure:sla.metric }}`` → ``52.08 %``,
``{{ statement.total_credit|money:contract.currency }}`` → ``7,656.75 EUR``.
"""

import datetime as dt
import zoneinfo

from django import template
from django.forms import BoundField
from django.utils import timezone

from core import formatting

register = template.Library()


@register.filter
def widget_type(field: BoundField) -> str:
    """The widget's class name in lower case, e.g. ``checkboxinput`` or ``select``."""
    return field.field.widget.__class__.__name__.lower()


@register.filter
def add_class(field: BoundField, css: str) -> str:
    """Render a bound field with extra CSS classes (``is-invalid`` added on errors)."""
    classes = [css, field.field.widget.attrs.get("class", "")]
    if field.errors:
        classes.append("is-invalid")
    return field.as_widget(attrs={"class": " ".join(c for c in classes if c)})


@register.simple_tag(takes_context=True)
def query_replace(context: template.Context, **kwargs: object) -> str:
    """The current query string with some parameters replaced (keeps filters when paging)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        params[key] = value
    return params.urlencode()


@register.filter
def as_json(value: object) -> str:
    """Pretty-printed JSON, for showing stored configs."""
    import json

    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """``mapping[key]`` in a template (None when missing)."""
    return mapping.get(key) if mapping else None


@register.filter
def measure(value: object, unit_or_metric: str) -> str:
    """A measured value with the unit of a catalogue unit or metric code: ``52.08 %``, ``40.8 s``."""
    return formatting.measure(value, unit_or_metric)


@register.filter
def percent(value: object) -> str:
    """A percentage with 2 decimals: ``12.73 %``."""
    return formatting.percent(value)


@register.filter
def money(value: object, currency: str = "") -> str:
    """An amount with 2 decimals, grouped thousands and its currency: ``7,656.75 EUR``."""
    return formatting.money(value, currency)


@register.filter
def duration(value: dt.timedelta | None) -> str:
    return formatting.duration(value)


@register.filter
def count(value: object) -> str:
    """A whole number with grouped thousands: ``33,337``."""
    return formatting.count(value)


@register.filter
def metric_parameters(parameters: dict | None, metric_code: str) -> str:
    """A service level's parameters with the catalogue's labels, not their field names."""
    return formatting.metric_parameters(parameters, metric_code)


@register.filter
def price(value: object, currency: str = "") -> str:
    """A unit price with the decimals it has (at least 2) and its currency: ``0.215 USD``."""
    return formatting.price(value, currency)


@register.filter
def number(value: object) -> str:
    """A plain number without trailing zeros, thousands grouped: ``42``, ``2.5``, ``1,250``."""
    return formatting.significant(value)


@register.filter
def in_zone(value: dt.datetime | None, zone: dt.tzinfo | str | None) -> str:
    """An instant as wall-clock time in ``zone``, labelled with it: ``2026-10-03 14:05 (Europe/Lisbon)``.

    Contracts measure their months in their own time zone, so their times are shown in it
    too, and say which zone they are in (the server keeps UTC). ``{{ value|in_zone:contract.time_zone }}``.
    """
    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    if zone in (None, ""):
        zone = timezone.get_current_timezone()
    elif not isinstance(zone, dt.tzinfo):
        try:
            zone = zoneinfo.ZoneInfo(str(zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return f"{value:%Y-%m-%d %H:%M %Z}".strip()
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    label = getattr(zone, "key", None) or str(zone)
    return f"{value.astimezone(zone):%Y-%m-%d %H:%M} ({label})"

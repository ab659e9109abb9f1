"""Panels that higher apps add to a lower app's detail page.

A contract's page shows its compliance (``slas``) and, later, its savings; a provider's page
its scorecard. The page itself belongs to the lower app, which must not import the apps
above it, so those apps *register* a panel here (in their ``AppConfig.ready``) and the
generic detail view renders every panel registered for its model, in order. This is the
pattern NetBox uses for plugin template extensions.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    """A block of a detail page: ``template`` rendered with what ``context`` returns.

    ``context(request, obj)`` returns the panel's template context, or None to leave the
    panel out (no permission, nothing to show). ``order`` sorts panels on the page.
    """

    name: str
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]  # the object: a model of the page
    order: int = 100


_PANELS: dict[str, list[Panel]] = {}


def register_panel(model_label: str, panel: Panel) -> None:
    """Add ``panel`` to the detail page of ``model_label`` (``"contracts.contract"``); idempotent by name."""
    panels = [p for p in _PANELS.get(model_label, []) if p.name != panel.name]
    _PANELS[model_label] = sorted([*panels, panel], key=lambda p: p.order)


def panels_for(model_label: str) -> list[Panel]:
    return list(_PANELS.get(model_label, []))


def render_context(request: HttpRequest, obj: models.Model) -> list[dict[str, Any]]:
    """The panels to show for ``obj``: each its template and its context."""
    rendered = []
    for panel in panels_for(obj._meta.label_lower):
        context = panel.context(request, obj)
        if context is not None:
            rendered.append({"name": panel.name, "template": panel.template, "context": context})
    return rendered

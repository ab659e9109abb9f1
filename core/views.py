"""Generic object views shared by every app (list, detail, create, edit, delete).

An app's ``views.py`` subclasses these and names its selector, FilterSet, table and form;
the templates under ``templates/generic/`` render them all alike, NetBox-style.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, path, reverse
from django.utils.encoding import force_str
from django.views import generic
from django_filters.views import FilterView
from django_htmx.middleware import HtmxDetails
from django_tables2 import SingleTableMixin
from django_tables2.rows import BoundRow

from core.audit import audit_entries, is_audited
from core.auth import TokenAuthMixin
from core.panels import render_context
from core.services import model_delete
from core.spreadsheets import streamed_csv

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination


class HtmxHttpRequest(HttpRequest):
    """The request as django-htmx's middleware leaves it (for type hints)."""

    htmx: HtmxDetails


def _perm(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def _route(model: type[models.Model], suffix: str, *args: Any) -> str | None:
    """The URL of a model's standard route, or None where the model does not offer it."""
    try:
        return reverse(f"{model._meta.app_label}:{model._meta.model_name}{suffix}", args=args)
    except NoReverseMatch:
        return None


class ObjectMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Resolves the model, its selector and the permission the view needs."""

    model: type[models.Model]
    selector: Callable[..., QuerySet]
    action = "view"
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_permission_required(self) -> tuple[str]:
        return (_perm(self.model, self.action),)

    def get_queryset(self) -> QuerySet:
        return self.selector(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]  # a mixin of Django's views
        meta = self.model._meta
        context.update(
            verbose_name=meta.verbose_name,
            verbose_name_plural=meta.verbose_name_plural,
            list_url=_route(self.model, "_list"),
            add_url=_route(self.model, "_add"),
            can_add=self.request.user.has_perm(_perm(self.model, "add")),
            can_change=self.request.user.has_perm(_perm(self.model, "change")),
            can_delete=self.request.user.has_perm(_perm(self.model, "delete")),
        )
        return context


class ObjectListView(TokenAuthMixin, ObjectMixin, SingleTableMixin, FilterView):  # type: ignore[misc]
    """Filter form, sortable table and pagination over the selector's queryset.

    ``?export=csv`` (the page's "Export CSV" link, which keeps the filter and the sort)
    answers the whole filtered list as CSV instead: every page, the table's columns as
    plain values, streamed, formula-safe. An API token opens it as well as a session.
    """

    template_name = "generic/object_list.html"
    paginate_by = 25
    export_parameter = "export"

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"request": self.request}

    def get_filterset_kwargs(self, filterset_class: type) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_filterset_kwargs(filterset_class)
        if kwargs.get("data") and self.export_parameter in kwargs["data"]:
            kwargs["data"] = kwargs["data"].copy()  # the export switch is not a filter
            del kwargs["data"][self.export_parameter]
        return kwargs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:  # type: ignore[override]
        if request.GET.get(self.export_parameter) == "csv":
            return self.export_csv()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query[self.export_parameter] = "csv"
        context["export_url"] = f"{self.request.path}?{query.urlencode()}"
        return context

    def export_csv(self) -> StreamingHttpResponse:
        """The filtered, sorted list as CSV, read from the database in chunks."""
        filterset_class = self.get_filterset_class()
        assert filterset_class is not None  # every list names its FilterSet
        filterset = self.get_filterset(filterset_class)
        queryset = filterset.qs
        if filterset.is_bound and not filterset.is_valid() and self.get_strict():
            queryset = queryset.none()  # as FilterView lists it: an invalid strict filter lists nothing
        table = self.get_table_class()(queryset, **self.get_table_kwargs())
        table.order_by = self.request.GET.get(table.prefixed_order_by_field)
        columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
        ordered = table.data.data  # the queryset in the table's order

        def values() -> Iterator[list[Any]]:
            yield [force_str(column.header, strings_only=True) for column in columns]
            for record in ordered.iterator(chunk_size=2000):
                row = BoundRow(record, table=table)
                yield [force_str(row.get_cell_value(column.name), strings_only=True) for column in columns]

        return streamed_csv(values(), f"{self.model._meta.verbose_name_plural}.csv".replace(" ", "-"))

    def paginate_queryset(self, queryset: "_SupportsPagination[Any]", page_size: int) -> tuple:
        """A page that is not a number or past the end shows the first or last page, with a message.

        Django's list view answers such a page with its 404 page; the table (django-tables2)
        already falls back the same way, so the list and its message agree.
        """
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        raw = self.request.GET.get(self.page_kwarg) or 1
        try:
            page = paginator.page(raw)
        except PageNotAnInteger:
            messages.warning(self.request, f"“{raw}” is not a page number; showing the first page.")
            page = paginator.page(1)
        except EmptyPage:
            messages.warning(
                self.request, f"There is no page {raw} (there are {paginator.num_pages}); showing the last page."
            )
            page = paginator.page(paginator.num_pages)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_template_names(self) -> list[str]:
        if cast(HtmxHttpRequest, self.request).htmx:
            return ["generic/object_table.html"]
        return [self.template_name]


class ObjectDetailView(ObjectMixin, generic.DetailView):
    """One object; apps override ``template_name`` to show related objects."""

    template_name = "generic/object_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["panels"] = render_context(self.request, self.object)
        if is_audited(self.model):
            context["audit_entries"] = audit_entries(self.object, limit=20)
        meta = self.model._meta
        for action in ("edit", "delete"):
            try:
                context[f"{action}_url"] = reverse(
                    f"{meta.app_label}:{meta.model_name}_{action}", args=[self.object.pk]
                )
            except NoReverseMatch:
                context[f"{action}_url"] = None
        return context


class ObjectEditView(ObjectMixin, generic.UpdateView):
    """Create (no ``pk`` in the URL) or edit an object with a ``ModelForm``."""

    template_name = "generic/object_edit.html"

    def get_permission_required(self) -> tuple[str]:
        return (_perm(self.model, "change" if "pk" in self.kwargs else "add"),)

    def get_object(self, queryset: QuerySet | None = None) -> models.Model | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_initial(self) -> dict[str, Any]:
        # Prefill from the query string, e.g. "Add service level" on a contract page.
        initial = super().get_initial()
        form_fields = self.get_form_class().base_fields
        initial.update({k: v for k, v in self.request.GET.items() if k in form_fields})
        return initial

    def form_valid(self, form) -> HttpResponse:
        try:
            with transaction.atomic():
                self.object = form.save()
        except ValidationError as exc:  # a rule only the service can check
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        verb = "Updated" if "pk" in self.kwargs else "Created"
        messages.success(self.request, f"{verb} {self.model._meta.verbose_name} “{self.object}”.")
        return HttpResponseRedirect(self.object.get_absolute_url())


class ObjectDeleteView(ObjectMixin, generic.DeleteView):
    """Confirm, then delete; a protected object explains what still refers to it."""

    template_name = "generic/object_confirm_delete.html"
    action = "delete"

    def form_valid(self, form) -> HttpResponse:
        obj = self.get_object()
        try:
            model_delete(obj)
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return HttpResponseRedirect(obj.get_absolute_url())
        messages.success(self.request, f"Deleted {self.model._meta.verbose_name} “{obj}”.")
        return HttpResponseRedirect(reverse(f"{self.model._meta.app_label}:{self.model._meta.model_name}_list"))


@dataclass
class ObjectViews:
    """The five standard browser routes of one model: list, add, detail, edit, delete.

    ``detail_view`` may be a subclass of :class:`ObjectDetailView` that adds related
    objects to the page; everything else is configured by naming the model's selector,
    FilterSet, table and form.
    """

    model: type[models.Model]
    selector: Callable[..., QuerySet]
    filterset: type
    table: type
    form: type
    detail_view: type[ObjectDetailView] = ObjectDetailView
    edit_view: type[ObjectEditView] = ObjectEditView

    def _view(self, base: type, **attrs: Any):
        attrs = {"model": self.model, "selector": staticmethod(self.selector), **attrs}
        return cast("type[generic.View]", type(f"{self.model.__name__}{base.__name__}", (base,), attrs)).as_view()

    def urls(self, prefix: str) -> list:
        name = self.model._meta.model_name
        edit = self._view(self.edit_view, form_class=self.form)
        return [
            path(
                f"{prefix}/",
                self._view(ObjectListView, filterset_class=self.filterset, table_class=self.table),
                name=f"{name}_list",
            ),
            path(f"{prefix}/add/", edit, name=f"{name}_add"),
            path(f"{prefix}/<int:pk>/", self._view(self.detail_view), name=name),
            path(f"{prefix}/<int:pk>/edit/", edit, name=f"{name}_edit"),
            path(f"{prefix}/<int:pk>/delete/", self._view(ObjectDeleteView), name=f"{name}_delete"),
        ]


def stored_file_response(stored, filename: str) -> FileResponse:
    """Send a stored file as a download; a missing one is a 404 with a reason, not a 500."""
    if not stored:
        raise Http404("No such file for this object.")
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing from the media storage; ask an administrator.") from None
    return FileResponse(handle, as_attachment=True, filename=filename)

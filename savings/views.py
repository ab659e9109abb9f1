"""Browser pages of savings: the portfolio page (chart, totals, breakdown, exports), the
contract page's savings panel, and exchange rates."""

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header

from contracts.models import CURRENCY_CHOICES
from core.views import ObjectListView, ObjectViews
from savings import exports, filtersets, forms, selectors, services, tables
from savings.models import ExchangeRate, SavingsResult
from slas.views import contract_page_window

MAX_RATE_FILE_BYTES = 1024 * 1024


def monthly_series(results) -> dict[str, Any]:
    """The chart's data: per month Σ baseline, Σ net cost, Σ savings, Σ projected, and the
    cumulative realised and projected savings, over the months with figures."""
    per_month = (
        results.filter(status=SavingsResult.Status.OK)
        .order_by()
        .values("period")
        .annotate(
            baseline=Sum("baseline_cost"),
            net=Sum("net_cost"),
            savings=Sum("savings"),
            projected=Sum("projected_savings"),
        )
        .order_by("period")
    )
    series: dict[str, Any] = {k: [] for k in ("labels", "baseline", "net", "savings", "projected")}
    series.update(cumulative=[], cumulative_projected=[])
    realised = projected = Decimal("0")
    for row in per_month:
        series["labels"].append(f"{row['period']:%Y-%m}")
        for key in ("baseline", "net", "savings", "projected"):
            series[key].append(float(row[key]) if row[key] is not None else None)
        realised += row["savings"] or 0
        projected += row["projected"] or 0
        series["cumulative"].append(float(realised))
        series["cumulative_projected"].append(float(projected))
    return series


class SavingsListView(ObjectListView):
    """Portfolio savings: filters, totals, the chart, the breakdown table, CSV and XLSX."""

    model = SavingsResult
    selector = staticmethod(selectors.savings_list)
    filterset_class = filtersets.SavingsResultFilterSet
    table_class = tables.SavingsResultTable
    template_name = "savings/savings_list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:  # type: ignore[override]
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
            if not filterset.is_valid():
                problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
                return HttpResponse(f"Invalid filter: {problems}", status=400)
            results = filterset.qs
            if export == "csv":
                response = HttpResponse(exports.as_csv(results), content_type="text/csv")
            else:
                response = HttpResponse(
                    exports.as_xlsx(results),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
            response["Content-Disposition"] = content_disposition_header(True, f"savings.{export}")
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        results = context["filter"].qs
        context["totals"] = selectors.savings_totals(results)
        context["chart"] = {**monthly_series(results), "script_id": "savings-chart-data"}
        context["query"] = self.request.GET.urlencode()
        context["reporting_currency"] = settings.REPORTING_CURRENCY
        # A missing rate is a visible state: which currencies, in how many months.
        missing = results.filter(status=SavingsResult.Status.MISSING_RATE)
        context["missing_rate_months"] = missing.count()
        context["missing_rate_notes"] = sorted(set(missing.order_by().values_list("note", flat=True)[:1000]))
        return context


def contract_savings_panel(request: HttpRequest, contract: Any) -> dict[str, Any] | None:
    """The contract page's savings: the last 12 months of its term with figures, and totals."""
    if not request.user.has_perm("savings.view_savingsresult"):
        return None
    results = selectors.savings_list(user=request.user).filter(contract=contract)
    window, _ = contract_page_window(request, contract)  # the period the page's picker shows
    recent = list(results.filter(period__range=(window.first, window.last)).order_by("period"))
    # "Year to date" is the year of the latest month with figures, not today's year: a
    # contract may have ended in 1999.
    latest = results.filter(status=SavingsResult.Status.OK).order_by("-period").values_list("period", flat=True).first()
    return {
        "contract": contract,
        "reporting_currency": settings.REPORTING_CURRENCY,
        "months": recent,
        "totals": selectors.savings_totals(results),
        "year": latest.year if latest else None,
        "year_totals": selectors.savings_totals(results.filter(period__year=latest.year)) if latest else None,
        "chart": {
            **monthly_series(results.filter(period__in=[r.period for r in recent])),
            "script_id": f"savings-chart-{contract.pk}",
        },
    }


@login_required
@permission_required("savings.add_exchangerate", raise_exception=True)
def exchange_rate_import(request: HttpRequest) -> HttpResponse:
    """Upload exchange rates as CSV; every row is checked and nothing is stored if any is wrong."""
    form = forms.ExchangeRateImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_RATE_FILE_BYTES:
            problems.append(f"The file is {upload.size:,} bytes; at most {MAX_RATE_FILE_BYTES:,} are accepted.")
        else:
            rows, problems = parse_rates_csv(upload.read())
            if not problems:
                stored = services.exchange_rates_save(rows)
                messages.success(request, f"{stored} exchange rates saved; savings are being recomputed.")
                return HttpResponseRedirect(reverse("savings:exchangerate_list"))
    return render(request, "savings/exchangerate_import.html", {"form": form, "problems": problems})


def parse_rates_csv(content: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of date, currency, rate (, source), or the problems naming row and column."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["The file is not UTF-8 text."]
    reader = csv.DictReader(io.StringIO(text))
    missing = {"date", "currency", "rate"} - {(name or "").strip().lower() for name in reader.fieldnames or []}
    if missing:
        return [], [f"Missing column(s): {', '.join(sorted(missing))}. The header must name date, currency, rate."]
    valid_currencies = {code for code, _ in CURRENCY_CHOICES}
    rows, problems = [], []
    for number, raw in enumerate(reader, start=2):
        # Cells beyond the header (key None) are ignored, as in the invoice import.
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        try:
            date = dt.date.fromisoformat(row["date"])
        except ValueError:
            problems.append(f"Row {number}, column date: “{row['date']}” is not a date (YYYY-MM-DD).")
            continue
        currency = row["currency"].upper()
        if currency not in valid_currencies:
            problems.append(f"Row {number}, column currency: “{row['currency']}” is not a supported currency code.")
            continue
        if currency == settings.REPORTING_CURRENCY:
            problems.append(f"Row {number}, column currency: {currency} is the reporting currency: it needs no rate.")
            continue
        try:
            rate = Decimal(row["rate"])
            # What the table holds exactly (18 digits, 8 decimals): never rounded or overflowing silently.
            if not rate.is_finite() or rate <= 0 or rate != round(rate, 8) or rate >= Decimal(10) ** 10:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(
                f"Row {number}, column rate: “{row['rate']}” is not a positive number "
                "(below 10,000,000,000, at most 8 decimals)."
            )
            continue
        rows.append({"date": date, "currency": currency, "rate": rate, "source": row.get("source", "")[:100]})
        if len(problems) >= 50:
            break
    return rows, problems


exchange_rate_views = ObjectViews(
    model=ExchangeRate,
    selector=selectors.exchange_rate_list,
    filterset=filtersets.ExchangeRateFilterSet,
    table=tables.ExchangeRateTable,
    form=forms.ExchangeRateForm,
)


def provider_savings_panel(request: HttpRequest, provider: Any) -> dict[str, Any] | None:
    """The provider page's savings: totals over all its contracts' months, and per contract."""
    if not request.user.has_perm("savings.view_savingsresult"):
        return None
    results = selectors.savings_list(user=request.user).filter(contract__provider=provider)
    return {
        "provider": provider,
        "reporting_currency": settings.REPORTING_CURRENCY,
        "totals": selectors.savings_totals(results),
        "by_contract": selectors.savings_by_contract(results),
    }


def contract_invoices_panel(request: HttpRequest, contract: Any) -> dict[str, Any] | None:
    """The contract page's invoices: each invoiced month against the charges its prices give.

    A month counts as invoiced when an invoice is recorded or the vendor's KPI summary gave an
    invoiced amount; the comparison (``computation.invoice_check``) is stored with the month's
    savings. The last 24 such months, newest first.
    """
    if not request.user.has_perm("contracts.view_invoice"):
        return None
    invoices = {i.period: i for i in contract.invoices.all()}
    checked = {
        r.period: r
        for r in SavingsResult.objects.filter(contract=contract).exclude(invoiced_amount=None).order_by("-period")[:24]
    }
    months = sorted(set(invoices) | set(checked), reverse=True)[:24]
    return {
        "contract": contract,
        "rows": [{"period": m, "invoice": invoices.get(m), "check": checked.get(m)} for m in months],
        "discrepancy_count": SavingsResult.objects.filter(contract=contract, invoice_discrepancy=True).count(),
    }

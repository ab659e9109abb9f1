"""REST endpoints for service levels and the (read-only) metric catalogue."""

import functools
from collections.abc import Iterable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.filtersets import CONTRACT_KEYS
from contracts.selectors import contract_list
from core.api import coldpath
from core.api.coldpath import PlainPage
from core.api.conditional import VersionedListMixin, conditional_list_schema
from core.api.exceptions import ErrorResponseSerializer as ErrorResponse
from core.api.lookups import get_by_key_or_404
from core.api.views import SelectorModelViewSet, StrictQueryParamsMixin
from core.catalogue import CATALOGUE, METRICS
from core.filtersets import MonthField
from core.months import month_start
from slas import filtersets, selectors, services
from slas.api import serializers
from slas.models import ComplianceResult, CreditStatement, RecomputeRun, ServiceLevel, service_level_display_name


class ServiceLevelViewSet(SelectorModelViewSet):
    queryset = ServiceLevel.objects.none()
    selector = staticmethod(selectors.service_level_list)
    serializer_class = serializers.ServiceLevelSerializer
    filterset_class = filtersets.ServiceLevelFilterSet
    ordering_fields = ["metric", "expected_level", "weight", "credit_allocation_percent", "created_at"]


class MetricViewSet(StrictQueryParamsMixin, viewsets.ViewSet):
    """The metric catalogue: codes, units, directions and parameters."""

    serializer_class = serializers.MetricSerializer

    @extend_schema(responses=serializers.MetricSerializer(many=True))
    def list(self, request):
        return Response(serializers.MetricSerializer(METRICS, many=True).data)


@extend_schema_view(list=extend_schema(**conditional_list_schema(serializers.ComplianceResultSerializer(many=True))))
class ComplianceResultViewSet(VersionedListMixin, viewsets.ReadOnlyModelViewSet):
    """Compliance results: one per service level and month.

    The list answers conditional requests: send the `ETag` of an earlier answer in
    `If-None-Match` and get `304 Not Modified` while nothing it shows has changed.
    """

    queryset = ComplianceResult.objects.none()
    serializer_class = serializers.ComplianceResultSerializer
    filterset_class = filtersets.ComplianceResultFilterSet
    ordering_fields = ["period", "status", "actual", "credit_amount"]

    @staticmethod
    def listed(user: Any):
        """The results this user may see, in the list's order: both paths' (DRF's and ``cold_page``'s) query."""
        return selectors.compliance_list(user=user)

    def get_queryset(self):
        # Only what the representation shows of the service level, contract, provider and
        # process (not their every column and JSON field, 50 times a page).
        result_fields = [field.name for field in ComplianceResult._meta.concrete_fields]
        return self.listed(self.request.user).only(*result_fields, *_RELATED_FIELDS, "service_level__process__name")

    def paginate_queryset(self, queryset):
        """The page read as plain rows (``values()``), not five model instances per result.

        Building the result, service level, contract, provider and process instances of 50
        results was the largest part of a cold page's time. The same query (filters, order,
        page or cursor; ``pk`` is the cursor's position) is read with ``values()``, and each row
        becomes a light object with the attributes ``ComplianceResultSerializer`` reads:
        same queries, same JSON (``tests/compliance/test_conditional_requests.py``).
        """
        page = super().paginate_queryset(queryset.values("pk", *COMPLIANCE_ROW_FIELDS))
        if page is None:
            return None
        return [_compliance_row(row) for row in page]

    @classmethod
    def cold_page(cls, request: HttpRequest, user: User, version: int, page: PlainPage) -> dict[str, Any] | None:
        """A plain page rendered without DRF (``core.api.coldpath``): the same rows, serializer and links."""
        listed = coldpath.compiled(
            cls,
            user,
            version,
            lambda user: cls.listed(user).values("pk", *COMPLIANCE_ROW_FIELDS),
            count=cls.listed,
        )
        found = coldpath.paged(listed, page)
        if found is None:
            return None
        rows, total = found
        serializer = cls.serializer_class(context={"request": request})
        results = [serializer.to_representation(cast(Any, _compliance_row(row))) for row in rows]
        return coldpath.page_body(request, page, total, results)


#: What a compliance page reads of each result and its service level, contract and provider.
_RESULT_FIELDS = tuple(field.attname for field in ComplianceResult._meta.concrete_fields if not field.primary_key)
_RELATED_FIELDS = (
    "service_level__name",
    "service_level__metric",
    "service_level__parameters",
    "service_level__contract__reference",
    "service_level__contract__currency",
    "service_level__contract__provider__name",
)
COMPLIANCE_ROW_FIELDS = (*_RESULT_FIELDS, *_RELATED_FIELDS)


def _compliance_row(row: dict[str, Any]) -> SimpleNamespace:
    """A ``values()`` row as the attributes of a result (and its relations) that the serializer reads."""
    metric = row["service_level__metric"]
    service_level = SimpleNamespace(
        display_name=service_level_display_name(row["service_level__name"], metric, row["service_level__parameters"]),
        metric=metric,
        metric_info=CATALOGUE[metric],  # ServiceLevel.metric_info
        contract=SimpleNamespace(
            reference=row["service_level__contract__reference"],
            currency=row["service_level__contract__currency"],
            provider=SimpleNamespace(name=row["service_level__contract__provider__name"]),
        ),
    )
    result = SimpleNamespace(pk=row["pk"], service_level=service_level, **{name: row[name] for name in _RESULT_FIELDS})
    result.credit_owed = Decimal("0") if result.earned_back else result.credit_amount  # ComplianceResult's
    return result


@extend_schema_view(list=extend_schema(**conditional_list_schema(serializers.SlaStatusSerializer(many=True))))
class SlaStatusViewSet(VersionedListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Each service level's latest month in the period: target, minimum, actual, status, credit, and the trend.

    The period is ``period_from``…``period_to``; without them, each contract's last 12 months
    of its term that have data (a contract that ended in 1999 shows 1999).

    Answers conditional requests: send the `ETag` of an earlier answer in `If-None-Match`
    and get `304 Not Modified` while nothing it shows has changed (a recomputation, an edit
    of a service level, contract, provider or process changes it).
    """

    follows_clock = True  # the default window ends at the current month
    queryset = ServiceLevel.objects.none()
    serializer_class = serializers.SlaStatusSerializer
    filterset_class = filtersets.SlaStatusFilterSet  # adds the period and its results
    ordering_fields = ["metric", "contract__reference"]

    @staticmethod
    def listed(user: Any):
        """The service levels this user may see, in the list's order: both paths' (DRF's and ``cold_page``'s) query."""
        return selectors.service_level_list(user=user)

    def get_queryset(self):
        return self.listed(self.request.user)

    def paginate_queryset(self, queryset):
        """The page, with each service level's ``recent_results`` read as plain rows, not model instances.

        ``with_period_results`` prefetches the period's results (about 13 per service level,
        650 a page): building that many model instances was most of a cold page's time. Here the
        page is fetched without the prefetch and the same results (its queryset: the same
        window, order and fields) are read with ``values()`` in one query, as light objects with
        the attributes the serializer reads. The service levels themselves (with their contract,
        provider and process) are read the same way. Same queries, same JSON.
        """
        prefetch = next(
            (
                lookup
                for lookup in queryset._prefetch_related_lookups  # the Prefetch with_period_results added
                if isinstance(lookup, Prefetch) and lookup.to_attr == "recent_results"
            ),
            None,
        )
        if prefetch is None or prefetch.queryset is None:
            return super().paginate_queryset(queryset)
        rows = super().paginate_queryset(queryset.prefetch_related(None).values("pk", *SLA_STATUS_ROW_FIELDS))
        if rows is None:
            return None
        page = [_sla_status_row(row) for row in rows]
        period_results = prefetch.queryset.filter(service_level_id__in=[sla.pk for sla in page]).values_list(
            *selectors.PERIOD_RESULT_FIELDS
        )
        return _with_recent_results(page, period_results)

    @classmethod
    def cold_page(cls, request: HttpRequest, user: User, version: int, page: PlainPage) -> dict[str, Any] | None:
        """A plain page rendered without DRF (``core.api.coldpath``): the same rows, windows, serializer and links.

        Three prepared statements: the page with its count; the default windows of the page's
        contracts (``selectors.window_terms``, compiled for all the user's contracts and
        narrowed to these); the page's results inside them (``selectors.period_results_sql``).
        """
        listed = coldpath.compiled(
            cls,
            user,
            version,
            lambda user: cls.listed(user).values("pk", *SLA_STATUS_ROW_FIELDS, "contract_id"),
            count=cls.listed,
        )
        found = coldpath.paged(listed, page)
        if found is None:
            return None
        rows, total = found
        terms = coldpath.compiled(
            (cls, "windows"),
            user,
            version,
            lambda user: selectors.window_terms(contract_ids=cls.listed(user).values("contract")),
        )
        contract_ids = sorted({row["contract_id"] for row in rows})
        windows = selectors.windows_from_terms(
            coldpath.rows_where(terms, "listed.pk = ANY(%s::bigint[])", [coldpath.array_literal(contract_ids)])
        )
        if not windows.keys() >= set(contract_ids):
            return None  # a contract deleted between the two statements: DRF answers
        page_rows = [_sla_status_row(row) for row in rows]
        in_window = [windows[row["contract_id"]] for row in rows]
        # The fetched rows go straight into the points: not held while the page is serialized
        # (600 tuples fewer alive, so fewer of the garbage collector's passes run meanwhile).
        _with_recent_results(
            page_rows,
            coldpath.fetch_rows(
                selectors.period_results_sql(),
                [
                    coldpath.array_literal(sla.pk for sla in page_rows),
                    coldpath.array_literal(w.first for w in in_window),
                    coldpath.array_literal(w.last for w in in_window),
                ],
                binary=True,  # ~600 rows: their floats and dates decode several times faster than from text
            ),
        )
        serializer = cls.serializer_class(context={"request": request})
        results = [serializer.to_representation(cast(Any, sla)) for sla in page_rows]
        return coldpath.page_body(request, page, total, results)


def _with_recent_results(
    page: list[SimpleNamespace], period_results: Iterable[tuple[Any, ...]]
) -> list[SimpleNamespace]:
    """The page's service levels, each with ``recent_results``: its results (rows in
    ``PERIOD_RESULT_FIELDS`` order, newest first) as ``selectors.PeriodPoint``s."""
    by_service_level: dict[int, list[selectors.PeriodPoint]] = {sla.pk: [] for sla in page}
    # tuple.__new__ straight from C (as PeriodPoint._make does, minus a Python call per row).
    for point in map(functools.partial(tuple.__new__, selectors.PeriodPoint), period_results):
        by_service_level[point.service_level_id].append(point)
    for sla in page:
        sla.recent_results = by_service_level[sla.pk]
    return page


#: What sla-status reads of a service level and its contract, provider and process (``selectors.SLA_STATUS_FIELDS``).
SLA_STATUS_ROW_FIELDS = selectors.SLA_STATUS_FIELDS


def _sla_status_row(row: dict[str, Any]) -> SimpleNamespace:
    """A ``values()`` row as the attributes of a service level that ``SlaStatusSerializer`` reads."""
    metric = row["metric"]
    return SimpleNamespace(
        pk=row["pk"],
        display_name=service_level_display_name(row["name"], metric, row["parameters"]),
        metric=metric,
        metric_info=CATALOGUE[metric],  # ServiceLevel.metric_info
        expected_level=row["expected_level"],
        minimum_level=row["minimum_level"],
        contract=SimpleNamespace(
            reference=row["contract__reference"],
            currency=row["contract__currency"],
            provider=SimpleNamespace(name=row["contract__provider__name"]),
        ),
        process=SimpleNamespace(name=row["process__name"]),
    )


class ContractCreditsView(StrictQueryParamsMixin, APIView):
    """``/contracts/{id}/credits/?month=``: a month's credit statement and its per-SLA lines.

    Served by ``slas`` (which computes credits) under the contract's URL, so ``contracts``
    knows nothing of credits.
    """

    queryset = CreditStatement.objects.none()  # for the permission check: view_creditstatement
    extra_query_params = ("month",)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "contract",
                str,
                OpenApiParameter.PATH,
                pattern="^[^/]+$",
                description="The contract's id or its reference.",
            ),
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
        ],
        responses=serializers.CreditsSerializer,
    )
    def get(self, request, contract: str):
        found = _contract(request, contract)
        try:
            month = MonthField(required=True).clean(request.query_params.get("month"))
        except DjangoValidationError as exc:
            raise drf_serializers.ValidationError({"month": exc.messages}) from exc
        assert month is not None  # required=True
        if not month_start(found.start_date) <= month <= found.end_date:
            raise drf_serializers.ValidationError(
                {
                    "month": [
                        f"The contract {found.reference} runs {found.start_date} to {found.end_date}; "
                        f"{month:%Y-%m} lies outside it."
                    ]
                }
            )
        statement, lines = selectors.credit_statement(user=request.user, contract_id=found.pk, month=month)
        return Response(serializers.CreditsSerializer({"statement": statement, "lines": lines}).data)


def _contract(request, contract: str):
    """The contract named in the URL by its reference or its numeric id, if the user may see it."""
    return get_by_key_or_404(contract_list(user=request.user), contract, CONTRACT_KEYS)


class RecomputeRequestSerializer(drf_serializers.Serializer):
    from_month = drf_serializers.CharField(
        required=False,
        help_text="YYYY-MM: recompute this month and the later months depending on it "
        "(default: every month of the term up to now).",
    )

    def validate_from_month(self, value: str):
        return MonthField(required=True).clean(value)


class RecomputeChangeSerializer(drf_serializers.Serializer):
    """One service level and month whose status or credit the run changed (null: no result)."""

    service_level = drf_serializers.IntegerField()
    service_level_name = drf_serializers.CharField()
    month = drf_serializers.CharField(help_text="YYYY-MM")
    old_status = drf_serializers.CharField(allow_null=True)
    new_status = drf_serializers.CharField(allow_null=True)
    old_credit = drf_serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    new_credit = drf_serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class RecomputeRunSerializer(drf_serializers.ModelSerializer):
    contract = drf_serializers.CharField(source="contract.reference", read_only=True)
    months = drf_serializers.SerializerMethodField()
    requested_by = drf_serializers.CharField(
        source="requested_by.username", read_only=True, default=None, allow_null=True
    )
    status = drf_serializers.ChoiceField(choices=["queued", "finished"], read_only=True)
    changes = RecomputeChangeSerializer(many=True, read_only=True)

    class Meta:
        model = RecomputeRun
        fields = [
            "id",
            "contract",
            "trigger",
            "reason",
            "requested_by",
            "requested_at",
            "months",
            "status",
            "finished_at",
            "changes",
        ]
        read_only_fields = fields

    def get_months(self, run: RecomputeRun) -> list[str]:
        return [f"{m:%Y-%m}" for m in run.months]


class ContractRecomputeView(APIView):
    """``POST /contracts/{reference or id}/recompute/``: recompute a contract's compliance now.

    Queues a recompute of the term's months up to now (or of ``from_month`` and the months
    depending on it) and answers 202 with the run; its ``changes`` list, per service level
    and month, the old and new status and credit once it has finished. Operations only.
    """

    queryset = RecomputeRun.objects.none()  # POST needs slas.add_recomputerun

    @extend_schema(
        request=RecomputeRequestSerializer,
        responses={
            202: RecomputeRunSerializer,
            400: OpenApiResponse(ErrorResponse, description="A malformed from_month (named under `errors`)."),
            401: OpenApiResponse(ErrorResponse, description="Not signed in."),
            403: OpenApiResponse(ErrorResponse, description="Only operations may recompute."),
            404: OpenApiResponse(ErrorResponse, description="No such contract (or not visible to you)."),
        },
    )
    def post(self, request, contract: str):
        found = _contract(request, contract)
        body = RecomputeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        month = body.validated_data.get("from_month")
        run = services.request_recompute(
            contract=found,
            trigger=RecomputeRun.Trigger.MANUAL,
            changed=[month] if month else None,
            reason=f"Requested by {request.user.get_username()} through the API"
            + (f" from {month:%Y-%m}." if month else "."),
            user=request.user,
        )
        run.refresh_from_db()  # finished already when tasks run eagerly (the embedded mode)
        return Response(RecomputeRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

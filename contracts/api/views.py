"""REST endpoints for categories (read-only), processes and contracts."""

from typing import cast

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import DjangoModelPermissions, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from contracts import filtersets, lifecycle, selectors
from contracts.api import serializers
from contracts.models import Contract, Invoice, Process, ProcessBaseline, ServiceCategory
from core.api.exceptions import Conflict, ErrorResponseSerializer
from core.api.views import SelectorModelViewSet


class ChangeContractPermission(DjangoModelPermissions):
    """A transition is a change of the contract: ``contracts.change_contract`` (not ``add``)."""

    perms_map = {**DjangoModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


class ServiceCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ServiceCategory.objects.none()
    serializer_class = serializers.ServiceCategorySerializer
    filterset_class = filtersets.ServiceCategoryFilterSet
    ordering_fields = ["name", "code"]

    def get_queryset(self):
        return selectors.category_list(user=self.request.user)


class ProcessViewSet(SelectorModelViewSet):
    queryset = Process.objects.none()
    selector = staticmethod(selectors.process_list)
    serializer_class = serializers.ProcessSerializer
    filterset_class = filtersets.ProcessFilterSet
    ordering_fields = ["name", "baseline_cost_per_unit", "expected_monthly_volume", "created_at"]


class ContractViewSet(SelectorModelViewSet):
    queryset = Contract.objects.none()
    selector = staticmethod(selectors.contract_list)
    serializer_class = serializers.ContractSerializer
    filterset_class = filtersets.ContractFilterSet
    lookup_keys = filtersets.CONTRACT_KEYS
    lookup_value_regex = "[^/]+"
    ordering_fields = ["reference", "start_date", "end_date", "status", "created_at"]

    @extend_schema(
        request=serializers.TransitionSerializer,
        responses={
            200: OpenApiResponse(serializers.ContractSerializer, description="The contract, moved."),
            201: OpenApiResponse(serializers.ContractSerializer, description="Renewed: the new next term."),
            400: OpenApiResponse(
                ErrorResponseSerializer,
                description="Missing or invalid input: no reason to terminate, a date outside the term, or a renewal "
                "of a provider lacking a required certification without an override_reason.",
            ),
            403: OpenApiResponse(ErrorResponseSerializer, description="Needs contracts.change_contract."),
            404: OpenApiResponse(ErrorResponseSerializer, description="No such contract (or not visible to you)."),
            409: OpenApiResponse(
                ErrorResponseSerializer,
                description="Not an allowed arrow from the contract's status (e.g. an expired contract cannot be "
                "activated), or already renewed.",
            ),
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated, ChangeContractPermission],
        filterset_class=None,
        pagination_class=None,
    )
    def transition(self, request: Request, *args, **kwargs) -> Response:
        """Move the contract along its lifecycle: draft → active → expired or terminated, or renew it.

        The allowed arrows: draft → active, draft → terminated (cancelled), active → terminated
        (early, with a reason and the last day of service), active → expired (after its end
        date; the daily task does it anyway), active → renewed (creates the next term, linked
        through ``previous_term``, with the same terms and service levels). The reason is kept
        in the contract's amendment history (``/history/``).
        """
        contract = cast(Contract, self.get_object())
        body = serializers.TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            result = lifecycle.transition(
                contract,
                data["to"],
                today=timezone.localdate(),
                user=request.user,
                reason=data.get("reason", ""),
                on=data.get("date"),
                override_reason=data.get("override_reason", ""),
            )
        except lifecycle.TransitionNotAllowed as exc:
            raise Conflict(exc.message) from exc
        fresh = self.get_queryset().get(pk=result.pk)
        representation = serializers.ContractSerializer(fresh, context=self.get_serializer_context()).data
        renewed = result.pk != contract.pk
        return Response(representation, status=status.HTTP_201_CREATED if renewed else status.HTTP_200_OK)


class ProcessBaselineViewSet(SelectorModelViewSet):
    """Revised in-house costs per unit of a process, each valid from its date on."""

    queryset = ProcessBaseline.objects.none()
    selector = staticmethod(selectors.process_baseline_list)
    serializer_class = serializers.ProcessBaselineSerializer
    filterset_class = filtersets.ProcessBaselineFilterSet
    ordering_fields = ["valid_from", "created_at"]


class InvoiceViewSet(SelectorModelViewSet):
    """What providers invoiced per contract-month: the invoice wins over the computed charges."""

    queryset = Invoice.objects.none()
    selector = staticmethod(selectors.invoice_list)
    serializer_class = serializers.InvoiceSerializer
    filterset_class = filtersets.InvoiceFilterSet
    ordering_fields = ["period", "amount", "created_at"]

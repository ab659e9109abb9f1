"""API representations of categories, processes and contracts."""

from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts.models import Contract, Invoice, Process, ProcessBaseline, ServiceCategory, refuse_blocked_provider
from core.api.fields import LookupRelatedField
from core.api.serializers import ValidatedModelSerializer
from vendors.certifications import certification_problems
from vendors.models import Provider


class ServiceCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceCategory
        fields = ["id", "code", "name", "description"]


class ProcessSerializer(ValidatedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:process-detail")
    category = LookupRelatedField(queryset=ServiceCategory.objects.all(), slug_field="code")

    class Meta:
        model = Process
        fields = [
            "id",
            "url",
            "name",
            "category",
            "description",
            "internal_owner",
            "unit_of_work",
            "baseline_cost_per_unit",
            "currency",
            "expected_monthly_volume",
            "created_at",
            "updated_at",
        ]
        money_fields = ["baseline_cost_per_unit"]


class ContractSerializer(ValidatedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:contract-detail")
    time_zone = serializers.CharField(default="UTC")
    notice_deadline = serializers.DateField(read_only=True)
    provider = LookupRelatedField(queryset=Provider.objects.all(), slug_field="name")
    processes = LookupRelatedField(queryset=Process.objects.all(), slug_field="name", many=True)
    status = serializers.ChoiceField(
        choices=Contract.Status.choices,
        read_only=True,
        help_text="As the dates have it (an active contract past its end reads expired). Changed only through "
        "POST /api/v1/contracts/{reference}/transition/; a new contract is a draft.",
    )
    previous_term: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text="The term this contract renews, if it is a renewal.",
    )
    next_term = serializers.SerializerMethodField(help_text="The reference of this contract's renewal, once renewed.")
    certification_problems = serializers.SerializerMethodField(
        help_text='The provider\'s required certifications that are expired or missing today, e.g. "HIPAA expired"; '
        "renewing needs an override while there are any."
    )
    owner = LookupRelatedField(
        queryset=User.objects.all(),
        slug_field="username",
        allow_null=True,
        required=False,
        help_text="Who looks after the contract (id or user name); deadline reminders are emailed to them.",
    )

    class Meta:
        model = Contract
        fields = [
            "id",
            "url",
            "provider",
            "reference",
            "title",
            "processes",
            "start_date",
            "end_date",
            "time_zone",
            "auto_renew",
            "notice_period_days",
            "notice_deadline",
            "owner",
            "status",
            "currency",
            "pricing_model",
            "unit_price",
            "fte_rate",
            "fixed_monthly_fee",
            "fte_count",
            "at_risk_percent",
            "credit_cap",
            "earn_back",
            "rejected_row_tolerance_percent",
            "credit_pool_limit_percent",
            "consecutive_miss_periods",
            "earn_back_periods",
            "chronic_breach_count",
            "billing_basis",
            "expected_monthly_volume",
            "expected_savings_percent",
            "retained_monthly_cost",
            "transition_cost",
            "transition_amortisation_months",
            "invoice_tolerance_percent",
            "previous_term",
            "next_term",
            "terminated_on",
            "termination_reason",
            "renewal_override_reason",
            "certification_problems",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["terminated_on", "termination_reason", "renewal_override_reason"]
        money_fields = [
            "unit_price",
            "fte_rate",
            "fixed_monthly_fee",
            "credit_cap",
            "retained_monthly_cost",
            "transition_cost",
        ]
        percent_fields = [
            "at_risk_percent",
            "rejected_row_tolerance_percent",
            "credit_pool_limit_percent",
            "invoice_tolerance_percent",
        ]

    def validate_provider(self, provider: Any) -> Any:
        """A provider whose new contracts are blocked (a confirmed scorecard consequence) gets none."""
        return refuse_blocked_provider(provider, self.instance, serializers.ValidationError)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A status in the body must be the current one: it changes only through the transition route."""
        sent = self.initial_data.get("status") if hasattr(self.initial_data, "get") else None
        if sent is not None:
            current = {self.instance.status, self.instance.effective_status} if self.instance else {"draft"}
            if sent not in current:
                raise serializers.ValidationError(
                    {
                        "status": "The status is not edited directly: POST /api/v1/contracts/{reference}/transition/ "
                        'with {"to": "active" | "terminated" | "expired" | "renewed", "reason": "…"}.'
                    }
                )
        return attrs

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_next_term(self, instance: Contract) -> str | None:
        following = getattr(instance, "next_term", None)
        return following.reference if following is not None else None

    def get_certification_problems(self, instance: Contract) -> list[str]:
        return [p.label for p in certification_problems(instance.provider, on=timezone.localdate())]

    def to_representation(self, instance: Contract) -> dict:
        data = super().to_representation(instance)
        data["time_zone"] = str(instance.time_zone)
        data["status"] = instance.effective_status  # an ended contract does not read "active"
        return data


class ProcessBaselineSerializer(ValidatedModelSerializer):
    """A revised in-house cost per unit; give it directly or as cost and units per FTE-month."""

    process = LookupRelatedField(queryset=Process.objects.all(), slug_field="name")

    class Meta:
        model = ProcessBaseline
        fields = [
            "id",
            "process",
            "valid_from",
            "cost_per_unit",
            "currency",
            "cost_per_fte_month",
            "units_per_fte_month",
            "note",
            "created_at",
            "updated_at",
        ]
        money_fields = ["cost_per_unit", "cost_per_fte_month"]


class InvoiceSerializer(ValidatedModelSerializer):
    contract = LookupRelatedField(queryset=Contract.objects.all(), slug_field="reference")
    currency = serializers.CharField(source="contract.currency", read_only=True)

    class Meta:
        model = Invoice
        fields = ["id", "contract", "period", "amount", "currency", "reference", "source", "created_at", "updated_at"]
        money_fields = ["amount"]


class TransitionSerializer(serializers.Serializer):
    """``POST /contracts/{reference}/transition/``: move a contract along an allowed arrow."""

    to = serializers.ChoiceField(
        choices=[
            ("active", "Activate a draft"),
            ("terminated", "Terminate (a draft: cancel)"),
            ("expired", "Expire after the end date"),
            ("renewed", "Create the next term"),
        ],
        help_text="draft → active; draft or active → terminated; active → expired (after its end); "
        "active → renewed (creates the next term).",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why; required to terminate. Kept in the amendments.",
    )
    date = serializers.DateField(
        required=False, help_text="Termination: the last day of service (default today; within the term)."
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Renewal of a contract whose provider lacks a required certification: why it is renewed anyway.",
    )

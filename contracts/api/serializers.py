"""API representations of categories, processes and contracts."""

from django.contrib.auth.models import User
from rest_framework import serializers

from contracts.models import Contract, Invoice, Process, ProcessBaseline, ServiceCategory
from core.api.fields import LookupRelatedField
from core.api.serializers import ValidatedModelSerializer
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
            "created_at",
            "updated_at",
        ]
        money_fields = ["unit_price", "fte_rate", "fixed_monthly_fee", "credit_cap"]
        percent_fields = [
            "at_risk_percent",
            "rejected_row_tolerance_percent",
            "credit_pool_limit_percent",
            "invoice_tolerance_percent",
        ]

    def to_representation(self, instance: Contract) -> dict:
        data = super().to_representation(instance)
        data["time_zone"] = str(instance.time_zone)
        data["status"] = instance.effective_status  # an ended contract does not read "active"
        return data


class ProcessBaselineSerializer(ValidatedModelSerializer):
    """A revised in-house cost per unit; give it directly or as cost and units per FTE-month."""

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


class InvoiceSerializer(ValidatedModelSerializer):
    currency = serializers.CharField(source="contract.currency", read_only=True)

    class Meta:
        model = Invoice
        fields = ["id", "contract", "period", "amount", "currency", "reference", "source", "created_at", "updated_at"]

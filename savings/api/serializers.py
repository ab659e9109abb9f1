"""API representations of savings and exchange rates.

Money is a decimal string with its currency beside it (``reporting_currency``), as in the
rest of the API; the rate used for each currency is listed in ``rates``.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import MoneyField
from core.api.serializers import ValidatedModelSerializer
from savings.models import ExchangeRate, SavingsResult


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "1999-02"})
class MonthSerializerField(serializers.DateField):
    """A calendar month as ``YYYY-MM`` (what the ``period_from``/``period_to`` filters take)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m", **kwargs)  # type: ignore[arg-type]


class SavingsResultSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.reference", read_only=True)
    contract_id = serializers.IntegerField(read_only=True)
    provider = serializers.CharField(source="contract.provider.name", read_only=True)
    month = MonthSerializerField(source="period", read_only=True)
    currency = serializers.CharField(source="reporting_currency", read_only=True)
    baseline_cost = MoneyField(read_only=True, allow_null=True)
    outsourced_cost = MoneyField(read_only=True, allow_null=True)
    service_credits = MoneyField(read_only=True, allow_null=True)
    retained_cost = MoneyField(read_only=True, allow_null=True)
    transition_amortisation = MoneyField(read_only=True, allow_null=True)
    net_cost = MoneyField(read_only=True, allow_null=True)
    savings = MoneyField(read_only=True, allow_null=True)
    projected_savings = MoneyField(read_only=True, allow_null=True)
    savings_percent = serializers.FloatField(read_only=True, allow_null=True, help_text="0–100, of the baseline.")
    rates = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = SavingsResult
        fields = [
            "id",
            "contract",
            "contract_id",
            "provider",
            "month",
            "status",
            "note",
            "currency",
            "volume",
            "baseline_cost",
            "outsourced_cost",
            "outsourced_source",
            "service_credits",
            "retained_cost",
            "transition_amortisation",
            "net_cost",
            "savings",
            "savings_percent",
            "projected_savings",
            "rates",
            "computed_at",
        ]


class SavingsTotalsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    baseline_cost = MoneyField(read_only=True, allow_null=True)
    outsourced_cost = MoneyField(read_only=True, allow_null=True)
    service_credits = MoneyField(read_only=True, allow_null=True)
    net_cost = MoneyField(read_only=True, allow_null=True)
    savings = MoneyField(read_only=True, allow_null=True)
    projected_savings = MoneyField(read_only=True, allow_null=True)
    savings_percent = serializers.FloatField(allow_null=True)
    months_with_data = serializers.IntegerField()
    months_without_data = serializers.IntegerField()


class ExchangeRateSerializer(ValidatedModelSerializer):
    reporting_currency = serializers.SerializerMethodField()

    class Meta:
        model = ExchangeRate
        fields = ["id", "date", "currency", "rate", "reporting_currency", "source", "created_at", "updated_at"]

    def get_reporting_currency(self, obj: ExchangeRate) -> str:
        from django.conf import settings

        return settings.REPORTING_CURRENCY

"""Base serializers: one representation of numbers and money, and writes through model validation."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers

from core.api.fields import MeasureField, MoneyField, PercentField
from core.services import model_save


class ApiModelSerializer(serializers.ModelSerializer):
    """A ``ModelSerializer`` that applies the API's number rule (see ``core.api.fields``).

    Every decimal or float model field becomes a ``MeasureField`` (a JSON number), except the
    ones ``Meta.money_fields`` names (``MoneyField``: a decimal string; the serializer must
    carry ``currency`` beside them) and ``Meta.percent_fields`` names (``PercentField``: a
    number on the 0–100 scale). A new decimal field is thus a number unless declared money.
    """

    def build_standard_field(self, field_name: str, model_field: models.Field) -> tuple[type, dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_name in getattr(self.Meta, "money_fields", ()):
            field_class = MoneyField
        elif field_name in getattr(self.Meta, "percent_fields", ()):
            field_class = PercentField
        elif isinstance(model_field, models.DecimalField | models.FloatField):
            field_class = MeasureField
        return field_class, kwargs


class ValidatedModelSerializer(ApiModelSerializer):
    """A ``ModelSerializer`` whose create/update run the model's ``full_clean``.

    DRF skips ``Model.clean()``; without this, a rule such as "the minimum level must not
    be above the expected level" would hold in the browser but not through the API. The
    model's errors come back as ordinary 400 field errors.
    """

    def create(self, validated_data: dict[str, Any]) -> models.Model:
        model: type[models.Model] = self.Meta.model
        return self._save(model(), validated_data)

    def update(self, instance: models.Model, validated_data: dict[str, Any]) -> models.Model:
        return self._save(instance, validated_data)

    def _save(self, instance: models.Model, validated_data: dict[str, Any]) -> models.Model:
        many_to_many = {
            field.name: validated_data.pop(field.name)
            for field in instance._meta.many_to_many
            if field.name in validated_data
        }
        for attr, value in validated_data.items():
            setattr(instance, attr, value)
        try:
            return model_save(instance, many_to_many=many_to_many)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc

"""Base serializer that routes writes through model validation."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers

from core.services import model_save


class ValidatedModelSerializer(serializers.ModelSerializer):
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

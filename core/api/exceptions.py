"""One JSON shape for every API error, documented once in the schema.

Every error answers ``{"detail": "<one sentence>"}``; a validation error (a field of a
request body, a query parameter) adds ``"errors": {"<field or parameter>": ["<message>", …]}``
so a client can name the input that was refused. Nested errors are flattened to dotted
paths (``"delivery_countries.0"``). Django validation errors raised by services become the
same 400, never a 500.
"""

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.services import ConcurrentChangeError


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ErrorResponseSerializer(serializers.Serializer):
    """The body of every 4xx answer of the API (the schema's ``Error``)."""

    detail = serializers.CharField(help_text="What went wrong, in one sentence.")
    errors = serializers.DictField(  # type: ignore[assignment]  # a declared field, not Serializer.errors
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors only: the messages per request field or query parameter "
        "(nested fields as dotted paths, errors not tied to one field under `non_field_errors`).",
    )


class DuplicateErrorResponseSerializer(ErrorResponseSerializer):
    """A 409: the request would duplicate an existing object, linked in ``existing``."""

    existing = serializers.URLField(help_text="The API URL of the object already there.")


def _flatten(errors: Any, prefix: str = "") -> Iterator[tuple[str, list[str]]]:
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(errors, list) and errors and all(not isinstance(item, dict | list) for item in errors):
        yield prefix or api_settings.NON_FIELD_ERRORS_KEY, [str(item) for item in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:
                yield from _flatten(value, f"{prefix}.{index}" if prefix else str(index))
    else:
        yield prefix or api_settings.NON_FIELD_ERRORS_KEY, [str(errors)]


def validation_body(data: Any) -> dict[str, Any]:
    """``{"detail", "errors"}`` for a DRF ``ValidationError``'s ``detail``."""
    errors: dict[str, list[str]] = {}
    for name, messages in _flatten(data):
        errors.setdefault(name, []).extend(messages)
    named = [f"{name}: {messages[0]}" for name, messages in errors.items()]
    if len(errors) == 1 and api_settings.NON_FIELD_ERRORS_KEY in errors:
        detail = errors[api_settings.NON_FIELD_ERRORS_KEY][0]
    else:
        detail = "Invalid input. " + " ".join(named[:3]) + (" …" if len(named) > 3 else "")
    return {"detail": detail, "errors": errors}


def exception_handler(exc: Exception, context: dict[str, Any]):
    if isinstance(exc, ConcurrentChangeError):
        exc = Conflict(" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        exc = serializers.ValidationError(serializers.as_serializer_error(exc))
    elif isinstance(exc, RecursionError):
        # Input nested deeper than any code path expects (e.g. a JSON string in a form
        # field): the client's doing, so a 400 rather than a 500.
        exc = ParseError("The request is nested too deeply.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_body(response.data)
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {key: str(value) for key, value in response.data.items()}
    else:
        response.data = {"detail": str(response.data)}
    return response

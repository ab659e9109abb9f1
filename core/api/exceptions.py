"""Turn Django validation errors raised by services into 400 responses, never a 500."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.views import exception_handler as drf_exception_handler

from core.services import ConcurrentChangeError


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, ConcurrentChangeError):
        exc = Conflict(" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        exc = serializers.ValidationError(serializers.as_serializer_error(exc))
    elif isinstance(exc, RecursionError):
        # Input nested deeper than any code path expects (e.g. a JSON string in a form
        # field): the client's doing, so a 400 rather than a 500.
        exc = ParseError("The request is nested too deeply.")
    return drf_exception_handler(exc, context)

"""The OpenAPI schema as a contract: every error a route can answer, in the one error shape.

``ErrorDocumentingAutoSchema`` (``DEFAULT_SCHEMA_CLASS``) adds to every operation the error
responses it can give, each with the ``Error`` body of ``core.api.exceptions``:

- 400 everywhere: an unknown or malformed query parameter, an invalid request body;
- 401 and 403 wherever a permission is required;
- 404 wherever the path names an object;
- 415 wherever there is a request body (an unsupported content type).

Responses a view documents itself (a 409 with ``DuplicateError``, a 413 for uploads, via
``@extend_schema(responses=…)``) are kept as they are. Path parameters of viewsets with
``lookup_keys`` are documented as "id or key" strings.
"""

import inspect
from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc, get_view_model
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

from core.api.exceptions import ErrorResponseSerializer

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: a request field or query parameter (named in `errors`) was refused.",
    "401": "Not signed in: send `Authorization: Token <key>` or a session cookie.",
    "403": "Signed in, but the user's role does not allow this.",
    "429": "Too many requests: wait the seconds the `Retry-After` header names.",
    "404": "No such object, or not visible to this user.",
    "415": "The request body's content type is not accepted here.",
}


class ErrorDocumentingAutoSchema(AutoSchema):
    def get_description(self) -> str:  # type: ignore[override]  # drf-spectacular's signature, not DRF's
        """The action's docstring, else the view's own: never a base class's (developer notes)."""
        action = getattr(self.view, getattr(self.view, "action", self.method.lower()), None)
        own = type(self.view).__dict__.get("__doc__")
        return get_doc(action) or (inspect.cleandoc(own) if own else "")

    def _error_codes(self) -> list[str]:
        codes = ["400"]
        permissions = getattr(self.view, "permission_classes", [])
        if any(not issubclass(permission, AllowAny) for permission in permissions):
            codes += ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        if getattr(self.view, "throttle_classes", None):
            codes.append("429")
        return codes

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                error = OpenApiResponse(ErrorResponseSerializer, description=ERROR_DESCRIPTIONS[code])
                responses[code] = self._get_response_for_code(error, code, direction=direction)
        return dict(sorted(responses.items()))

    def _resolve_path_parameters(self, variables: list[str]) -> list[dict[str, Any]]:
        parameters = super()._resolve_path_parameters(variables)
        keys = getattr(self.view, "lookup_keys", ())
        lookup = getattr(self.view, "lookup_url_kwarg", None) or getattr(self.view, "lookup_field", None)
        if not keys:
            return parameters
        model = get_view_model(self.view, emit_warnings=False)
        name = model._meta.verbose_name if model else "object"
        for parameter in parameters:
            if parameter["name"] == lookup or (lookup == "pk" and parameter["name"] == "id"):
                parameter["schema"] = {"type": "string", "pattern": "^[^/]+$"}
                parameter["description"] = f"The {name}'s id or its {' or '.join(keys)}."
        return parameters

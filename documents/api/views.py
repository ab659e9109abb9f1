"""REST endpoints: documents of contracts and providers (list, upload, read, file, delete)."""

from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.audit import AuditTrailMixin
from core.api.exceptions import DuplicateErrorResponseSerializer, ErrorResponseSerializer
from documents import filtersets, selectors, services
from documents.api.serializers import DocumentSerializer, DocumentUploadSerializer
from documents.models import Document
from documents.views import file_response


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class DuplicateDocument(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "duplicate"


class DocumentViewSet(
    AuditTrailMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Documents (signed contracts, amendments, certificates) of the contracts and providers the user may see.

    ``POST`` a multipart upload with ``file`` and a ``contract`` (id or reference) or a
    ``provider`` (id or name); ``DELETE`` needs the delete permission (operations).
    """

    queryset = Document.objects.none()
    serializer_class = DocumentSerializer
    filterset_class = filtersets.DocumentFilterSet
    ordering_fields = ["uploaded_at", "title", "kind", "size", "valid_until"]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.document_list(user=self.request.user)

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={
            201: DocumentSerializer,
            409: OpenApiResponse(
                DuplicateErrorResponseSerializer,
                description="The same file (by SHA-256) is already attached to this contract or provider.",
            ),
            413: OpenApiResponse(ErrorResponseSerializer, description="The upload is larger than the limit."),
        },
    )
    def create(self, request, *args, **kwargs):
        """Attach a file; refused with the reason if its type is not accepted or its content does not match its name."""
        try:
            services.check_declared_upload_size(request.META.get("CONTENT_LENGTH"))
        except services.DocumentTooLargeError as exc:
            raise PayloadTooLarge(exc.messages[0]) from exc
        upload = DocumentUploadSerializer(data=request.data, context=self.get_serializer_context())
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            document = services.document_upload(
                services.DocumentUpload(
                    owner=data.get("contract") or data["provider"],
                    upload=data["file"],
                    kind=data["kind"],
                    title=data.get("title", ""),
                    valid_from=data.get("valid_from"),
                    valid_until=data.get("valid_until"),
                    user=request.user,
                )
            )
        except services.DocumentTooLargeError as exc:
            raise PayloadTooLarge(exc.messages[0]) from exc
        except services.DuplicateDocumentError as exc:
            existing = request.build_absolute_uri(f"/api/v1/documents/{exc.existing.pk}/")
            raise DuplicateDocument({"detail": exc.messages[0], "existing": existing}) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        body = self.get_serializer(document).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": str(body["url"])})

    def perform_destroy(self, instance: Document) -> None:
        services.document_delete(instance, user=cast(User, self.request.user))  # signed in, with a role

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY}, filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def file(self, request, pk=None):
        """The file as uploaded, as an attachment, with the content type its first bytes showed."""
        return file_response(self.get_object())

"""API representations of documents, and the multipart body that uploads one."""

from typing import Any

from rest_framework import serializers

from contracts.models import Contract
from contracts.selectors import contract_list
from core.api.fields import LookupRelatedField
from documents.models import Document
from vendors.models import Provider
from vendors.selectors import provider_list


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:document-detail")
    contract_reference = serializers.CharField(source="contract.reference", read_only=True, allow_null=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True, allow_null=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, allow_null=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "url",
            "contract",
            "contract_reference",
            "provider",
            "provider_name",
            "kind",
            "title",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "valid_from",
            "valid_until",
            "uploaded_by",
            "uploaded_at",
            "file_url",
        ]
        read_only_fields = fields

    def get_file_url(self, document: Document) -> str:
        return self.context["request"].build_absolute_uri(f"/api/v1/documents/{document.pk}/file/")


class DocumentUploadSerializer(serializers.Serializer):
    """The multipart body of ``POST /api/v1/documents/``: the file and exactly one of contract or provider."""

    file = serializers.FileField(help_text="PDF, an image, an office document or plain text.")
    contract = LookupRelatedField(
        queryset=Contract.objects.none(), slug_field="reference", required=False, allow_null=True
    )
    provider = LookupRelatedField(queryset=Provider.objects.none(), slug_field="name", required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Document.Kind.choices, default=Document.Kind.OTHER)
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Default: the file's name."
    )
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # only the contracts and providers the user may see
            contract: Any = self.fields["contract"]  # a manager descriptor to the stubs
            provider: Any = self.fields["provider"]
            contract.queryset = contract_list(user=request.user)
            provider.queryset = provider_list(user=request.user)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("contract")) == bool(attrs.get("provider")):
            raise serializers.ValidationError("Give either a contract or a provider, not both or neither.")
        start, end = attrs.get("valid_from"), attrs.get("valid_until")
        if start and end and end < start:
            raise serializers.ValidationError({"valid_until": ["“Valid until” cannot be before “valid from”."]})
        return attrs

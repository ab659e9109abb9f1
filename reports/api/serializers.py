"""API representations of layouts and vendor reports."""

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from rest_framework import serializers

from contracts.models import Contract, Process
from core.api.fields import LookupRelatedField, MeasureField
from reports import selectors, services
from reports.models import ReportKind, ReportLayout, ReportLayoutVersion, VendorReport
from vendors.models import Provider
from vendors.selectors import provider_list


class ReportLayoutVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportLayoutVersion
        fields = ["number", "config", "created_at", "created_by"]


class ReportLayoutSerializer(serializers.ModelSerializer):
    """A layout with its current config; writing ``config`` saves a new version."""

    url = serializers.HyperlinkedIdentityField(view_name="api:reportlayout-detail")
    provider = LookupRelatedField(queryset=Provider.objects.all(), slug_field="name", required=False, allow_null=True)
    config = serializers.JSONField(write_only=True)
    current_version = ReportLayoutVersionSerializer(read_only=True)

    class Meta:
        model = ReportLayout
        fields = [
            "id",
            "url",
            "provider",
            "name",
            "kind",
            "description",
            "is_builtin",
            "is_shared",
            "config",
            "current_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_builtin"]

    is_shared = serializers.BooleanField(
        read_only=True, help_text="No provider: offered to every provider (built in, or a template to copy)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        config = attrs.get("config")
        if config is not None and not isinstance(config, dict):
            raise serializers.ValidationError({"config": ["The config must be a JSON object."]})
        if config is None and self.instance is None:
            raise serializers.ValidationError({"config": ["This field is required."]})
        return attrs

    def _save(self, layout: ReportLayout, attrs: dict[str, Any]) -> ReportLayout:
        config = attrs.pop("config", None)
        for key, value in attrs.items():
            setattr(layout, key, value)
        if config is None:
            assert layout.current_version is not None  # an existing layout has a version
            config = layout.current_version.config
        config.setdefault("kind", layout.kind)
        user = self.context["request"].user
        try:
            services.layout_save(layout, config=config, user=user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        return layout

    def create(self, validated_data: dict[str, Any]) -> ReportLayout:
        return self._save(ReportLayout(), validated_data)

    def update(self, instance: ReportLayout, validated_data: dict[str, Any]) -> ReportLayout:
        if instance.is_builtin:
            raise serializers.ValidationError("Built-in layouts cannot be changed; create your own.")
        return self._save(instance, validated_data)


class ReportLayoutCopySerializer(serializers.Serializer):
    """The body of ``POST /api/v1/report-layouts/{id}/copy/``."""

    provider = serializers.PrimaryKeyRelatedField(
        queryset=Provider.objects.none(), help_text="The provider the copy is for (its id)."
    )
    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="The copy's name; default: the source's name."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            provider = cast("serializers.PrimaryKeyRelatedField[Provider]", self.fields["provider"])
            provider.queryset = provider_list(user=request.user)  # type: ignore[arg-type]  # stubs: Manager as descriptor


class ErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    value = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class ProgressSerializer(serializers.Serializer):
    status = serializers.CharField()
    phase = serializers.CharField()
    percent = serializers.IntegerField()
    rows_read = serializers.IntegerField()
    rows_accepted = serializers.IntegerField()
    rows_rejected = serializers.IntegerField()
    rows_per_second = MeasureField(decimal_places=1, allow_null=True)
    finished = serializers.BooleanField()
    interrupted = serializers.BooleanField(help_text="The import was interrupted (its worker died) and is retried.")


class VendorReportSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:vendorreport-detail")
    layout = serializers.IntegerField(source="layout_version.layout_id", read_only=True)
    layout_version = serializers.IntegerField(source="layout_version.number", read_only=True)
    progress = serializers.SerializerMethodField()
    errors = ErrorSerializer(many=True, read_only=True)
    file_url = serializers.SerializerMethodField()
    rejected_rows_url = serializers.SerializerMethodField()

    class Meta:
        model = VendorReport
        fields = [
            "id",
            "url",
            "contract",
            "process",
            "kind",
            "period_start",
            "period_end",
            "layout",
            "layout_version",
            "original_name",
            "sha256",
            "size",
            "uploaded_by",
            "source",
            "created_at",
            "status",
            "attempts",
            "rows_read",
            "rows_accepted",
            "rows_rejected",
            "started_at",
            "finished_at",
            "progress",
            "failure_reason",
            "errors",
            "superseded_by",
            "reinstated_at",
            "file_url",
            "rejected_rows_url",
            "dispatch_pending",
        ]
        read_only_fields = fields

    def get_progress(self, report: VendorReport) -> dict[str, Any]:
        return ProgressSerializer(selectors.report_progress(report)).data

    def get_file_url(self, report: VendorReport) -> str:
        return self.context["request"].build_absolute_uri(f"/api/v1/reports/{report.pk}/file/")

    def get_rejected_rows_url(self, report: VendorReport) -> str | None:
        if not report.rejected_rows_file:
            return None
        return self.context["request"].build_absolute_uri(f"/api/v1/reports/{report.pk}/rejected-rows/")


class _UploadLayoutField(LookupRelatedField):
    """A layout's id or name; a name is looked for among the contract's provider's and the shared layouts."""

    def narrow_by_key(self, queryset):
        try:
            contract = self.parent.fields["contract"].to_internal_value(self.parent.initial_data.get("contract"))
        except serializers.ValidationError:
            return queryset  # the contract field reports its own error
        return queryset.filter(Q(provider_id=contract.provider_id) | Q(provider__isnull=True))


class VendorReportUploadSerializer(serializers.Serializer):
    """The multipart body of ``POST /api/v1/reports/``."""

    file = serializers.FileField()
    contract = LookupRelatedField(queryset=Contract.objects.all(), slug_field="reference")
    process = LookupRelatedField(queryset=Process.objects.all(), slug_field="name", required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=ReportKind.choices, default=ReportKind.WORK_ITEMS)
    month = serializers.CharField(required=False, help_text="YYYY-MM; or give period_start and period_end.")
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    layout = _UploadLayoutField(queryset=ReportLayout.objects.all(), slug_field="name", required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("month"):
            try:
                attrs["period_start"], attrs["period_end"] = services.month_bounds(attrs["month"])
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.message_dict) from exc
        elif not (attrs.get("period_start") and attrs.get("period_end")):
            raise serializers.ValidationError({"month": ["Give month, or period_start and period_end."]})
        return attrs

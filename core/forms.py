"""Form rendering shared by every app: Bootstrap 5 markup from Django's own form templates."""

from django import forms
from django.forms.fields import InvalidJSONInput
from django.forms.renderers import TemplatesSetting

from core.jsondepth import JsonTooDeepError, check_json_depth


class BootstrapFormRenderer(TemplatesSetting):
    """Render every form and field with the project's Bootstrap templates.

    Using Django's renderer hooks (rather than a form library) keeps forms plain
    ``ModelForm`` classes that a newcomer can read.
    """

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    """An HTML5 date picker that round-trips ISO dates."""

    input_type = "date"

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class BoundedJSONField(forms.JSONField):
    """A JSON form field that refuses text nested deeper than ``MAX_JSON_DEPTH``.

    ``json.loads`` recurses per level: a deeply nested value would end in a
    ``RecursionError`` (a 500) instead of a form error.
    """

    def to_python(self, value):
        if isinstance(value, str) and not self.disabled:
            try:
                check_json_depth(value.encode("utf-8", "surrogatepass"))
            except JsonTooDeepError as exc:
                raise forms.ValidationError(f"Enter a valid JSON: {exc}.", code="invalid") from None
        return super().to_python(value)

    def bound_data(self, data, initial):
        # Re-showing the submitted text parses it again: keep deep text as it was typed.
        if isinstance(data, str) and not self.disabled:
            try:
                check_json_depth(data.encode("utf-8", "surrogatepass"))
            except JsonTooDeepError:
                return InvalidJSONInput(data)
        return super().bound_data(data, initial)

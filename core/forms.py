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


class SectionedFormMixin:
    """A long form shown in titled sections (``<fieldset>`` with a ``<legend>``), two fields a row.

    ``sections`` lists (heading, field names); a visible field no section names lands in the
    ``other_heading`` section (added last if no section has that heading), so a field added
    to the model later is never silently dropped.
    """

    template_name = "forms/sections.html"
    sections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    other_heading = "Other"

    def grouped_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The visible bound fields per section heading, in the sections' order; empty sections left out."""
        visible = {field.name: field for field in self.visible_fields()}  # type: ignore[attr-defined]
        groups = []
        for heading, names in self.sections:
            fields = [visible.pop(name) for name in names if name in visible]
            if fields:
                groups.append((heading, fields))
        if visible:
            other = next((fields for heading, fields in groups if heading == self.other_heading), None)
            if other is None:
                groups.append((self.other_heading, list(visible.values())))
            else:
                other.extend(visible.values())
        return groups


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

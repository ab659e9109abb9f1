"""Form rendering shared by every app: Bootstrap 5 markup from Django's own form templates."""

from django import forms
from django.forms.renderers import TemplatesSetting


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

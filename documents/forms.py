"""The upload form of the documents panel (contract and provider pages)."""

from django import forms

from core.forms import DateInput
from documents import filetypes
from documents.models import Document


class DocumentUploadForm(forms.Form):
    """Kind, title, file and validity; the checks of the file itself are the service's."""

    file = forms.FileField(
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(filetypes.ACCEPTED_EXTENSIONS)}),
        help_text=f"{filetypes.ACCEPTED_DESCRIPTION}.",
    )
    kind = forms.ChoiceField(choices=Document.Kind.choices, initial=Document.Kind.OTHER)
    title = forms.CharField(max_length=200, required=False, help_text="Default: the file's name.")
    valid_from = forms.DateField(required=False, widget=DateInput())
    valid_until = forms.DateField(required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", "“Valid until” cannot be before “valid from”.")
        return cleaned

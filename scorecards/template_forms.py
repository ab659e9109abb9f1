"""Forms for editing a scorecard template (a new version) and rating manual criteria.

The edit form is two formsets (criteria; bands) and a note. Whole-version rules — weights
sum to 100, bands cover 0–100 without gap or overlap — are checked by
``template_services.validate_candidate`` and shown above the formset they concern.
"""

import hashlib
import json
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from scorecards import scoring, template_services
from scorecards.models import ScorecardCriterion


class CriterionForm(forms.Form):
    code = forms.SlugField(max_length=50, help_text="What manual ratings name.")
    name = forms.CharField(max_length=200)
    # A blank first choice, so an unused extra row posts nothing and is ignored.
    kind = forms.ChoiceField(choices=[("", "---------"), *ScorecardCriterion.Kind.choices], label="Scoring rule")
    weight = forms.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100))


class BandForm(forms.Form):
    standing = forms.CharField(max_length=50)
    lower = forms.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), label="From score"
    )
    consequence = forms.ChoiceField(choices=list(scoring.CONSEQUENCES.items()), required=False)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True)
BandFormSet = forms.formset_factory(BandForm, extra=1, can_delete=True)


class VersionNoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="What changes, and why.")
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)


def _kept(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The filled-in rows not marked for deletion (blank extra rows are ignored)."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class TemplateEditForms:
    """The note form and the two formsets of a version edit, bound together."""

    def __init__(self, data: Any = None, *, initial: template_services.Candidate | None = None) -> None:
        criteria_initial = (
            [{"code": c.code, "name": c.name, "kind": c.kind, "weight": c.weight} for c in initial.criteria]
            if initial
            else None
        )
        bands_initial = initial.bands if initial else None
        self.note = VersionNoteForm(data, prefix="version")
        self.criteria = CriterionFormSet(data, prefix="criteria", initial=criteria_initial)
        self.bands = BandFormSet(data, prefix="bands", initial=bands_initial)
        self.criteria_errors: list[str] = []
        self.band_errors: list[str] = []
        self.candidate: template_services.Candidate | None = None

    def is_valid(self) -> bool:
        valid = all([self.note.is_valid(), self.criteria.is_valid(), self.bands.is_valid()])
        if not valid:
            return False
        candidate = template_services.Candidate(
            criteria=[
                template_services.CriterionSpec(row["code"], row["name"], row["kind"], row["weight"])
                for row in _kept(self.criteria)
            ],
            bands=[
                {"standing": row["standing"], "lower": float(row["lower"]), "consequence": row.get("consequence") or ""}
                for row in _kept(self.bands)
            ],
            note=self.note.cleaned_data["note"],
        )
        try:
            template_services.validate_candidate(candidate)
        except ValidationError as error:
            messages = error.message_dict
            self.criteria_errors = messages.get("criteria", [])
            self.band_errors = messages.get("bands", [])
            return False
        self.candidate = candidate
        return True

    def fingerprint(self) -> str:
        """A digest of the candidate's criteria and bands: saving needs the one back-tested."""
        assert self.candidate is not None
        payload = {
            "criteria": [[c.code, c.name, c.kind, str(Decimal(c.weight).normalize())] for c in self.candidate.criteria],
            "bands": self.candidate.stored_bands(),
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class RatingForm(forms.Form):
    """The requesting reviewer's rating of one manual criterion (prefix: the criterion's code)."""

    rating = forms.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), required=False, help_text="0–100"
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

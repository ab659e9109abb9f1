"""Forms of the review workflow; every one ends in a ``scorecards.review_services`` call."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from core.filtersets import MonthField
from core.forms import DateInput
from scorecards.models import ScorecardReview
from vendors.models import Provider


def _people() -> Any:
    """Who may own a decision, a plan or an action: active users, by name."""
    return get_user_model().objects.filter(is_active=True).order_by("username")


class ReviewStartForm(forms.Form):
    provider = forms.ModelChoiceField(queryset=Provider.objects.order_by("name"))
    month = MonthField(help_text="The month reviewed, YYYY-MM (the provider needs a scorecard for it).")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("", "—"), *ScorecardReview.Decision.choices], required=False)
    decision_owner = forms.ModelChoiceField(
        queryset=_people(), required=False, label="Decision owner", help_text="Who carries the decision out."
    )
    due_date = forms.DateField(required=False, widget=DateInput(), label="Due date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision_owner"].queryset = _people()  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Comment")


class PlanForm(forms.Form):
    title = forms.CharField(max_length=200)
    owner = forms.ModelChoiceField(queryset=_people())
    due_date = forms.DateField(widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()  # type: ignore[attr-defined]


class ActionForm(forms.Form):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(queryset=_people())
    due_date = forms.DateField(widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Closing note")

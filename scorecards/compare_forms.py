"""The comparison page's selection: 2–5 providers or one service category, and a month range."""

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.http import QueryDict

from core.filtersets import KeyedModelChoiceField, KeyedModelMultipleChoiceField, MonthField, PeriodRangeForm
from core.months import add_months
from scorecards import compare_selectors
from scorecards.comparison import MAX_PROVIDERS, MIN_PROVIDERS

# A longer range would make the score-over-time chart unreadable and the page slow.
MAX_MONTHS = 60


class CompareForm(PeriodRangeForm):
    """Providers by name (or id) or a category by code or name; the range defaults to the data's last 12 months.

    Cleans to ``compared`` (the providers, by name) and ``first``/``last`` (months). The
    default range ends at the latest month with a scorecard for the providers, never at
    today's month: the data may have ended long ago.
    """

    provider = KeyedModelMultipleChoiceField(
        queryset=None,
        keys=("name",),
        required=False,
        label="Providers",
        help_text=f"Choose {MIN_PROVIDERS}–{MAX_PROVIDERS} (Ctrl or ⌘ + click).",
        error_messages={"invalid_choice": "No provider is named “%(value)s”."},
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    category = KeyedModelChoiceField(
        queryset=None,
        keys=("code", "name"),
        required=False,
        label="Or a service category",
        help_text="All its providers (those with a contract for one of its processes).",
        error_messages={"invalid_choice": "No service category is named “%(value)s”."},
    )
    period_from = MonthField(required=False, label="From month (YYYY-MM)")
    period_to = MonthField(
        required=False, label="To month (YYYY-MM)", help_text="Empty: the last 12 months with scorecards."
    )

    def __init__(self, data: QueryDict | None = None, *, user: User | AnonymousUser, **kwargs: Any) -> None:
        providers = compare_selectors.provider_choices(user=user)
        if data is not None and data.getlist("provider"):
            # A typed URL names providers; the select shows them chosen only by id.
            data = data.copy()
            names = {name.casefold(): str(pk) for pk, name in providers.values_list("pk", "name")}
            data.setlist("provider", [names.get(v.strip().casefold(), v) for v in data.getlist("provider")])
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["category"].queryset = compare_selectors.category_choices(user=user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        chosen = list(cleaned.get("provider") or [])
        category = cleaned.get("category")
        if chosen and category:
            raise forms.ValidationError("Choose providers or a service category, not both.")
        if category:
            chosen = compare_selectors.category_providers(user=self.user, category=category)
            if len(chosen) < MIN_PROVIDERS:
                self.add_error(
                    "category",
                    f"{category.name} has {len(chosen)} provider{'s' if len(chosen) != 1 else ''}: "
                    f"at least {MIN_PROVIDERS} are needed to compare.",
                )
                return cleaned
        elif not MIN_PROVIDERS <= len(chosen) <= MAX_PROVIDERS:
            self.add_error(
                "provider", f"Choose {MIN_PROVIDERS} to {MAX_PROVIDERS} providers to compare (you chose {len(chosen)})."
            )
            return cleaned
        first, last = self._range(cleaned.get("period_from"), cleaned.get("period_to"), [p.pk for p in chosen])
        if first is None or last is None:
            raise forms.ValidationError(
                "These providers have no scorecards, savings or compliance results yet: nothing to compare."
            )
        if len(compare_selectors.months_between(first, last)) > MAX_MONTHS:
            self.add_error("period_from", f"Choose at most {MAX_MONTHS} months.")
            return cleaned
        cleaned.update(compared=chosen, first=first, last=last)
        return cleaned

    def _range(
        self, first: dt.date | None, last: dt.date | None, provider_ids: list[int]
    ) -> tuple[dt.date | None, dt.date | None]:
        """The months asked for; a missing end is filled so the range spans the default 12 months."""
        span = compare_selectors.DEFAULT_MONTHS - 1
        if first and last:
            return first, last
        if first:
            return first, add_months(first, span)
        if last:
            return add_months(last, -span), last
        found = compare_selectors.default_range(provider_ids=provider_ids)
        return found if found else (None, None)

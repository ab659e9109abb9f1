"""The page where reviewers rate a provider-month on the manual criteria of the current template.

Everyone with the view permission sees every reviewer's ratings and their median (what
scores the criterion); a user with the add permission (procurement) rates each criterion
0–100 with a comment. Saving rescores that provider-month at once.
"""

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import generic

from core.months import month_start, parse_month
from scorecards import rating_services
from scorecards.models import Scorecard
from scorecards.services import default_version
from scorecards.template_forms import RatingForm
from vendors.models import Provider
from vendors.selectors import provider_list

RATE = "scorecards.add_manualrating"


class ProviderRatingsView(LoginRequiredMixin, PermissionRequiredMixin, generic.TemplateView):
    template_name = "scorecards/provider_ratings.html"
    permission_required = "scorecards.view_manualrating"

    def provider(self) -> Provider:
        return get_object_or_404(provider_list(user=self.request.user), pk=self.kwargs["pk"])

    def month(self) -> dt.date:
        raw = self.request.GET.get("month") or self.request.POST.get("month")
        if raw:
            try:
                return parse_month(raw)
            except ValueError as error:
                messages.warning(self.request, f"{error} Showing the latest month instead.")
        cards = Scorecard.objects.filter(provider_id=self.kwargs["pk"]).order_by("-period")
        latest = cards.filter(score__isnull=False).first() or cards.first()  # the latest month with a score
        return latest.period if latest else month_start(timezone.localdate())

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        provider, month = self.provider(), self.month()
        return self.render(provider, month, self._forms(provider, month))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(RATE):
            raise PermissionDenied("Only procurement rates manual criteria.")
        provider, month = self.provider(), self.month()
        forms = self._forms(provider, month, data=request.POST)
        if not all(form.is_valid() for _, form in forms):
            return self.render(provider, month, forms)
        saved = 0
        try:
            with transaction.atomic():
                for group, form in forms:
                    rating = form.cleaned_data.get("rating")
                    if rating is None:
                        continue  # not rated by this reviewer: nothing to store
                    own = group.by(request.user.pk)
                    comment = form.cleaned_data.get("comment", "")
                    if own is not None and own.rating == rating and own.comment == comment:
                        continue
                    rating_services.manual_rating_save(
                        provider=provider,
                        period=month,
                        criterion=group.criterion.code,
                        reviewer=cast(User, request.user),
                        rating=rating,
                        comment=comment,
                    )
                    saved += 1
        except ValidationError as error:
            for _, form in forms:
                form.add_error(None, error.messages)
            return self.render(provider, month, forms)
        plural = "s" if saved != 1 else ""
        messages.success(request, f"Saved {saved} rating{plural}; the month's scorecard is rescored.")
        return HttpResponseRedirect(f"{request.path}?month={month:%Y-%m}")

    def _forms(self, provider: Provider, month: dt.date, data: Any = None) -> list[tuple[Any, RatingForm]]:
        groups = rating_services.provider_month_ratings(provider, month)
        forms = []
        for group in groups:
            own = group.by(self.request.user.pk)
            initial = {"rating": own.rating, "comment": own.comment} if own else {}
            forms.append((group, RatingForm(data, prefix=group.criterion.code, initial=initial)))
        return forms

    def render(self, provider: Provider, month: dt.date, forms: list[tuple[Any, RatingForm]]) -> HttpResponse:
        version = default_version()
        card = (
            Scorecard.objects.filter(provider=provider, period=month, template_version=version).first()
            if version
            else None
        )
        context = self.get_context_data(
            provider=provider,
            month=month,
            version=version,
            card=card,
            groups=forms,
            can_rate=self.request.user.has_perm(RATE),
        )
        return self.render_to_response(context)

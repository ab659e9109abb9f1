"""Pages for scorecard templates: the list, a template's versions, a version, and the edit with its back-test.

Editing never changes a version: the form (prefilled from the current version) is
back-tested first — the last 12 months of every provider scored under it, beside the stored
scores, nothing saved — and only then offers "Save as version N", which stores the new
version and recomputes history under it in the background.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views import generic

from scorecards import backtest, scoring, selectors, template_services
from scorecards.models import ScorecardTemplate
from scorecards.template_forms import TemplateEditForms


class TemplateListView(LoginRequiredMixin, PermissionRequiredMixin, generic.TemplateView):
    template_name = "scorecards/template_list.html"
    permission_required = "scorecards.view_scorecardtemplate"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["templates"] = selectors.template_list(user=self.request.user).prefetch_related("versions")
        return context


class TemplateDetailView(LoginRequiredMixin, PermissionRequiredMixin, generic.TemplateView):
    """A template and every version of it, newest first."""

    template_name = "scorecards/template_detail.html"
    permission_required = "scorecards.view_scorecardtemplate"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        template = get_object_or_404(selectors.template_list(user=self.request.user), pk=self.kwargs["pk"])
        context.update(
            template=template,
            versions=selectors.template_version_list(user=self.request.user, template_id=template.pk),
            can_change=self.request.user.has_perm("scorecards.add_scorecardtemplateversion"),
        )
        return context


class TemplateVersionView(LoginRequiredMixin, PermissionRequiredMixin, generic.TemplateView):
    """One version: criteria, weights, scoring rules, bands with consequences, note, who and when,
    and the scorecards stored under it (an old version's stay readable here)."""

    template_name = "scorecards/template_version.html"
    permission_required = "scorecards.view_scorecardtemplateversion"
    paginate_by = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        versions = selectors.template_version_list(user=self.request.user, template_id=self.kwargs["pk"])
        version = get_object_or_404(versions, number=self.kwargs["number"])
        cards = selectors.scorecard_list(user=self.request.user).filter(template_version=version)
        page = Paginator(cards, self.paginate_by).get_page(self.request.GET.get("page"))
        current = version.template.current_version
        context.update(
            version=version,
            template=version.template,
            is_current=current is not None and current.pk == version.pk,
            criteria=[
                {"criterion": c, "rule": RULES.get(c.kind, "")} for c in version.criteria.order_by("-weight", "code")
            ],
            bands=_band_rows(version.band_list()),
            page=page,
            can_change=self.request.user.has_perm("scorecards.add_scorecardtemplateversion"),
        )
        return context


# How each kind of criterion turns a month's inputs into 0–100 points (``scorecards.scoring``).
RULES = {
    "sla": "Weighted mean of the measured service levels' attainment: 0 at the minimum level, 100 at the "
    "expected level, linear between.",
    "cost": "Realised against projected savings (100 when the case is met), less 10 per invoice discrepancy.",
    "risk": "100, less 40 per required certification not valid, 20 per chronic breach, 10 per open discrepancy.",
    "manual": "The median of the reviewers' 0–100 ratings (one extreme reviewer cannot swing it).",
}


def _band_rows(bands: list[scoring.Band]) -> list[dict[str, Any]]:
    """Bands highest first with the score range each covers, for display."""
    ordered = sorted(bands, key=lambda b: b.lower, reverse=True)
    rows = []
    for index, band in enumerate(ordered):
        upper = "100" if index == 0 else f"below {ordered[index - 1].lower:g}"
        rows.append(
            {
                "band": band,
                "range": f"{band.lower:g} – {upper}",
                "consequence": scoring.CONSEQUENCES.get(band.consequence, band.consequence),
            }
        )
    return rows


class TemplateEditView(LoginRequiredMixin, PermissionRequiredMixin, generic.TemplateView):
    """Edit a template as a new version: back-test first (nothing saved), then "Save as version N"."""

    template_name = "scorecards/template_edit.html"
    permission_required = "scorecards.add_scorecardtemplateversion"

    def template(self) -> ScorecardTemplate:
        return get_object_or_404(selectors.template_list(user=self.request.user), pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        template = self.template()
        current = template.current_version
        initial = template_services.candidate_from_version(current) if current else None
        return self.render(template, TemplateEditForms(initial=initial))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        template = self.template()
        forms = TemplateEditForms(request.POST)
        if not forms.is_valid():
            return self.render(template, forms)
        assert forms.candidate is not None
        fingerprint = forms.fingerprint()
        if request.POST.get("action") == "save":
            if forms.note.cleaned_data.get("fingerprint") == fingerprint:
                version = template_services.template_version_create(template, forms.candidate, user=request.user)
                messages.success(
                    request,
                    f"Saved {version}. Every stored month is being recomputed under it; "
                    "the earlier versions' scorecards stay readable on their pages.",
                )
                return HttpResponseRedirect(version.get_absolute_url())
            messages.warning(request, "The change differs from the one back-tested: check this back-test, then save.")
        months = template_services.backtest_months()
        result = template_services.template_backtest(template, forms.candidate, months=months)
        current = template.current_version
        new_bands = forms.candidate.band_list()
        old_bands = current.band_list() if current else new_bands
        return self.render(
            template,
            forms,
            result=result,
            months=months,
            directions={id(row): backtest.direction(row, old_bands, new_bands) for row in result.rows},
            fingerprint=fingerprint,
        )

    def render(self, template: ScorecardTemplate, forms: TemplateEditForms, **extra: Any) -> HttpResponse:
        current = template.current_version
        next_number = (current.number if current else 0) + 1
        rows = None
        if "result" in extra:
            directions = extra.pop("directions")
            rows = [{"row": row, "direction": directions[id(row)]} for row in extra["result"].rows]
        context = self.get_context_data(
            template=template, current=current, next_number=next_number, forms=forms, rows=rows, **extra
        )
        return self.render_to_response(context)

"""Reads of scorecards, scoped to the requesting user."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from core.scoping import visible_to
from scorecards.models import ManualRating, Scorecard, ScorecardTemplate, ScorecardTemplateVersion


def scorecard_list(*, user: User | AnonymousUser) -> QuerySet[Scorecard]:
    queryset = Scorecard.objects.select_related("provider", "template_version__template").order_by(
        "-period", "provider__name", "-template_version__number"
    )
    return visible_to(queryset, user, provider_path="provider")


def provider_scorecards(*, user: User | AnonymousUser, provider_id: int, months: int = 12) -> list[Scorecard]:
    """The provider's latest ``months`` scorecards under the default template's current version, latest first."""
    from scorecards.services import default_version

    version = default_version()
    if version is None:
        return []
    queryset = scorecard_list(user=user).filter(provider_id=provider_id, template_version=version)
    return list(queryset.order_by("-period")[:months])


# --- Templates and manual ratings (issue #11: template editing, back-test, ratings) -----


def template_list(*, user: User | AnonymousUser) -> QuerySet[ScorecardTemplate]:
    """Templates are reference data: every signed-in user with the view permission reads them all."""
    return visible_to(ScorecardTemplate.objects.order_by("-is_default", "name"), user, provider_path=None)


def template_version_list(*, user: User | AnonymousUser, template_id: int) -> QuerySet[ScorecardTemplateVersion]:
    queryset = (
        ScorecardTemplateVersion.objects.filter(template_id=template_id)
        .select_related("template", "created_by")
        .prefetch_related("criteria")
        .order_by("-number")
    )
    return visible_to(queryset, user, provider_path=None)


def manual_rating_list(*, user: User | AnonymousUser) -> QuerySet[ManualRating]:
    queryset = ManualRating.objects.select_related("provider", "reviewer").order_by(
        "-period", "provider__name", "criterion", "reviewer__username"
    )
    return visible_to(queryset, user, provider_path="provider")

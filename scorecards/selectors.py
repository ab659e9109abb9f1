"""Reads of scorecards, scoped to the requesting user."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from core.scoping import visible_to
from scorecards.models import Scorecard


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

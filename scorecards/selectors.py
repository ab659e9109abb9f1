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

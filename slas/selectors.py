"""Reads of service levels, scoped to the requesting user."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from core.scoping import visible_to
from slas.models import ServiceLevel


def service_level_list(*, user: User | AnonymousUser) -> QuerySet[ServiceLevel]:
    queryset = ServiceLevel.objects.select_related("contract__provider", "process")
    return visible_to(queryset, user, provider_path="contract__provider")

"""API permissions: any signed-in user may read; writes need Django model permissions."""

from rest_framework.permissions import DjangoModelPermissions


class ModelPermissionsForWrites(DjangoModelPermissions):
    """``DjangoModelPermissions`` that also lets a user through on views without a queryset.

    Reads (GET, HEAD, OPTIONS) need only authentication, which ``IsAuthenticated`` checks
    before this class runs; POST/PUT/PATCH/DELETE need ``add``/``change``/``delete``.
    """

    def has_permission(self, request, view) -> bool:
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return True
        return super().has_permission(request, view)

"""API permissions: Django model permissions for reads as well as writes.

Every role group holds the ``view`` permission of the domain models, so reads work for
every signed-in role, while a bare account (or a token whose user lost its role) sees
nothing. This matches the browser, whose pages require the same ``view`` permission.
"""

from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """``view_<model>`` for GET/HEAD/OPTIONS; ``add``/``change``/``delete`` for writes.

    Views without a model (e.g. the metric catalogue) need a signed-in user who holds some
    permission, i.e. has a role: an account without one sees nothing anywhere.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            user = request.user
            return bool(user and user.is_authenticated and (user.is_superuser or user.get_all_permissions()))
        return super().has_permission(request, view)

"""The portal's routes plus ``/bench/trivial/``: the baseline ``manage.py bench_api`` compares with.

Only ``bpo_portal.settings_bench`` (the benchmark's own server) uses this URLconf, so the
trivial view is not reachable in a deployment.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from bpo_portal.urls import urlpatterns as portal_urlpatterns


def trivial(request: HttpRequest) -> JsonResponse:
    """What a request costs with no work at all: the middleware and a small JSON body."""
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/trivial/", trivial), *portal_urlpatterns]

"""API throttles that fail open: a cache outage must not turn good requests into errors.

DRF's throttles keep their counters in the cache (Redis here). If Redis is briefly
unreachable, a throttle that raises would answer 500 to every API call; these let the
request through and log the problem instead, since throttling is a guard, not the work.
"""

import logging

from rest_framework import throttling

logger = logging.getLogger(__name__)


class FailOpenMixin:
    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except Exception as exc:  # the cache backend's own errors (redis.ConnectionError, ...)
            logger.warning("API throttle skipped, cache unavailable: %s", exc)
            return True


class AnonRateThrottle(FailOpenMixin, throttling.AnonRateThrottle):
    """Requests without credentials, counted per address."""


class UserRateThrottle(FailOpenMixin, throttling.UserRateThrottle):
    """Signed-in requests (session or token), counted per user."""


class TokenRateThrottle(FailOpenMixin, throttling.AnonRateThrottle):
    """The token endpoint, counted per address: it takes passwords, so it is throttled hard."""

    scope = "token"

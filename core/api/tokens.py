"""``POST /api/v1/auth/token/``: a user name and password for a fresh API token."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import formatting
from core.api.authentication import token_expires_at, token_issue
from core.api.throttling import TokenRateThrottle

TokenResponse = inline_serializer(
    "TokenResponse",
    {"token": serializers.CharField(), "expires_at": serializers.DateTimeField(allow_null=True)},
)


class ObtainTokenView(APIView):
    """Exchange a user name and password for a new API token (the old one is revoked)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenRateThrottle]
    serializer_class = AuthTokenSerializer

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenResponse}, auth=[])
    def post(self, request: Request) -> Response:
        username = request.data.get("username") if isinstance(request.data, dict) else None
        if AxesProxyHandler.is_locked(request._request, {"username": username if isinstance(username, str) else None}):
            # Without this the right password answered "Unable to log in with provided credentials".
            cool_off = formatting.duration(get_cool_off(request._request)) or "a while"
            raise exceptions.Throttled(
                detail=f"Too many failed sign-ins: signing in with this user name or from this address is locked "
                f"for {cool_off}. Try again later, or ask an administrator to unlock it."
            )
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = token_issue(serializer.validated_data["user"])
        return Response({"token": token.key, "expires_at": token_expires_at(token)})

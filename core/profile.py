"""The signed-in user's own page: their roles and their API token (renew, revoke)."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import generic
from rest_framework.authtoken.models import Token

from core.api.authentication import token_expired, token_expires_at, token_issue, token_revoke


class ProfileView(LoginRequiredMixin, generic.TemplateView):
    template_name = "account/profile.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        token = Token.objects.filter(user=cast(User, self.request.user)).first()
        context.update(
            token=token,
            token_expires_at=token_expires_at(token) if token else None,
            token_expired=token_expired(token) if token else False,
            roles=sorted(self.request.user.groups.values_list("name", flat=True)),
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("action") == "revoke":
            if token_revoke(cast(User, request.user)):
                messages.success(request, "Your API token is revoked: requests with it are refused from now on.")
        else:
            token = token_issue(cast(User, request.user))
            # The key is shown once, right after it is made; afterwards only its dates are.
            messages.success(request, f"Your new API token: {token.key} — copy it now; the previous one is revoked.")
        return HttpResponseRedirect(reverse("profile"))

"""API tokens that expire and can be revoked.

DRF's ``authtoken`` keeps one token per user with the time it was created; a token older
than ``API_TOKEN_TTL_DAYS`` is refused here, so a leaked token stops working on its own.
Users renew or revoke theirs on the profile page (``core.profile``) or through
``POST /api/v1/auth/token/`` (``core.api.tokens``) (user name and password, throttled, counted by django-axes).
"""

import datetime as dt
import threading
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from core import versions


def token_expires_at(token: Token) -> dt.datetime | None:
    """When ``token`` stops working, or None if tokens never expire (TTL 0)."""
    days = settings.API_TOKEN_TTL_DAYS
    return token.created + dt.timedelta(days=days) if days else None


def token_expired_at(created: dt.datetime) -> float | None:
    """When a token created at ``created`` stops working (a POSIX timestamp), or None if tokens never expire."""
    days = settings.API_TOKEN_TTL_DAYS
    return (created + dt.timedelta(days=days)).timestamp() if days else None


def token_expired(token: Token, *, now: dt.datetime | None = None) -> bool:
    expires = token_expires_at(token)
    return expires is not None and (now or timezone.now()) >= expires


@transaction.atomic
def token_issue(user: User) -> Token:
    """A fresh token for ``user``; the previous one (if any) stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def token_revoke(user: User) -> bool:
    """Delete ``user``'s token; True if there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


class KnownToken(NamedTuple):
    """What the polled lists' fast path (``core.api.fastpath``) needs of a token it has seen."""

    version: int  # the data version when it was checked: any later role or token change bumps it
    user_pk: int
    date_joined: dt.datetime
    created: dt.datetime  # its expiry is checked on every request, from this
    is_superuser: bool  # a superuser holds every permission (the cold path's permission check)


#: Tokens this process authenticated, with the data version of that moment. An entry is used
#: only while the version is the same: a token revoked or renewed (``post_delete`` of a token
#: bumps the version, ``core.apps``), a user deactivated or a role changed all bump it, so the
#: entry stops being used at once (within ``versions.VERSION_SECONDS`` for the fast path's
#: cached version). Bounded: cleared when full.
_known_tokens: dict[str, KnownToken] = {}
_known_tokens_lock = threading.Lock()
KNOWN_TOKENS_MAX = 1024


def known_token(key: str, version: int) -> KnownToken | None:
    """The token ``key`` as last authenticated here, if that was at data version ``version``."""
    entry = _known_tokens.get(key)
    return entry if entry is not None and entry.version == version else None


def token_seen(key: str) -> bool:
    """Whether this process authenticated the token ``key`` at some version (cheap: no version read)."""
    return key in _known_tokens


def _remember_token(key: str, entry: KnownToken) -> None:
    with _known_tokens_lock:
        if len(_known_tokens) >= KNOWN_TOKENS_MAX:
            _known_tokens.clear()
        _known_tokens[key] = entry


def token_deleted(sender: Any, **kwargs: Any) -> None:
    """A token revoked or renewed (or its user deleted): tokens remembered by the fast path stop counting."""
    versions.bump("auth:tokens")


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, refused once the token is older than its TTL."""

    def authenticate_credentials(self, key: str):
        try:
            token = _token_with_version(key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if token_expired(token):
            raise exceptions.AuthenticationFailed("Token expired: renew it on your profile page.")
        _remember(key, token)
        return user, token


def _token_with_version(key: str) -> Token:
    """DRF's own lookup (the token and its user), plus the data version (core.versions) in the same
    round trip: the polled lists need it on every request, and a second query was a third of a 304's time."""
    token = Token.objects.select_related("user").annotate(data_version=versions.version_expression()).get(key=key)
    token.user._data_version = token.data_version  # read by versions.current_for
    return token


def _remember(key: str, token: Token) -> KnownToken:
    user = token.user
    version = getattr(token, "data_version", None) or 0  # annotated by _token_with_version
    known = KnownToken(version, user.pk, user.date_joined, token.created, user.is_superuser)
    _remember_token(key, known)
    return known


def authenticate_known(key: str) -> tuple[KnownToken, User] | None:
    """The token ``key`` checked as :class:`ExpiringTokenAuthentication` checks it (one query) and
    remembered at the current data version, with its user; None where it would refuse it.

    For the cold path of the polled lists (``core.api.fastpath``): after a change, no token is
    known at the new version, and the first poll of every client would otherwise go through DRF.
    """
    try:
        token = _token_with_version(key)
    except Token.DoesNotExist:
        return None
    if not token.user.is_active or token_expired(token):
        return None
    return _remember(key, token), token.user

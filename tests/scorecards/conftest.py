"""Procurement users: scorecards (templates, manual ratings) are theirs to change."""

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core import roles
from tests.factories import UserFactory


def token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def procurement_user(db):
    return UserFactory(username="procurement-user", role=roles.PROCUREMENT)


@pytest.fixture
def procurement_api(procurement_user) -> APIClient:
    return token_client(procurement_user)


@pytest.fixture
def roleless_api(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.create_user("norole-sc", password="x"))
    return client

"""Shared fixtures: users in each role, API clients, and the real services the suite uses."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core import roles
from tests.factories import UserFactory

pytest_plugins = ["tests.fixtures.services"]


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory):
    """Uploaded files of the tests (and of the workers they start) go to a scratch folder."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture
def imported(django_capture_on_commit_callbacks):
    """Submit a report and run its import as the commit would, returning the fresh report."""
    from tests.reports.helpers import submit

    def run(contract, content: bytes, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report = submit(contract, content, **kwargs)
        report.refresh_from_db()
        return report

    return run


@pytest.fixture
def ops_user(db):
    return UserFactory(username="ops-user", role=roles.OPERATIONS)


@pytest.fixture
def viewer_user(db):
    return UserFactory(username="viewer-user", role=roles.VIEWER)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def _token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def ops_api(ops_user) -> APIClient:
    """An API client authenticated by token as a member of the operations role."""
    return _token_client(ops_user)


@pytest.fixture
def viewer_api(viewer_user) -> APIClient:
    """An API client authenticated by token as a read-only viewer."""
    return _token_client(viewer_user)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report

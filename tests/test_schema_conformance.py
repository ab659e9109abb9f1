"""The OpenAPI schema is a contract: run every GET operation as a generated client would.

Schemathesis generates requests from the schema (query parameters, path parameters; valid
ones and, as a client's bugs would, invalid ones) and sends them through the WSGI app,
authenticated by token as an operations user, against seeded data; every answer must be no
server error, a documented status code, a documented content type, and a body that matches
the documented schema. Each detail route is also called with the id of a seeded object, so
200 bodies are checked, not only 404s.
Generation is derandomized (the same cases on every run) and bounded, so the test is stable
and runs in well under two minutes; ``BPO_SCHEMATHESIS_EXAMPLES=200`` explores further with
random cases.
"""

import datetime as dt
import os

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bpo_portal.wsgi import application
from core import roles
from documents.services import DocumentUpload, document_upload
from reports.models import ReportLayout
from scorecards import review_services
from scorecards.models import StandingConsequence
from scorecards.services import recompute_scorecards
from slas import services
from tests.factories import CertificationFactory, ContactFactory, ContractFactory, ServiceLevelFactory, UserFactory
from tests.reports.helpers import canonical_csv, work_item

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# CI's bound; explore deeper (and with fresh random cases) with e.g. BPO_SCHEMATHESIS_EXAMPLES=200.
MAX_EXAMPLES = int(os.environ.get("BPO_SCHEMATHESIS_EXAMPLES", "12"))
DERANDOMIZE = "BPO_SCHEMATHESIS_EXAMPLES" not in os.environ


@pytest.fixture
def seeded(imported, ops_api):
    """A provider with a contact and a certification, a contract with an SLA, an imported
    month and its compliance results: one of everything the GET routes serve."""
    sla = ServiceLevelFactory(contract=ContractFactory(reference="MSA-2025-001"))
    contract = sla.contract
    ContactFactory(provider=contract.provider)
    CertificationFactory(provider=contract.provider)
    october = dt.date(2026, 10, 1)
    rows = [work_item(n, received_at="2026-10-03T09:00:00+00:00") for n in range(150)]
    rows.append(work_item(150, received_at="2026-10-03T09:00:00+00:00", wait_seconds="soon"))  # one rejected row
    report = imported(contract, canonical_csv(rows), period=(october, dt.date(2026, 10, 31)))
    services.recompute_compliance(contract=contract, month=october, now=dt.datetime(2026, 11, 10, tzinfo=dt.UTC))
    document = document_upload(DocumentUpload(owner=contract, upload=SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n")))
    [card] = recompute_scorecards(provider_ids=[contract.provider_id], months=[october])
    buyer = UserFactory(username="seeded-buyer", role=roles.PROCUREMENT)
    review, _ = review_services.review_start(provider=contract.provider, period=october, user=buyer)
    plan = review_services.plan_create(
        review,
        user=buyer,
        title="Plan",
        owner=buyer,
        due_date=october,
        actions=[{"description": "Act", "owner": buyer, "due_date": october}],
    )
    consequence = StandingConsequence.objects.create(
        provider=contract.provider, period=october, scorecard=card, kind="probation", standing="watch"
    )
    return {
        "scorecards": card.pk,
        "scorecard-reviews": review.pk,
        "improvement-plans": plan.pk,
        "improvement-actions": plan.actions.get().pk,
        "standing-consequences": consequence.pk,
        "providers": contract.provider_id,
        "contacts": contract.provider.contacts.first().pk,
        "certifications": contract.provider.certifications.first().pk,
        "categories": contract.processes.first().category_id,
        "processes": contract.processes.first().pk,
        "contracts": contract.reference,
        "service-levels": sla.pk,
        "compliance": sla.results.first().pk,
        "reports": report.pk,
        "report-layouts": ReportLayout.objects.filter(versions__isnull=False).first().pk,
        "documents": document.pk,
    }


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Requests go straight to the WSGI handler, which closes the database connection after
    each one; like Django's test client, keep the test's connection (and its transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _get_operations():
    loaded = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    for result in loaded.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "GET" and operation.path.startswith("/api/v1/"):
            yield operation


def test_every_get_operation_conforms_to_the_schema(seeded, ops_user, wsgi_keeps_the_test_connection):
    token = ops_user.auth_token.key
    headers = {"Authorization": f"Token {token}"}
    failures: list[str] = []
    operations = list(_get_operations())
    assert len(operations) >= 20

    for operation in operations:

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=DERANDOMIZE,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")

        collection = operation.path.removeprefix("/api/v1/").split("/")[0]
        if "{" in operation.path and collection in seeded:
            parameter = next(p.name for p in operation.path_parameters)
            case = operation.Case(path_parameters={parameter: seeded[collection]}, query={"month": "2026-10"})
            if "credits" not in operation.path:
                case.query = {}
            try:
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                assert response.status_code == 200, (operation.path, response.status_code, response.text[:300])
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.method.upper()} {operation.path} (seeded): {exc}")

    assert not failures, "\n\n".join(failures)

"""Documents on contracts and providers: upload (browser and API), who may download, refused
files with their reason, size limit, duplicates, download headers, the page and the history."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from documents import selectors
from documents.models import Document
from tests.documents.helpers import EXE, PNG, pdf, xlsx
from tests.factories import ContractFactory, ProviderFactory, UserFactory


@pytest.fixture
def contract(db):
    return ContractFactory(reference="MSA-DOC-1", provider=ProviderFactory(name="Manila Care"))


@pytest.fixture
def ops_browser(ops_user) -> Client:
    client = Client()
    client.force_login(ops_user)
    return client


@pytest.fixture
def viewer_browser(viewer_user) -> Client:
    client = Client()
    client.force_login(viewer_user)
    return client


def _browser_upload(client: Client, owner_kind: str, pk: int, name: str, content: bytes, **fields):
    data = {"kind": "other", "title": "", "file": SimpleUploadedFile(name, content), **fields}
    return client.post(f"/documents/add/{owner_kind}/{pk}/", data)


def _api_upload(api: APIClient, name: str, content: bytes, **fields):
    return api.post("/api/v1/documents/", {"file": SimpleUploadedFile(name, content), **fields}, format="multipart")


@pytest.fixture
def signed(ops_api, contract) -> Document:
    answer = _api_upload(ops_api, "signed.pdf", pdf("signed"), contract=contract.reference, kind="signed_contract")
    assert answer.status_code == 201, answer.content
    return Document.objects.get(pk=answer.json()["id"])


# --- uploading ---------------------------------------------------------------------------


def test_browser_upload_to_a_contract_shows_on_its_page_and_in_the_history(ops_browser, ops_user, contract):
    page = ops_browser.get(contract.get_absolute_url()).content.decode()
    assert 'data-panel-body="documents"' in page and "Attach a document" in page

    answer = _browser_upload(
        ops_browser,
        "contract",
        contract.pk,
        "MSA signed.pdf",
        pdf(),
        kind="signed_contract",
        title="Master services agreement",
        valid_from="2026-01-01",
        valid_until="2028-12-31",
    )
    assert answer.status_code == 302 and answer["Location"] == f"{contract.get_absolute_url()}#documents"
    document = Document.objects.get(contract=contract)
    assert (document.kind, document.title, document.original_name) == (
        "signed_contract",
        "Master services agreement",
        "MSA signed.pdf",
    )
    assert document.content_type == "application/pdf" and document.size == len(pdf())
    assert document.uploaded_by == ops_user and document.provider is None
    assert document.file.name.startswith(f"documents/contract-{contract.pk}/{document.sha256[:12]}-")

    page = ops_browser.get(contract.get_absolute_url()).content.decode()
    assert "Master services agreement" in page and f"/documents/{document.pk}/file/" in page
    assert "2026-01-01" in page or "Jan. 1, 2026" in page

    history = document.history.all()
    assert [(h.history_type, h.history_user) for h in history] == [("+", ops_user)]
    detail = ops_browser.get(document.get_absolute_url()).content.decode()
    assert "History" in detail and "ops-user" in detail and "created" in detail


def test_browser_upload_to_a_provider_shows_on_its_page(ops_browser, contract):
    provider = contract.provider
    answer = _browser_upload(ops_browser, "provider", provider.pk, "iso27001.png", PNG, kind="certificate")
    assert answer.status_code == 302, answer.content.decode()
    document = Document.objects.get(provider=provider)
    assert document.title == "iso27001" and document.content_type == "image/png"
    page = ops_browser.get(provider.get_absolute_url()).content.decode()
    assert "iso27001" in page and "Certificate" in page
    # A provider's own documents are not listed on its contracts' pages.
    assert "iso27001" not in ops_browser.get(contract.get_absolute_url()).content.decode()


def test_api_upload_to_a_contract_and_a_provider_by_reference_and_name(ops_api, ops_user, contract):
    answer = _api_upload(ops_api, "amendment-1.pdf", pdf("a1"), contract="MSA-DOC-1", kind="amendment")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["contract"] == contract.pk and body["contract_reference"] == "MSA-DOC-1" and body["provider"] is None
    assert (body["kind"], body["title"], body["content_type"]) == ("amendment", "amendment-1", "application/pdf")
    assert body["uploaded_by"] == "ops-user" and body["size"] == len(pdf("a1")) and len(body["sha256"]) == 64
    assert answer["Location"] == body["url"] and body["file_url"].endswith(f"/api/v1/documents/{body['id']}/file/")

    rates = _api_upload(ops_api, "rates.xlsx", xlsx(), provider="Manila Care", title="Rate card")
    assert rates.status_code == 201, rates.content
    assert rates.json()["provider"] == contract.provider_id and rates.json()["provider_name"] == "Manila Care"

    by_contract = ops_api.get("/api/v1/documents/?contract=MSA-DOC-1").json()
    assert [d["title"] for d in by_contract["results"]] == ["amendment-1"]
    by_provider = ops_api.get("/api/v1/documents/?provider=manila care").json()  # its own and its contracts'
    assert {d["title"] for d in by_provider["results"]} == {"amendment-1", "Rate card"}
    assert ops_api.get("/api/v1/documents/?provider=Manila Care&attached_to=provider").json()["count"] == 1
    assert ops_api.get("/api/v1/documents/?contract=NOPE").status_code == 400

    history = ops_api.get(f"/api/v1/documents/{body['id']}/history/").json()
    assert [(e["action"], e["who"]) for e in history] == [("created", "ops-user")]


def test_api_upload_needs_exactly_one_owner(ops_api, contract):
    both = _api_upload(ops_api, "x.pdf", pdf(), contract=contract.reference, provider=contract.provider.name)
    neither = _api_upload(ops_api, "x.pdf", pdf())
    for answer in (both, neither):
        assert answer.status_code == 400
        assert "either a contract or a provider" in answer.json()["detail"]
    assert not Document.objects.exists()


def test_the_database_refuses_a_document_of_both_or_neither(contract):
    with pytest.raises(IntegrityError):
        Document.objects.create(
            contract=contract, provider=contract.provider, title="x", file="x", sha256="0" * 64, size=1
        )


def test_the_database_refuses_the_same_file_twice_on_one_object(contract):
    """What answers 409 when two requests upload the same file at the same moment."""
    fields = {"title": "x", "file": "x", "sha256": "2" * 64, "size": 1}
    Document.objects.create(contract=contract, **fields)
    Document.objects.create(provider=contract.provider, **fields)  # another object: allowed
    with pytest.raises(IntegrityError):
        Document.objects.create(contract=contract, **fields)


def test_the_list_filters_by_kind_and_validity(ops_api, contract):
    for name, kind, until in (("iso.pdf", "certificate", "1999-12-31"), ("pci.pdf", "certificate", "2030-01-01")):
        _api_upload(ops_api, name, pdf(name), provider=contract.provider_id, kind=kind, valid_until=until)
    _api_upload(ops_api, "msa.pdf", pdf("msa"), contract=contract.pk, kind="signed_contract")
    valid = ops_api.get("/api/v1/documents/?kind=certificate&valid_on=2026-11-29").json()["results"]
    assert [d["title"] for d in valid] == ["pci"]
    assert ops_api.get("/api/v1/documents/?kind=certificate").json()["count"] == 2
    assert ops_api.get("/api/v1/documents/?valid_on=someday").status_code == 400


# --- refused files -----------------------------------------------------------------------


def test_a_disallowed_type_is_refused_with_the_reason(ops_browser, ops_api, contract):
    answer = _browser_upload(ops_browser, "contract", contract.pk, "setup.exe", EXE)
    assert answer.status_code == 400
    assert "“.exe” files are not accepted" in answer.content.decode()

    disguised = _api_upload(ops_api, "invoice.pdf", xlsx(), contract=contract.reference)
    assert disguised.status_code == 400
    assert "named “.pdf” but its content is XLSX data" in disguised.json()["errors"]["file"][0]
    assert not Document.objects.exists()


def test_an_oversized_file_is_refused(ops_browser, ops_api, contract, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 100
    big = pdf("x" * 200)
    api = _api_upload(ops_api, "big.pdf", big, contract=contract.reference)
    assert api.status_code == 413
    assert "documents may be at most 100 bytes" in api.json()["detail"]

    form = _browser_upload(ops_browser, "contract", contract.pk, "big.pdf", big)
    assert form.status_code == 413
    assert "documents may be at most 100 bytes" in form.content.decode()
    assert not Document.objects.exists()


def test_an_upload_declared_larger_than_the_limit_is_refused_unread(ops_browser, ops_api, contract, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1000
    huge = pdf("x" * 200_000)  # beyond the limit plus the multipart allowance
    form = _browser_upload(ops_browser, "contract", contract.pk, "huge.pdf", huge)
    assert form.status_code == 413
    assert "The upload is" in form.content.decode() and "at most 1,000 bytes" in form.content.decode()
    assert _api_upload(ops_api, "huge.pdf", huge, contract=contract.reference).status_code == 413
    assert not Document.objects.exists()


def test_the_same_file_twice_on_one_object_is_a_conflict(ops_browser, ops_api, contract, signed):
    again = _api_upload(ops_api, "copy.pdf", pdf("signed"), contract=contract.pk)
    assert again.status_code == 409
    body = again.json()
    assert "already attached to MSA-DOC-1" in body["detail"] and body["existing"].endswith(f"/documents/{signed.pk}/")

    form = _browser_upload(ops_browser, "contract", contract.pk, "copy.pdf", pdf("signed"))
    assert form.status_code == 409 and "already attached" in form.content.decode()
    assert Document.objects.count() == 1

    # The same file on another object is another document.
    other = ContractFactory(provider=contract.provider)
    assert _api_upload(ops_api, "signed.pdf", pdf("signed"), contract=other.pk).status_code == 201
    assert _api_upload(ops_api, "signed.pdf", pdf("signed"), provider=contract.provider_id).status_code == 201


# --- who may download --------------------------------------------------------------------


def _assert_download(answer, document: Document, content: bytes) -> None:
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == content
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == 'attachment; filename="signed.pdf"'
    assert answer["X-Content-Type-Options"] == "nosniff"


def test_a_viewer_downloads_with_the_headers(viewer_browser, viewer_api, viewer_user, signed):
    _assert_download(viewer_browser.get(f"/documents/{signed.pk}/file/"), signed, pdf("signed"))
    _assert_download(viewer_api.get(f"/api/v1/documents/{signed.pk}/file/"), signed, pdf("signed"))
    token = Token.objects.get(user=viewer_user).key  # the browser's route with a token, no session
    _assert_download(
        Client().get(f"/documents/{signed.pk}/file/", HTTP_AUTHORIZATION=f"Token {token}"), signed, pdf("signed")
    )
    page = viewer_browser.get(signed.contract.get_absolute_url()).content.decode()
    assert "signed" in page and "Attach a document" not in page  # no upload form without the add permission


def test_a_user_without_a_role_gets_403(db, signed):
    nobody = UserFactory(username="no-role")
    browser = Client()
    browser.force_login(nobody)
    assert browser.get(f"/documents/{signed.pk}/file/").status_code == 403
    assert browser.get("/documents/").status_code == 403
    api = APIClient()
    api.force_authenticate(nobody)
    assert api.get(f"/api/v1/documents/{signed.pk}/file/").status_code == 403
    assert api.get("/api/v1/documents/").status_code == 403
    assert Client().get(f"/documents/{signed.pk}/file/").status_code == 302  # to the sign-in page


def test_a_viewer_may_not_upload_or_delete(viewer_browser, viewer_api, contract, signed):
    assert _browser_upload(viewer_browser, "contract", contract.pk, "x.pdf", pdf("x")).status_code == 403
    assert _api_upload(viewer_api, "x.pdf", pdf("x"), contract=contract.pk).status_code == 403
    assert viewer_api.delete(f"/api/v1/documents/{signed.pk}/").status_code == 403
    assert viewer_browser.post(f"/documents/{signed.pk}/delete/").status_code == 403
    assert Document.objects.count() == 1


def _scoped_to(provider_name: str):
    """A stand-in for per-vendor scoping (``core.scoping.visible_to`` shows everything to every
    role today): a user who may see only ``provider_name``'s objects."""

    def visible_to(queryset, user, *, provider_path):
        if provider_path is None:
            return queryset
        field = f"{provider_path}__name" if provider_path else "name"
        return queryset.filter(**{field: provider_name})

    return visible_to


def test_a_user_who_cannot_see_the_object_gets_404(monkeypatch, viewer_browser, viewer_api, contract, signed):
    other = ContractFactory(provider=ProviderFactory(name="Other BPO"))
    hidden = Document.objects.create(
        contract=other, title="Hidden", file="documents/x.pdf", sha256="1" * 64, size=1, content_type="application/pdf"
    )
    monkeypatch.setattr(selectors, "visible_to", _scoped_to("Manila Care"))
    assert viewer_browser.get(f"/documents/{hidden.pk}/file/").status_code == 404
    assert viewer_browser.get(f"/documents/{hidden.pk}/").status_code == 404
    assert viewer_api.get(f"/api/v1/documents/{hidden.pk}/").status_code == 404
    assert viewer_api.get(f"/api/v1/documents/{hidden.pk}/file/").status_code == 404
    assert [d["id"] for d in viewer_api.get("/api/v1/documents/").json()["results"]] == [signed.pk]
    assert viewer_browser.get(f"/documents/{signed.pk}/file/").status_code == 200


def test_uploading_to_an_object_not_visible_is_404(ops_browser, ops_api, monkeypatch, contract):
    from contracts import selectors as contract_selectors

    monkeypatch.setattr(contract_selectors, "visible_to", _scoped_to("Someone else"))
    assert _browser_upload(ops_browser, "contract", contract.pk, "x.pdf", pdf()).status_code == 404
    answer = _api_upload(ops_api, "x.pdf", pdf(), contract=contract.reference)
    assert answer.status_code == 400 and "contract" in answer.json()["errors"]
    assert ops_browser.post("/documents/add/invoice/1/").status_code == 404


# --- deleting ----------------------------------------------------------------------------


def test_operations_delete_in_the_browser_and_the_file_goes(
    ops_browser, ops_user, contract, signed, django_capture_on_commit_callbacks
):
    storage, name = signed.file.storage, signed.file.name
    assert storage.exists(name)
    assert ops_browser.get(f"/documents/{signed.pk}/delete/").status_code == 200  # the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        answer = ops_browser.post(f"/documents/{signed.pk}/delete/")
    assert answer.status_code == 302 and answer["Location"] == f"{contract.get_absolute_url()}#documents"
    assert not Document.objects.exists() and not storage.exists(name)
    records = Document.history.filter(id=signed.pk).order_by("history_date")
    assert [(r.history_type, r.history_user) for r in records] == [("+", ops_user), ("-", ops_user)]


def test_operations_delete_through_the_api(ops_api, signed):
    assert ops_api.delete(f"/api/v1/documents/{signed.pk}/").status_code == 204
    assert ops_api.get(f"/api/v1/documents/{signed.pk}/").status_code == 404


def test_a_contract_with_documents_is_not_deleted_with_them(ops_api, contract, signed):
    answer = ops_api.delete(f"/api/v1/contracts/{contract.reference}/")
    assert answer.status_code == 400 and "signed" in answer.json()["detail"]
    assert Document.objects.filter(pk=signed.pk).exists()


# --- the list and the schema -------------------------------------------------------------


def test_the_documents_list_page_filters(ops_browser, contract, signed):
    page = ops_browser.get("/documents/?contract=MSA-DOC-1").content.decode()
    assert "signed" in page and "Attached to" in page
    export = ops_browser.get("/documents/?export=csv")
    assert export.status_code == 200 and b"signed.pdf" in b"".join(export.streaming_content)


def test_the_schema_documents_upload_answers(ops_api):
    schema = ops_api.get("/api/schema/?format=json").json()
    upload = schema["paths"]["/api/v1/documents/"]["post"]
    assert {"201", "400", "401", "403", "409", "413"} <= set(upload["responses"])
    assert upload["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "DuplicateErrorResponse"
    )
    assert "multipart/form-data" in upload["requestBody"]["content"]
    download = schema["paths"]["/api/v1/documents/{id}/file/"]["get"]["responses"]
    assert {"200", "403", "404"} <= set(download)
    listing = {p["name"] for p in schema["paths"]["/api/v1/documents/"]["get"]["parameters"]}
    assert {"contract", "provider", "kind", "valid_on", "q"} <= listing

"""Browser views: the documents panel of contract and provider pages, upload, download, delete."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html

from contracts.models import Contract
from contracts.selectors import contract_list
from core.auth import token_auth
from core.views import ObjectDeleteView, ObjectDetailView, ObjectListView, stored_file_response
from documents import filtersets, selectors, services, tables
from documents.forms import DocumentUploadForm
from documents.models import Document
from vendors.selectors import provider_list

OWNERS: dict[str, Callable[..., Any]] = {"contract": contract_list, "provider": provider_list}


def documents_panel(request: HttpRequest, obj: Model) -> dict[str, Any] | None:
    """The Documents section of a contract or provider page: the list and, for those who may, the upload form."""
    if not request.user.has_perm("documents.view_document"):
        return None
    owner = "contract" if isinstance(obj, Contract) else "provider"
    can_add = request.user.has_perm("documents.add_document")
    return {
        "documents": list(selectors.documents_of(obj, user=request.user)),
        "form": DocumentUploadForm(auto_id="id_document_%s") if can_add else None,
        "upload_url": reverse("documents:document_upload", args=[owner, obj.pk]),
        "can_delete": request.user.has_perm("documents.delete_document"),
    }


def refuse_oversized_document(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark an upload view: ``DocumentUploadSizeMiddleware`` answers 413 for a POST whose
    ``Content-Length`` is over ``DOCUMENT_MAX_UPLOAD_BYTES``, before the body is read."""
    view.document_upload_size_limited = True  # type: ignore[attr-defined]  # copied outwards by @wraps
    return view


def upload_too_large(request: HttpRequest, message: str, kwargs: dict[str, Any]) -> HttpResponse:
    """The 413 answer: the upload form again with the reason (plain text before signing in)."""
    if not request.user.is_authenticated:
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    owners = OWNERS.get(kwargs.get("owner_kind", ""))
    owner = owners(user=request.user).filter(pk=kwargs.get("pk")).first() if owners else None
    context = {"form": DocumentUploadForm(), "owner": owner, "refused": message}
    return render(request, "documents/upload.html", context, status=413)


@login_required
@permission_required("documents.add_document", raise_exception=True)
@refuse_oversized_document
def document_upload(request: HttpRequest, owner_kind: str, pk: int) -> HttpResponse:
    """Attach a file to a contract or a provider; back to its page, or the form with the reason."""
    owner = get_object_or_404(OWNERS[owner_kind](user=request.user), pk=pk)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = services.document_upload(
                    services.DocumentUpload(
                        owner=owner,
                        upload=data["file"],
                        kind=data["kind"],
                        title=data["title"],
                        valid_from=data["valid_from"],
                        valid_until=data["valid_until"],
                        user=request.user,  # type: ignore[arg-type]  # signed in
                    )
                )
            except services.DuplicateDocumentError as exc:
                status = 409
                form.add_error(
                    "file",
                    format_html('{} <a href="{}">Open it</a>.', exc.messages[0], exc.existing.get_absolute_url()),
                )
            except services.DocumentTooLargeError as exc:
                status = 413
                _add_errors(form, exc)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"Attached “{document.title}” ({document.original_name}).")
                return HttpResponseRedirect(f"{owner.get_absolute_url()}#documents")
    return render(request, "documents/upload.html", {"form": form, "owner": owner}, status=status)


def _add_errors(form: DocumentUploadForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@token_auth
@login_required
@permission_required("documents.view_document", raise_exception=True)
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    """The stored file, to whoever may see the document's contract or provider."""
    document = get_object_or_404(selectors.document_list(user=request.user), pk=pk)
    return file_response(document)


def file_response(document: Document) -> FileResponse:
    """The file as an attachment, typed as its content showed, never to be sniffed by the browser."""
    response = stored_file_response(document.file, document.original_name)
    response["Content-Type"] = document.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


class DocumentListView(ObjectListView):
    model = Document
    selector = staticmethod(selectors.document_list)
    filterset_class = filtersets.DocumentFilterSet
    table_class = tables.DocumentTable


class DocumentDetailView(ObjectDetailView):
    model = Document
    selector = staticmethod(selectors.document_list)
    template_name = "documents/document_detail.html"


class DocumentDeleteView(ObjectDeleteView):
    """Delete (operations); back to the contract or provider page it belonged to."""

    model = Document
    selector = staticmethod(selectors.document_list)

    def form_valid(self, form) -> HttpResponse:
        document = self.get_object()
        owner = document.owner
        try:
            services.document_delete(document, user=self.request.user)  # type: ignore[arg-type]  # signed in
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return HttpResponseRedirect(document.get_absolute_url())
        messages.success(self.request, f"Deleted document “{document}”.")
        return HttpResponseRedirect(f"{owner.get_absolute_url()}#documents")

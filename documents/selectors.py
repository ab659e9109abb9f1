"""Reads of documents, scoped to the requesting user through the object each belongs to."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, Q, QuerySet

from contracts.models import Contract
from core.scoping import visible_to
from documents.models import Document
from vendors.models import Provider


def document_list(*, user: User | AnonymousUser) -> QuerySet[Document]:
    """The documents of the contracts and providers ``user`` may see.

    A document has no provider path of its own (it hangs off a contract or a provider), so
    the scoping function is applied to each kind of owner and the documents follow them.
    """
    contracts = visible_to(Contract.objects.all(), user, provider_path="provider")
    providers = visible_to(Provider.objects.all(), user, provider_path="")
    return (
        Document.objects.select_related("contract__provider", "provider", "uploaded_by")
        .filter(Q(contract__in=contracts.values("pk")) | Q(provider__in=providers.values("pk")))
        .order_by("-uploaded_at", "-pk")
    )


def documents_of(owner: Model, *, user: User | AnonymousUser) -> QuerySet[Document]:
    """The documents attached to one contract or provider (not those of a provider's contracts)."""
    field = "contract" if isinstance(owner, Contract) else "provider"
    return document_list(user=user).filter(**{field: owner})

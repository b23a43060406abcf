"""Reads of the credentials app: what the views and the CLI look up."""

from __future__ import annotations

import uuid
from typing import Any

from microcred.credentials import models as m
from microcred.credentials.core import ControllerDocumentResolver, StatusList, verify_credential
from microcred.credentials.core.verify import VerificationReport
from microcred.credentials.services import Instance


def credential_by_uuid(value: str | uuid.UUID) -> m.IssuedCredential | None:
    try:
        key = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None
    return m.IssuedCredential.objects.select_related("programme").filter(uuid=key).first()


def local_status_lists(instance: Instance | None = None) -> dict[str, StatusList]:
    """This instance's status lists by URL (trusted: they come from our own database)."""
    instance = instance or Instance.current()
    return {
        instance.status_url(row.slug): StatusList.decode(row.encoded_list, row.purpose)  # type: ignore[arg-type]
        for row in m.StatusList.objects.all()
    }


def local_resolver(instance: Instance | None = None) -> ControllerDocumentResolver:
    """did:key always; did:web only for this instance's own DID document."""
    instance = instance or Instance.current()
    documents: list[dict[str, Any]] = []
    if instance.public_base_url:
        documents.append(instance.keyring.did_web_document(instance.public_base_url))
    return ControllerDocumentResolver(documents)


def verify_document(document: Any, instance: Instance | None = None) -> VerificationReport:
    """Verify a credential against this instance's DID document and status lists."""
    instance = instance or Instance.current()
    return verify_credential(
        document, resolver=local_resolver(instance), status_lists=local_status_lists(instance)
    )

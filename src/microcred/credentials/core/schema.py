"""Structural checks: VC data model basics, and the Open Badges 3.0 JSON Schema.

JSON-LD processing happily accepts documents that are not credentials at all (no issuer, no
subject), and Open Badges consumers validate against the 1EdTech JSON Schema before anything
else, so we check the same things and report them in the same terms.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

from microcred.credentials.core.errors import SchemaViolationError

__all__ = [
    "OB_CONTEXT_PREFIX",
    "is_open_badge",
    "validate_structure",
]

VC_CONTEXTS = ("https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1")
OB_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})


@cache
def _ob_validator() -> jsonschema.Draft201909Validator:
    text = (
        resources.files("microcred.specdata")
        .joinpath("schemas", "ob_v3p0_achievementcredential_schema.json")
        .read_text("utf-8")
    )
    schema = json.loads(text)
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(schema)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def is_open_badge(document: Mapping[str, Any]) -> bool:
    contexts = _as_list(document.get("@context"))
    types = _as_list(document.get("type"))
    return any(isinstance(c, str) and c.startswith(OB_CONTEXT_PREFIX) for c in contexts) or any(
        t in OB_TYPES for t in types
    )


def validate_structure(document: Mapping[str, Any]) -> str:
    """Raise ``SchemaViolationError`` with a readable reason; return what was checked."""
    contexts = _as_list(document.get("@context"))
    if not contexts or contexts[0] not in VC_CONTEXTS:
        raise SchemaViolationError(
            "the first @context must be the W3C Verifiable Credentials context"
        )
    if "VerifiableCredential" not in _as_list(document.get("type")):
        raise SchemaViolationError("'type' must include 'VerifiableCredential'")
    issuer = document.get("issuer")
    if not (
        isinstance(issuer, str)
        or (isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str))
    ):
        raise SchemaViolationError("'issuer' must be a URL or an object with an 'id'")
    subjects = _as_list(document.get("credentialSubject"))
    if not subjects or not all(isinstance(s, Mapping) for s in subjects):
        raise SchemaViolationError("'credentialSubject' must be an object (or a list of objects)")
    if not is_open_badge(document):
        return "has the shape of a W3C Verifiable Credential"
    error = best_match(_ob_validator().iter_errors(dict(document)))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise SchemaViolationError(f"Open Badges 3.0 schema: at {where}: {error.message}")
    return "is valid against the Open Badges 3.0 AchievementCredential JSON Schema"

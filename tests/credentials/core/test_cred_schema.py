from __future__ import annotations

import copy
from typing import Any

import pytest

from microcred.credentials.core.errors import SchemaViolationError
from microcred.credentials.core.schema import is_open_badge, validate_structure


def test_ob_vector_is_valid(ob_vector: dict[str, Any]) -> None:
    assert is_open_badge(ob_vector["signed"])
    assert "Open Badges 3.0" in validate_structure(ob_vector["signed"])


@pytest.mark.parametrize(
    ("path", "value", "match"),
    [
        (
            ("@context",),
            ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "first @context",
        ),
        (("type",), ["OpenBadgeCredential"], "VerifiableCredential"),
        (("issuer",), {"name": "No id"}, "issuer"),
        (("credentialSubject",), "did:example:x", "credentialSubject"),
        (("validFrom",), None, "validFrom"),
        (("credentialSubject", "achievement", "criteria"), None, "criteria"),
    ],
)
def test_violations_are_explained(
    ob_vector: dict[str, Any], path: tuple[str, ...], value: Any, match: str
) -> None:
    document = copy.deepcopy(ob_vector["signed"])
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if value is None:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    with pytest.raises(SchemaViolationError, match=match):
        validate_structure(document)

"""Benchmark: eddsa-rdfc-2022 sign/verify throughput per core for an OB 3.0-like credential.

Compares, in the same run and on the same credential:
* microcred's signer/verifier (pinned contexts, safe mode, own RDFC-1.0 with a work limit);
* a plain pyld-based signer (pyld ``normalize`` with URDNA2015, then SHA-256 + Ed25519), i.e.
  what one gets without safe mode and without the work limit;
* raw Ed25519 sign/verify of the same canonical bytes (the floor: no JSON-LD at all).

Run with ``python -m bench`` (via ``make bench``) or ``python -m bench.credentials``.
Everything runs in one process, so figures are per core.
"""

from __future__ import annotations

import hashlib
import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pyld import jsonld  # type: ignore[import-untyped]

from microcred.credentials.core import (
    ControllerDocumentResolver,
    IssuerKey,
    StatusList,
    build_did_web_document,
    build_status_entry,
    hash_for_proof,
    sign_credential,
    verify_credential,
    verify_proof,
)
from microcred.credentials.core.jsonld import load_context
from microcred.credentials.core.keys import verify_ed25519
from microcred.credentials.core.multibase import decode_base58btc, encode_base58btc

SECONDS_PER_CASE = float(os.environ.get("BENCH_SECONDS", "3"))
CREATED = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def _credential(issuer: str) -> dict[str, Any]:
    """An OB 3.0 AchievementCredential shaped like the ones microcred will issue."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:2f0b3c9e-8a51-4f60-9d43-6a8f8d2b1c01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": "Example Institute of Machine Learning",
            "url": "https://issuer.example",
        },
        "validFrom": "2026-01-15T09:30:00Z",
        "validUntil": "2031-01-15T09:30:00Z",
        "name": "Applied Deep Learning",
        "credentialSubject": {
            "id": "did:example:learner-42",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/adl",
                "type": ["Achievement"],
                "name": "Applied Deep Learning",
                "description": "Builds, trains and evaluates neural networks on real data.",
                "criteria": {"narrative": "Pass all six auto-graded labs and the capstone."},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "deep learning",
                        "targetUrl": "http://data.europa.eu/esco/skill/example-1",
                        "targetType": "ceasn:Competency",
                    },
                    {
                        "type": ["Alignment"],
                        "targetName": "machine learning",
                        "targetUrl": "http://data.europa.eu/esco/skill/example-2",
                        "targetType": "ceasn:Competency",
                    },
                ],
            },
        },
        "credentialStatus": build_status_entry(
            "https://issuer.example/status/1", 9172, "revocation"
        ),
    }


def _pinned_loader(url: str, options: dict[str, Any]) -> dict[str, Any]:
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": load_context(url),
    }


def _pyld_canon(document: dict[str, Any]) -> str:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": _pinned_loader,
    }
    result: str = jsonld.normalize(document, options)
    return result


def _pyld_hash(unsecured: dict[str, Any], proof: dict[str, Any]) -> bytes:
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = unsecured["@context"]
    proof_hash = hashlib.sha256(_pyld_canon(config).encode()).digest()
    doc_hash = hashlib.sha256(_pyld_canon(unsecured).encode()).digest()
    return proof_hash + doc_hash


def _rate(body: Callable[[], object]) -> float:
    body()  # warm caches
    count = 0
    started = time.perf_counter()
    deadline = started + SECONDS_PER_CASE
    while True:
        body()
        count += 1
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - started)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    key = IssuerKey.from_seed(hashlib.sha256(b"microcred bench").digest())
    did_document = build_did_web_document("issuer.example", [key])
    method = did_document["assertionMethod"][0]
    resolver = ControllerDocumentResolver([did_document])
    unsigned = _credential(did_document["id"])
    signed = sign_credential(unsigned, key, verification_method=method, created=CREATED)
    proof = signed["proof"]
    data = hash_for_proof(unsigned, proof).data
    canonical = hash_for_proof(unsigned, proof).canonical_document.encode()
    signature = decode_base58btc(proof["proofValue"])

    # Same bytes either way: pyld's URDNA2015 and our RDFC-1.0 agree on this document.
    assert _pyld_hash(unsigned, proof) == data
    now = datetime(2027, 1, 1, tzinfo=UTC)
    status = {"https://issuer.example/status/1": StatusList("revocation")}
    assert verify_credential(signed, resolver=resolver, status_lists=status, now=now).ok

    def ours_sign() -> object:
        return sign_credential(unsigned, key, verification_method=method, created=CREATED)

    def ours_verify() -> object:
        return verify_proof(signed, resolver)

    def ours_verify_full() -> object:
        return verify_credential(signed, resolver=resolver, status_lists=status, now=now)

    def pyld_sign() -> object:
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        return encode_base58btc(key.sign(_pyld_hash(unsigned, options)))

    def pyld_verify() -> object:
        ok = verify_ed25519(key.public_key_bytes, signature, _pyld_hash(unsigned, proof))
        assert ok
        return ok

    def raw_sign() -> object:
        return key.sign(canonical)

    raw_signature = key.sign(canonical)

    def raw_verify() -> object:
        return verify_ed25519(key.public_key_bytes, raw_signature, canonical)

    print(f"microcred credentials benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"CPU: {_cpu_model()}; nproc: {os.cpu_count()}; Python {platform.python_version()}")
    print(f"pyld {jsonld.__dict__.get('__version__', '')}".rstrip())
    quads = canonical.count(b"\n")
    print(
        f"credential: {len(canonical)} bytes of canonical N-Quads, {quads} quads; "
        f"{SECONDS_PER_CASE:g} s per case, one core"
    )
    cases: dict[str, tuple[str, Callable[[], object]]] = {
        "sign": ("microcred sign (eddsa-rdfc-2022)", ours_sign),
        "verify": ("microcred verify_proof", ours_verify),
        "verify_full": ("microcred verify_credential (all checks)", ours_verify_full),
        "pyld_sign": ("pyld URDNA2015 + Ed25519 sign", pyld_sign),
        "pyld_verify": ("pyld URDNA2015 + Ed25519 verify", pyld_verify),
        "raw_sign": ("raw Ed25519 sign (same bytes)", raw_sign),
        "raw_verify": ("raw Ed25519 verify (same bytes)", raw_verify),
    }
    rates = {name: _rate(body) for name, (_, body) in cases.items()}
    width = max(len(label) for label, _ in cases.values())
    for name, (label, _) in cases.items():
        rate = rates[name]
        print(f"  {label:<{width}}  {rate:>10,.1f} ops/s  {1000 / rate:>8.3f} ms/op")
    print("ratios:")
    print(f"  microcred sign   / pyld sign   = {rates['sign'] / rates['pyld_sign']:.2f}")
    print(f"  microcred verify / pyld verify = {rates['verify'] / rates['pyld_verify']:.2f}")
    print(f"  raw Ed25519 sign   / microcred sign   = {rates['raw_sign'] / rates['sign']:.0f}x")
    print(f"  raw Ed25519 verify / microcred verify = {rates['raw_verify'] / rates['verify']:.0f}x")


if __name__ == "__main__":
    main()

"""Benchmark: full Open Badges 3.0 issuance and verification, per core, and a 10,000 cohort.

Measures, in the same run and on the same credential (Ana's ``OpenBadgeCredential`` in the
shipped course: Achievement with Annex I extension, four results, 14 skill alignments,
evidence, status entry; about 420 RDF statements):

* microcred issuance per core: build (record -> ``to_openbadge``) + ``sign_credential``, and
  the same with the batch issuer's ``SharedPartSigner`` (what ``issue-batch`` runs per core);
* microcred verification per core: ``verify_proof`` and ``verify_credential`` (all seven
  checks: JSON, OB JSON Schema, contexts, proof, issuer key, validity, status);
* a plain pyld-based signer/verifier (pyld ``normalize`` URDNA2015, SHA-256, Ed25519: no
  safe mode, no work limit, no caching) on the same document;
* raw Ed25519 sign/verify of the same canonical bytes (the floor: no JSON-LD at all);
* the wall time of ``microcred credential issue-batch`` for 10,000 learners (did:web issuer,
  revocation entries, files and SQLite rows written; every core), in a fresh data directory.

Run with ``python -m bench`` (``make bench``) or ``python -m bench.credentials``.
Environment: ``BENCH_SECONDS`` seconds per per-core case (default 3), ``BENCH_BATCH_N``
learners in the cohort (default 10,000), ``BENCH_QUICK=1`` for a quick run (0.5 s per
case, 1,000 learners).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pyld import jsonld  # type: ignore[import-untyped]

from microcred.credentials.core import (
    DidKeyResolver,
    IssuerKey,
    StatusList,
    build_status_entry,
    hash_for_proof,
    sign_credential,
    verify_credential,
    verify_proof,
)
from microcred.credentials.core.batchsign import SharedPartSigner
from microcred.credentials.core.issuer import IssuerProfile
from microcred.credentials.core.jsonld import load_context
from microcred.credentials.core.keys import verify_ed25519
from microcred.credentials.core.multibase import decode_base58btc, encode_base58btc
from microcred.credentials.core.openbadge import to_openbadge
from microcred.credentials.core.record import CourseFacts, Evidence, Learner
from microcred.curriculum.spec import validate_course

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "courses" / "applied-ml-dl"
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
SECONDS_PER_CASE = float(os.environ.get("BENCH_SECONDS", "0.5" if QUICK else "3"))
BATCH_N = int(os.environ.get("BENCH_BATCH_N", "1000" if QUICK else "10000"))
ISSUED_AT = datetime(2027, 7, 1, 10, 0, tzinfo=UTC)
NOW = datetime(2027, 8, 1, tzinfo=UTC)
STATUS_URL = "https://credentials.example.org/credentials/status/revocation.json"
BASE_URL = "https://credentials.example.org"


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


def _load() -> str:
    try:
        with open("/proc/loadavg", encoding="utf-8") as handle:
            return " ".join(handle.read().split()[:3])
    except OSError:
        return "unknown"


def _per_core() -> None:
    result = validate_course(COURSE)
    assert result.ok
    assert result.course.description is not None
    facts = CourseFacts.of(result.course)
    key = IssuerKey.from_seed(hashlib.sha256(b"microcred bench").digest())
    issuer = IssuerProfile.did_key(facts.description, key)
    method = issuer.verification_method
    entry = build_status_entry(STATUS_URL, 9172, "revocation")
    learner = Learner("Ana Andromeda", "ana@example.org", date(1999, 10, 2), "Ana", "Andromeda")
    evidence = [
        Evidence(
            "lab:mlp-backprop",
            "MLP and backpropagation lab",
            "programming-assignments",
            95,
            date(2027, 3, 1),
            "ab" * 32,
        )
    ]
    percents = {"programming-assignments": 90, "final-project": 85, "written-exam": 88.25}

    def build(n: int = 0) -> dict[str, Any]:
        record = facts.record(
            dataclasses.replace(learner, email=f"ana{n}@example.org"),
            87.5,
            component_percents=percents,
            evidence=evidence,
            issued_at=ISSUED_AT,
        )
        return to_openbadge(record, issuer, credential_status=entry)

    unsigned = build()
    signed = sign_credential(unsigned, key, verification_method=method, created=ISSUED_AT)
    proof = signed["proof"]
    hashes = hash_for_proof(unsigned, proof)
    canonical = hashes.canonical_document.encode()
    signature = decode_base58btc(proof["proofValue"])
    resolver = DidKeyResolver()
    status = {STATUS_URL: StatusList("revocation")}
    batch = SharedPartSigner(key, method)

    # Same bytes either way: pyld's URDNA2015 and our RDFC-1.0 agree on this document.
    assert _pyld_hash(unsigned, proof) == hashes.data
    assert batch.sign(unsigned, created=ISSUED_AT) == signed
    assert verify_credential(signed, resolver=resolver, status_lists=status, now=NOW).ok

    counter = iter(range(1, 10**9))

    def issue() -> object:
        return sign_credential(
            build(next(counter)), key, verification_method=method, created=ISSUED_AT
        )

    def issue_batch() -> object:
        return batch.sign(build(next(counter)), created=ISSUED_AT)

    def ours_verify() -> object:
        return verify_proof(signed, resolver)

    def ours_verify_full() -> object:
        return verify_credential(signed, resolver=resolver, status_lists=status, now=NOW)

    def pyld_sign() -> object:
        document = build(next(counter))
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        return encode_base58btc(key.sign(_pyld_hash(document, options)))

    def pyld_verify() -> object:
        unsecured = {k: v for k, v in signed.items() if k != "proof"}
        ok = verify_ed25519(key.public_key_bytes, signature, _pyld_hash(unsecured, proof))
        assert ok
        return ok

    def raw_sign() -> object:
        return key.sign(canonical)

    raw_signature = key.sign(canonical)

    def raw_verify() -> object:
        return verify_ed25519(key.public_key_bytes, raw_signature, canonical)

    quads = canonical.count(b"\n")
    print(
        f"credential: full OB 3.0 OpenBadgeCredential from {COURSE.name}, {quads} quads, "
        f"{len(canonical):,} bytes of canonical N-Quads; {SECONDS_PER_CASE:g} s per case, one core"
    )
    cases: dict[str, tuple[str, Callable[[], object]]] = {
        "issue": ("issue: build + sign_credential", issue),
        "batch": ("issue: build + SharedPartSigner (issue-batch)", issue_batch),
        "verify": ("verify_proof", ours_verify),
        "verify_full": ("verify_credential (all seven checks)", ours_verify_full),
        "pyld_sign": ("plain pyld: build + URDNA2015 + Ed25519 sign", pyld_sign),
        "pyld_verify": ("plain pyld: URDNA2015 + Ed25519 verify", pyld_verify),
        "raw_sign": ("raw Ed25519 sign (same canonical bytes)", raw_sign),
        "raw_verify": ("raw Ed25519 verify (same canonical bytes)", raw_verify),
    }
    rates = {name: _rate(body) for name, (_, body) in cases.items()}
    width = max(len(label) for label, _ in cases.values())
    for name, (label, _) in cases.items():
        rate = rates[name]
        print(f"  {label:<{width}}  {rate:>10,.1f} ops/s  {1000 / rate:>8.3f} ms/op")
    print("ratios (same run):")
    ratios = [
        ("issue (sign_credential) / plain pyld sign", rates["issue"] / rates["pyld_sign"], "x"),
        ("issue (batch signer) / plain pyld sign", rates["batch"] / rates["pyld_sign"], "x"),
        ("verify_proof / plain pyld verify", rates["verify"] / rates["pyld_verify"], "x"),
        ("raw Ed25519 sign / issue (sign_credential)", rates["raw_sign"] / rates["issue"], "x"),
        ("raw Ed25519 sign / issue (batch signer)", rates["raw_sign"] / rates["batch"], "x"),
        ("raw Ed25519 verify / verify_proof", rates["raw_verify"] / rates["verify"], "x"),
    ]
    width = max(len(label) for label, _, _ in ratios)
    for label, value, unit in ratios:
        print(f"  {label:<{width}} = {value:,.2f}{unit}")


def _write_learners(path: Path, count: int, prefix: str = "learner") -> None:
    rng = random.Random(20261121)
    lines = ["name,email,grade,date_of_birth,programming-assignments,final-project,written-exam"]
    for n in range(count):
        scores = [rng.randint(60, 100), rng.randint(60, 100), rng.randint(120, 199) / 2]
        lines.append(
            f"Learner {n},{prefix}{n}@example.org,{rng.randint(60, 100)},"
            f"2000-01-{1 + n % 28:02d},{scores[0]},{scores[1]},{scores[2]}"
        )
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _batch() -> None:
    cli = [sys.executable, "-m", "microcred.cli", "credential", "issue-batch", "--course"]
    with tempfile.TemporaryDirectory(prefix="microcred-bench-") as tmp:
        work = Path(tmp)
        env = {
            **os.environ,
            "MICROCRED_DATA_DIR": str(work / "data"),
            "MICROCRED_PUBLIC_BASE_URL": BASE_URL,
        }
        _write_learners(work / "warm.csv", 2, prefix="warm-up")
        _write_learners(work / "learners.csv", BATCH_N)
        # a first tiny batch creates and migrates the database, as a running instance has it
        warm = [*cli, str(COURSE), str(work / "warm.csv"), "--out-dir", str(work / "warm")]
        subprocess.run([*warm, "--quiet"], env=env, check=True, capture_output=True)
        load_before = _load()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [*cli, str(COURSE), str(work / "learners.csv"), "--out-dir", str(work / "out")],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        written = len(list((work / "out").glob("*.json")))
        summary = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        if done.returncode != 0 or written != BATCH_N:
            raise RuntimeError(f"issue-batch failed ({done.returncode}): {done.stderr[-2000:]}")
    print(
        f"issue-batch, {BATCH_N:,} learners, {os.cpu_count()} cores (did:web, revocation "
        "entries, files + SQLite rows, fresh process):"
    )
    print(
        f"  wall {wall:.1f} s ({BATCH_N / wall:,.0f} credentials/s), CPU {cpu:.1f} s "
        f"({1000 * cpu / BATCH_N:.2f} ms per credential); load average before: "
        f"{load_before}, after: {_load()}"
    )
    print(f"  microcred says: {summary.split('->')[0].strip()}")


def main() -> None:
    print(f"microcred credentials benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"CPU: {_cpu_model()}; nproc: {os.cpu_count()}; Python {platform.python_version()}; "
        f"load average {_load()}{' (BENCH_QUICK)' if QUICK else ''}"
    )
    _per_core()
    _batch()


if __name__ == "__main__":
    main()

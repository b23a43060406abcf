"""The attack battery: every file in ``attacks/`` is a hostile submission for the MLP lab.

Each attack declares its expected verdict in its header. Attacks that probe for a
capability (reading a file, opening a socket, ...) call ``_export(True)`` when the probe
succeeds, which swaps in the reference solution: a score of 0 therefore *proves* the
probe failed. After every attack the same zygote grades ``_probe.py``, which earns full
marks only if nothing the attack did is still visible to the next learner.

Header lines: ``# attack:`` (what it tries), ``# expect: score=0`` or ``# expect:
ungradable``, and optionally ``# feedback-contains: A || B`` (any of the alternatives) and
``# feedback-excludes: X`` (Python escapes allowed).
"""

from __future__ import annotations

import dataclasses
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from microcred.grading import Lab, grade_submission
from microcred.grading.pool import ZygotePool
from microcred.grading.sandbox import Limits

from ._paths import ATTACKS_DIR, LABS_DIR

ATTACKS = sorted(p.name for p in ATTACKS_DIR.glob("*.py") if not p.name.startswith("_"))

PRELUDE = """\
_REF_SRC = {reference!r}


def _export(success):
    g = globals()
    if success:
        ns = {{}}
        exec(_REF_SRC, ns)
        for name in ("softmax_cross_entropy", "mlp_forward", "mlp_loss_and_grads", "train"):
            g[name] = ns[name]
        return
    import numpy as _np

    g["softmax_cross_entropy"] = lambda logits, y: (0.0, _np.zeros_like(logits))
    g["mlp_forward"] = lambda params, X: _np.zeros((X.shape[0], params["W2"].shape[1]))
    g["mlp_loss_and_grads"] = lambda params, X, y: (
        0.0, {{k: _np.zeros_like(v) for k, v in params.items()}})
    g["train"] = lambda X, y, hidden, epochs, lr, seed: {{
        "W1": _np.zeros((X.shape[1], hidden)), "b1": _np.zeros(hidden),
        "W2": _np.zeros((hidden, 3)), "b2": _np.zeros(3)}}


"""


def _header(text: str) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(":")
        meta.setdefault(key.strip(), []).append(value.strip())
    return meta


def _unescape(fragment: str) -> str:
    return fragment.encode().decode("unicode_escape")


@pytest.fixture(scope="module")
def attack_lab(labs: dict[str, Lab]) -> Lab:
    lab = labs["mlp-backprop"]
    return dataclasses.replace(
        lab, limits=Limits(cpu_seconds=1, wall_seconds=2.0, memory_mib=512, processes=32)
    )


@pytest.fixture(scope="module")
def single_zygote() -> Iterator[ZygotePool]:
    """One zygote, so every attack and the probe after it share the same sandbox."""
    zygotes = ZygotePool(1)
    yield zygotes
    zygotes.close()


@pytest.fixture(scope="module")
def loopback_listener() -> Iterator[tuple[int, list[bytes]]]:
    """A real service on the host's loopback; no attack may ever reach it.

    Attacks name it as port 47123; the harness substitutes the ephemeral port actually
    bound, so concurrent test runs cannot collide."""
    seen: list[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            seen.append(b"connection")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


def test_battery_is_complete() -> None:
    assert len(ATTACKS) >= 30
    for name in ATTACKS:
        meta = _header((ATTACKS_DIR / name).read_text())
        assert meta.get("attack"), name
        assert meta.get("expect") in (["score=0"], ["ungradable"]), name


@pytest.mark.parametrize("name", ATTACKS)
def test_attack_is_contained(
    name: str,
    attack_lab: Lab,
    single_zygote: ZygotePool,
    loopback_listener: tuple[int, list[bytes]],
) -> None:
    port, connections = loopback_listener
    text = (ATTACKS_DIR / name).read_text().replace("47123", str(port))
    meta = _header(text)
    reference = (LABS_DIR / "mlp-backprop" / "solution.py").read_text()
    source = PRELUDE.format(reference=reference) + text
    result = grade_submission(attack_lab, source, "mallory", 1, pool=single_zygote)

    if meta["expect"] == ["ungradable"]:
        assert not result.gradable
        assert result.error_class == "learner"
        assert result.score == 0.0
    else:
        assert result.gradable, result.error
        assert result.score == 0.0, result.to_text()
    feedback = " ".join([result.error or ""] + [c.feedback for c in result.checks])
    for alternatives in meta.get("feedback-contains", []):
        options = [_unescape(f.strip()) for f in alternatives.split(" || ")]
        assert any(option in feedback for option in options), result.to_text()
    for fragment in meta.get("feedback-excludes", []):
        assert _unescape(fragment) not in feedback, result.to_text()
    assert "could not be processed" not in feedback

    # No effect on the host ...
    assert not list(Path("/tmp").glob("microcred-canary*"))
    assert connections == []
    # ... and none on the next learner in the same sandbox.
    probe = PRELUDE.format(reference=reference) + (ATTACKS_DIR / "_probe.py").read_text()
    after = grade_submission(attack_lab, probe, "next-learner", 1, pool=single_zygote)
    assert after.score == 1.0, after.to_text()

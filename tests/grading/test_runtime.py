"""The in-sandbox runtime, exercised in this process where that is safe to do."""

from __future__ import annotations

import os

import numpy as np
import pytest

from microcred.grading import _runtime


def test_zygote_refuses_to_run_outside_its_own_pid_namespace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Outside bwrap --as-pid-1, the zygote's cleanup (kill(-1, SIGKILL)) would reach
    # every process the user may signal. os.kill is replaced, so a broken guard records
    # the attempt instead of sending anything.
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(os, "kill", lambda pid, sig: sent.append((pid, sig)))
    monkeypatch.setattr(os, "getpid", lambda: 4242)
    with pytest.raises(_runtime.NotInitError):
        _runtime._kill_everything_else()
    with pytest.raises(_runtime.NotInitError):
        _runtime.zygote_main(-1)
    assert sent == []


def test_buffered_reader_splits_pipelined_frames_exactly() -> None:
    r, w = os.pipe()
    try:
        frames = [
            ({"op": "call", "fn": "f", "n": i}, [_runtime.npy_dumps(np.arange(i + 1.0))] * i)
            for i in range(4)
        ]
        for header, blobs in frames:
            _runtime.write_frame(w, header, blobs)
        _runtime.write_frame(w, {"op": "exit"})
        stream = _runtime.FdReader(r)
        for header, blobs in frames:
            got, got_blobs = _runtime.read_frame(stream, 1 << 20)
            assert got == header
            assert got_blobs == blobs
        assert _runtime.read_frame(stream, 1 << 20) == ({"op": "exit"}, [])
        os.close(w)
        w = -1
        with pytest.raises(EOFError):
            _runtime.read_frame(stream, 1 << 20)
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


def test_buffered_reader_refuses_oversized_frames_before_reading_them() -> None:
    r, w = os.pipe()
    try:
        _runtime.write_frame(w, {"op": "call"}, [b"x" * 5000])
        with pytest.raises(_runtime.FrameError):
            _runtime.read_frame(_runtime.FdReader(r), 1000)
    finally:
        os.close(r)
        os.close(w)


def test_npy_header_caches_change_nothing_and_stay_bounded() -> None:
    arrays = [np.arange(n, dtype=np.float64) for n in range(_runtime._NPY_CACHE_MAX + 20)]
    for arr in arrays:
        blob = _runtime.npy_dumps(arr)
        assert blob == _runtime.npy_dumps(arr)  # cached prefix: identical bytes
        back = _runtime.npy_loads(blob)
        assert np.array_equal(back, arr)
        assert back.flags.writeable
        assert back.flags.owndata
        back2 = _runtime.npy_loads(blob)  # cached parse: a new private copy each time
        assert back2 is not back
        assert np.array_equal(back2, arr)
    assert len(_runtime._NPY_PARSED) <= _runtime._NPY_CACHE_MAX
    assert len(_runtime._NPY_PREFIX) <= _runtime._NPY_CACHE_MAX
    good = _runtime.npy_dumps(np.ones(3))
    with pytest.raises(ValueError, match="length"):
        _runtime.npy_loads(good + b"\0" * 8)  # a cached header does not relax the checks
    with pytest.raises(ValueError, match="header"):
        _runtime.npy_loads(good.replace(b"'<f8'", b"'|O8'"))


def test_encoded_values_are_the_same_for_exact_types_and_subclasses() -> None:
    class MyFloat(float):
        pass

    value = {"a": np.ones((2, 2)), "f": 1.5, "i": 3, "b": True, "n": None, "l": [1, (2.0,)]}
    blobs: list[bytes] = []
    spec = _runtime._encode_value(value, blobs)
    assert spec["v"]["f"] == {"t": "json", "v": 1.5}
    assert spec["v"]["b"] == {"t": "json", "v": True}
    assert _runtime._encode_value(MyFloat(1.5), []) == {"t": "json", "v": 1.5}
    assert _runtime._encode_value(np.float64(2.5), []) == {"t": "json", "v": 2.5}
    assert _runtime._encode_value(np.bool_(True), []) == {"t": "json", "v": True}
    with pytest.raises(TypeError, match="dtype"):
        _runtime._encode_value(np.array(["x"]), [])

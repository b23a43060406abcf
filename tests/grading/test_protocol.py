"""The trusted decoder: only plain numeric arrays and JSON scalars get through."""

from __future__ import annotations

import io
import pickle

import numpy as np
import pytest

from microcred.grading import _runtime
from microcred.grading.protocol import decode_value, encode_args


@pytest.mark.parametrize(
    "array",
    [
        np.ones(3),
        np.arange(12).reshape(3, 4),
        np.array(True),
        np.array(2.5),
        np.zeros((0, 3)),
        np.ones((2, 3), dtype=np.float32).T,
        np.array([1 + 2j]),
        np.arange(24.0).reshape(2, 3, 4)[:, ::2].astype(">f8"),
    ],
)
def test_npy_round_trip_is_standard_npy(array: np.ndarray) -> None:
    blob = _runtime.npy_dumps(array)
    assert np.array_equal(np.load(io.BytesIO(blob), allow_pickle=False), array)
    back = _runtime.npy_loads(blob)
    assert back.shape == array.shape
    assert back.dtype == array.dtype
    assert np.array_equal(back, array)
    back[...] = 0  # decoded arrays are private, writable copies


def test_object_arrays_are_refused_on_both_sides() -> None:
    with pytest.raises(TypeError):
        _runtime.npy_dumps(np.array([object()], dtype=object))
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="header"):
        _runtime.npy_loads(buf.getvalue())


def test_pickles_and_garbage_never_decode() -> None:
    blob = pickle.dumps({"x": 1})
    for bad in (blob, b"", b"\x93NUMPY\x01\x00", b"\x93NUMPY\x02\x00" + b"\x00" * 30):
        with pytest.raises(ValueError, match="array"):
            decode_value({"t": "npy", "i": 0}, [bad])


def test_decode_rejects_unknown_kinds_and_deep_nesting() -> None:
    for spec in (
        {"t": "pickle", "v": "x"},
        {"t": "json", "v": [1, 2]},
        {"t": "npy", "i": 3},
        "string",
        {"t": "list", "v": "x"},
    ):
        with pytest.raises(ValueError, match=r"malformed|unknown"):
            decode_value(spec, [])
    deep: dict[str, object] = {"t": "none"}
    for _ in range(20):
        deep = {"t": "list", "v": [deep]}
    with pytest.raises(ValueError, match="deeply"):
        decode_value(deep, [])


def test_wrong_length_data_is_rejected() -> None:
    blob = _runtime.npy_dumps(np.ones(4))
    with pytest.raises(ValueError, match="length"):
        _runtime.npy_loads(blob[:-8])


def test_structures_round_trip() -> None:
    value = {"w": np.ones((2, 2)), "t": 3, "items": [1.5, None, (True, "x")]}
    spec, blobs = encode_args((value,))
    decoded = decode_value(spec[0], blobs)
    assert decoded["t"] == 3
    assert decoded["items"] == [1.5, None, (True, "x")]
    assert np.array_equal(decoded["w"], value["w"])


def test_frames_refuse_oversized_headers() -> None:
    import os

    r, w = os.pipe()
    try:
        os.write(w, b"\xff\xff\xff\xff\x00\x00\x00\x00")
        with pytest.raises(_runtime.FrameError):
            _runtime.read_frame(r, 1 << 20)
    finally:
        os.close(r)
        os.close(w)

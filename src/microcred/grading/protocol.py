"""The narrow, trusted end of the pipe to one learner child.

Why so strict: everything on this pipe was produced by an interpreter the learner
controls. Arrays arrive as ``.npy`` bytes loaded with ``allow_pickle=False`` and must
have a plain numeric dtype; everything else is JSON. Nothing is unpickled, imported or
executed, so ``__eq__`` overrides, ndarray subclasses and ``__array__`` tricks cannot
survive the trip: the judge only ever compares plain ``numpy.ndarray`` objects it
decoded itself. Every read and write has a wall-clock deadline, so a child that stalls
or floods cannot hang the judge.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import signal
import struct
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from microcred.grading import _runtime
from microcred.grading.sandbox import Limits, Zygote

_HEADER = struct.Struct("!II")
_BLOB = struct.Struct("!Q")
MAX_RESPONSE = 64 << 20
_NUMERIC_KINDS = "biufc"


class LearnerError(Exception):
    """The learner's code could not produce a value; ``message`` is plain words for them."""

    def __init__(self, kind: str, message: str, fn: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.fn = fn


class _DeadlineError(Exception):
    pass


class _StreamError(Exception):
    pass


class _TooLargeError(_StreamError):
    pass


class _Reader:
    """Buffered reads with a deadline: one ``select`` and one ``read`` per burst."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buf = bytearray()
        self.pos = 0  # bytes of buf already handed out

    def _compact(self) -> None:
        if self.pos:
            del self.buf[: self.pos]
            self.pos = 0

    def absorb(self) -> None:
        """Read whatever is available now (used while our own write is blocked)."""
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            raise _StreamError("the pipe was closed")
        self._compact()
        self.buf += chunk

    def take(self, n: int, deadline: float) -> bytes:
        end = self.pos + n
        if end > len(self.buf):
            self._compact()
            while len(self.buf) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _DeadlineError
                ready, _, _ = select.select([self.fd], [], [], remaining)
                if not ready:
                    raise _DeadlineError
                chunk = os.read(self.fd, max(n - len(self.buf), 1 << 16))
                if not chunk:
                    raise _StreamError("the pipe was closed")
                self.buf += chunk
            end = n
        out = bytes(self.buf[self.pos : end])
        if end == len(self.buf):
            self.buf.clear()
            self.pos = 0
        else:
            self.pos = end
        return out


def _write_all(fd: int, data: bytes, deadline: float, reader: _Reader | None = None) -> None:
    """Write with a deadline; meanwhile drain answers so pipelined calls cannot deadlock."""
    view = memoryview(data)
    if deadline - time.monotonic() <= 0:
        raise _DeadlineError
    try:  # ``fd`` is non-blocking and the pipe usually has room: no select() needed
        view = view[os.write(fd, view) :]
    except BlockingIOError:
        pass
    except BrokenPipeError as exc:
        raise _StreamError("the pipe was closed") from exc
    watch = [reader.fd] if reader is not None else []
    while view:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _DeadlineError
        readable, writable, _ = select.select(watch, [fd], [], remaining)
        if readable and reader is not None:
            reader.absorb()
        if not writable:
            if not readable:
                raise _DeadlineError
            continue
        try:
            n = os.write(fd, view)
        except BlockingIOError:
            continue
        except BrokenPipeError as exc:
            raise _StreamError("the pipe was closed") from exc
        view = view[n:]


def _read_frame(reader: _Reader, deadline: float) -> tuple[dict[str, Any], list[bytes]]:
    json_len, n_blobs = _HEADER.unpack(reader.take(_HEADER.size, deadline))
    if json_len > _runtime.MAX_JSON or n_blobs > 4096:
        raise _StreamError("oversized frame header")
    raw = reader.take(json_len, deadline)
    try:
        header = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # hostile nesting must not crash the judge
        raise _StreamError("frame header is not acceptable JSON") from exc
    if not isinstance(header, dict):
        raise _StreamError("frame header is not an object")
    total = json_len
    blobs = []
    for _ in range(n_blobs):
        (size,) = _BLOB.unpack(reader.take(_BLOB.size, deadline))
        total += size
        if total > MAX_RESPONSE:
            raise _TooLargeError("the returned data is larger than 64 MiB")
        blobs.append(reader.take(size, deadline))
    return header, blobs


def decode_value(spec: Any, blobs: list[bytes]) -> Any:
    """Rebuild a returned value from untrusted JSON + ``.npy`` blobs, or raise ValueError."""
    budget = [10000]

    def dec(item: Any, depth: int) -> Any:
        budget[0] -= 1
        if depth > 8 or budget[0] < 0:
            raise ValueError("the returned value is nested too deeply or too large")
        if not isinstance(item, dict) or not isinstance(item.get("t"), str):
            raise ValueError("malformed value")
        kind = item["t"]
        if kind == "none":
            return None
        if kind == "json":
            value = item.get("v")
            if isinstance(value, bool | int | float | str):
                return value
            raise ValueError("malformed scalar")
        if kind == "npy":
            index = item.get("i")
            if not isinstance(index, int) or not 0 <= index < len(blobs):
                raise ValueError("malformed array reference")
            try:
                arr = _runtime.npy_loads(blobs[index])
            except Exception as exc:
                raise ValueError("an array could not be decoded") from exc
            if type(arr) is not np.ndarray or arr.dtype.kind not in _NUMERIC_KINDS:
                raise ValueError("an array does not have a numeric dtype")
            return arr
        if kind in ("list", "tuple"):
            seq = item.get("v")
            if not isinstance(seq, list):
                raise ValueError("malformed sequence")
            values = [dec(v, depth + 1) for v in seq]
            return tuple(values) if kind == "tuple" else values
        if kind == "dict":
            mapping = item.get("v")
            if not isinstance(mapping, dict):
                raise ValueError("malformed mapping")
            return {str(k): dec(v, depth + 1) for k, v in mapping.items()}
        raise ValueError("unknown value kind")

    return dec(spec, 0)


def encode_args(args: tuple[Any, ...]) -> tuple[list[Any], list[bytes]]:
    blobs: list[bytes] = []
    return [_runtime._encode_value(a, blobs) for a in args], blobs


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


@dataclass
class LoadReport:
    ok: bool
    forbidden: list[str] = field(default_factory=list)
    failure: LearnerError | None = None


class Channel:
    """One submission's child: load it once, then call its functions until closed."""

    def __init__(self, zygote: Zygote, limits: Limits) -> None:
        self.zygote = zygote
        self.limits = limits
        self.started = time.monotonic()
        self.deadline = self.started + limits.wall_seconds
        self.memory_events = zygote.cgroup.memory_events()
        self.req, self.resp = zygote.start(limits)
        self.reader = _Reader(self.resp)
        fcntl.fcntl(self.req, fcntl.F_SETFL, fcntl.fcntl(self.req, fcntl.F_GETFL) | os.O_NONBLOCK)
        self.failure: LearnerError | None = None
        self.closed = False
        self._fds_open = True
        self.report: dict[str, Any] | None = None
        self._sent = 0
        self._received = 0
        self._names: dict[int, str] = {}
        self._answers: dict[int, tuple[dict[str, Any], list[bytes]] | LearnerError] = {}

    # -- failure classification -------------------------------------------------------

    def _where(self, fn: str | None) -> str:
        return f"while running {fn}()" if fn else "while loading your file"

    def _fail_from_exit(self, fn: str | None, timed_out: bool) -> LearnerError:
        report = self.zygote.finish(kill=True, timeout=2.0)
        self.report = report
        self.closed = True
        where = self._where(fn)
        lim = self.limits
        if timed_out:
            return LearnerError(
                "time",
                f"your code did not finish within {lim.wall_seconds:g} s of wall-clock time "
                f"{where}",
                fn,
            )
        if report is None:
            return LearnerError("crash", f"your code stopped the grading sandbox {where}", fn)
        code = int(report.get("exit", 0))
        cpu = float(report.get("cpu", 0.0))
        if code == -signal.SIGXCPU or (code == -signal.SIGKILL and cpu >= lim.cpu_seconds - 0.1):
            return LearnerError(
                "time", f"your code used more than {lim.cpu_seconds} s of CPU time {where}", fn
            )
        if self.zygote.cgroup.memory_events() > self.memory_events:
            return LearnerError(
                "memory", f"your code used more than {lim.memory_mib} MiB {where}", fn
            )
        if code == -signal.SIGXFSZ:
            return LearnerError(
                "file", f"your code wrote a file larger than {lim.file_mib} MiB {where}", fn
            )
        if code < 0:
            return LearnerError(
                "crash", f"your code was stopped by {_signal_name(-code)} {where}", fn
            )
        return LearnerError(
            "crash", f"your code ended the process (exit status {code}) {where}", fn
        )

    def _guard(self, fn: str | None) -> None:
        if self.failure is not None:
            raise self.failure
        if self.closed:
            raise LearnerError("crash", "the submission is no longer running", fn)

    def _send(self, header: dict[str, Any], blobs: list[bytes], fn: str | None) -> None:
        self._guard(fn)
        try:
            _write_all(self.req, _runtime.encode_frame(header, blobs), self.deadline, self.reader)
            return
        except _DeadlineError:
            self.failure = self._fail_from_exit(fn, timed_out=True)
        except (_StreamError, OSError):
            self.failure = self._fail_from_exit(fn, timed_out=False)
        raise self.failure

    def _receive(self, fn: str | None) -> tuple[dict[str, Any], list[bytes]]:
        self._guard(fn)
        try:
            return _read_frame(self.reader, self.deadline)
        except _TooLargeError:
            self._fail_from_exit(fn, timed_out=False)  # the stream is unusable: stop the child
            self.failure = LearnerError(
                "protocol",
                f"{fn}() returned more data than the grader accepts (larger than "
                f"{MAX_RESPONSE >> 20} MiB)",
                fn,
            )
        except _DeadlineError:
            self.failure = self._fail_from_exit(fn, timed_out=True)
        except Exception:  # anything the learner's bytes provoke is the learner's failure
            self.failure = self._fail_from_exit(fn, timed_out=False)
        raise self.failure

    def _exchange(
        self, header: dict[str, Any], blobs: list[bytes], fn: str | None
    ) -> tuple[dict[str, Any], list[bytes]]:
        self._send(header, blobs, fn)
        return self._receive(fn)

    @staticmethod
    def _learner_error(error: Any, fn: str | None, limits: Limits) -> LearnerError:
        if not isinstance(error, dict):
            return LearnerError("protocol", "your code sent a malformed answer", fn)
        kind = str(error.get("type", "Exception"))[:100]
        message = str(error.get("message", ""))[:300]
        line = error.get("line")
        where = f" (line {line} of your file)" if isinstance(line, int) else ""
        place = f"{fn}()" if fn else "loading your file"
        if kind == "MemoryError":
            return LearnerError(
                "memory",
                f"your code used more than {limits.memory_mib} MiB while "
                + (f"running {fn}()" if fn else "loading your file"),
                fn,
            )
        if kind == "MissingFunction":
            return LearnerError("missing", f"your file does not define {fn}()", fn)
        if kind == "SyntaxError":
            return LearnerError("syntax", f"syntax error{where}: {message}", fn)
        detail = f": {message}" if message else ""
        return LearnerError("exception", f"{place} raised {kind}{detail}{where}", fn)

    # -- public API -------------------------------------------------------------------

    def load(self, source: str, forbidden: list[str]) -> LoadReport:
        try:
            header, _ = self._exchange({"source": source, "forbidden": forbidden}, [], None)
        except LearnerError as failure:
            return LoadReport(False, [], failure)
        raw = header.get("forbidden", [])
        found = [str(x) for x in raw if isinstance(x, str)] if isinstance(raw, list) else []
        if header.get("ok") is True:
            return LoadReport(True, found)
        self.failure = self._learner_error(header.get("error"), None, self.limits)
        return LoadReport(False, found, self.failure)

    def submit(self, fn: str, *args: Any) -> int:
        """Send a call without waiting, so the judge can work while the child computes.

        Answers come back in order; :meth:`result` collects them by ticket.
        """
        spec, blobs = encode_args(args)
        self._send({"op": "call", "fn": fn, "args": spec}, blobs, fn)
        ticket = self._sent
        self._sent += 1
        self._names[ticket] = fn
        return ticket

    def result(self, ticket: int) -> Any:
        fn = self._names.get(ticket, "?")
        while ticket not in self._answers:
            if self._received >= self._sent:
                raise LearnerError("protocol", "no answer was requested", fn)
            name = self._names[self._received]
            try:
                self._answers[self._received] = self._receive(name)
            except LearnerError as failure:
                self._answers[self._received] = failure
            self._received += 1
        answer = self._answers.pop(ticket)
        if isinstance(answer, LearnerError):
            raise answer
        header, out = answer
        if header.get("ok") is not True:
            raise self._learner_error(header.get("error"), fn, self.limits)
        try:
            return decode_value(header.get("value"), out)
        except ValueError as exc:
            raise LearnerError(
                "protocol", f"{fn}() returned something the grader cannot accept: {exc}", fn
            ) from exc

    def call(self, fn: str, *args: Any) -> Any:
        return self.result(self.submit(fn, *args))

    def close(self) -> None:
        """Have the zygote SIGKILL the child without waiting for it.

        A polite "exit" could be ignored (learner code can rebind anything in its own
        interpreter). The zygote then kills whatever else is left, wipes the files and
        reports while we return the result; the report is checked (``Zygote.settle``)
        before that zygote is used again."""
        if not self.closed:
            self.closed = True
            self.zygote.kill_child()
            self.zygote.child_done()
        if self._fds_open:
            self._fds_open = False
            for fd in (self.req, self.resp):
                with contextlib.suppress(OSError):
                    os.close(fd)

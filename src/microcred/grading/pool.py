"""A pool of warm zygotes: one submission per zygote at a time.

Why one at a time: concurrent submissions then never share a PID namespace or a tmpfs,
so "reaching a sibling submission" has nothing to reach. A zygote whose report looks
wrong (no report, or the learner left files behind) is destroyed and replaced rather
than trusted again.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections.abc import Iterator

from microcred.grading import cgroups
from microcred.grading.sandbox import Limits, Zygote


class ZygotePool:
    """Thread-safe checkout of sandboxed zygotes, created lazily up to ``size``."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or max(1, os.cpu_count() or 1)
        self.support = cgroups.detect()
        self._idle: list[Zygote] = []
        self._count = 0
        self._cond = threading.Condition()
        self._closed = False

    @property
    def cgroup_mode(self) -> str:
        return self.support.mode

    def warm(self, n: int | None = None, limits: Limits | None = None) -> None:
        """Start zygotes now so the first submissions do not pay the NumPy import."""
        with contextlib.ExitStack() as stack:
            for _ in range(min(n or self.size, self.size)):
                stack.enter_context(self.acquire(limits))

    def _take(self) -> Zygote | None:
        with self._cond:
            while True:
                if self._closed:
                    raise RuntimeError("the grading pool is closed")
                if self._idle:
                    return self._idle.pop(0)  # least recently used: settled, warm
                if self._count < self.size:
                    self._count += 1
                    return None
                self._cond.wait()

    @contextlib.contextmanager
    def acquire(self, limits: Limits | None = None) -> Iterator[Zygote]:
        """Check out a zygote; with ``limits``, a warm child is pre-forked on release."""
        zygote = self._take()
        if zygote is not None:
            zygote.settle()
            if not zygote.alive:
                zygote.destroy()
                zygote = None
        if zygote is None:
            try:
                zygote = Zygote(self.support)
            except BaseException:
                with self._cond:
                    self._count -= 1
                    self._cond.notify()
                raise
        try:
            yield zygote
        finally:
            self.release(zygote, limits)

    def release(self, zygote: Zygote, next_limits: Limits | None = None) -> None:
        healthy = zygote.alive and zygote.proc.poll() is None
        if healthy and next_limits is not None and not self._closed:
            zygote.prefork(next_limits)
        with self._cond:
            if healthy and not self._closed:
                self._idle.append(zygote)
            else:
                self._count -= 1
            self._cond.notify()
        if not healthy or self._closed:
            zygote.destroy()

    def sandbox_pids(self) -> list[int]:
        """Host pids of the idle zygotes (for monitoring and benchmarks, e.g. CPU time)."""
        with self._cond:
            idle = list(self._idle)
        return [pid for zygote in idle for pid in zygote.init_pids()]

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._cond.notify_all()
        for zygote in idle:
            zygote.destroy()


_default: ZygotePool | None = None
_default_lock = threading.Lock()


def default_pool() -> ZygotePool:
    global _default
    with _default_lock:
        if _default is None or _default._closed:
            _default = ZygotePool()
            atexit.register(_default.close)
        return _default

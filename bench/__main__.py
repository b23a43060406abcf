"""Run every ``bench/*.py`` module's ``main()`` in name order: ``python -m bench``.

A failing benchmark is reported and the others still run; the exit status is non-zero
if any failed, so ``make bench`` notices.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path


def main() -> int:
    names = sorted(
        p.stem for p in Path(__file__).resolve().parent.glob("*.py") if not p.stem.startswith("_")
    )
    failed = []
    for name in names:
        print(f"==> bench.{name}", flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
            entry = getattr(module, "main", None)
            if entry is None:
                print(f"bench.{name}: no main(), skipped", flush=True)
                continue
            entry()
        except Exception:
            traceback.print_exc()
            failed.append(name)
    if failed:
        print(f"benchmarks failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A programme's grading policy: its description plus the course folder's `gradebook.yaml`.

The course description (`microcredential.yaml`) declares weights, the pass rule and the
grading scale; its schema has no place for how a component combines its items or for a
scale's bands, so those live next to it in the course folder, versioned with the course:

```yaml
# gradebook.yaml (optional)
components:
  programming-assignments: {aggregation: mean}   # or best
  written-exam: {minimum_percent: 50}            # raised above the course minimum only
item_pass_percent: 50                            # an item evidences its outcomes from here
ects_bands:                                      # grading_scale: ects-a-f
  - {min_percent: 90, label: A}
  - {min_percent: 0, label: F, passing: false}
local_scale:                                     # grading_scale: local
  name: Irish honours classification
  bands: [{min_percent: 70, label: First class honours}, ...]
```
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import yaml

from microcred.curriculum.models import Programme

from .rules import Policy, PolicyError, policy_from

log = logging.getLogger(__name__)
SETTINGS_FILE = "gradebook.yaml"


@functools.lru_cache(maxsize=64)
def _read_settings(path: str, mtime_ns: int, size: int) -> dict[str, Any]:
    """Parsed once per version of the file (the key changes when the file does)."""
    del mtime_ns, size
    loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(loaded, dict):
        raise PolicyError(f"{SETTINGS_FILE} must be a mapping")
    return loaded


def course_settings(programme: Programme) -> dict[str, Any]:
    """The course folder's gradebook settings; empty when it has none."""
    path = Path(programme.source_path) / SETTINGS_FILE
    try:
        stat = path.stat()
    except OSError:
        return {}
    try:
        return dict(_read_settings(str(path), stat.st_mtime_ns, stat.st_size))
    except yaml.YAMLError as error:
        raise PolicyError(f"{SETTINGS_FILE}: {error}") from error


def policy_for(programme: Programme) -> Policy:
    """The programme's grading policy; `PolicyError` says what is wrong with it."""
    description = programme.description if isinstance(programme.description, dict) else {}
    return policy_from(description, course_settings(programme))

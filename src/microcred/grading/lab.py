"""Load and validate a lab folder; everything under ``grading:`` is ours to check.

Why validate eagerly with located messages: a broken lab is an *author* error, and the
author needs "lab.yaml: grading.limits.cpu_seconds: ..." rather than a traceback in
the middle of grading someone's submission.
"""

from __future__ import annotations

import hashlib
import importlib.util
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from microcred.grading.sandbox import Limits

COMPONENT = "programming-assignments"
OUTCOMES = {"LO1", "LO2", "LO3", "LO4", "LO5"}


class LabError(Exception):
    """The lab folder is broken; the message is one line and names the place."""


class LimitsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cpu_seconds: int = Field(default=5, ge=1, le=120)
    wall_seconds: float = Field(default=10.0, gt=0, le=300)
    memory_mib: int = Field(default=512, ge=64, le=8192)
    processes: int = Field(default=32, ge=1, le=512)
    file_mib: int = Field(default=8, ge=1, le=1024)
    open_files: int = Field(default=64, ge=16, le=4096)
    max_source_kib: int = Field(default=256, ge=1, le=4096)


class GradingSpec(BaseModel):
    """The ``grading:`` mapping of lab.yaml."""

    model_config = ConfigDict(extra="forbid")

    judge: str = "judge.py"
    version: str = "1"
    limits: LimitsSpec = Field(default_factory=LimitsSpec)
    forbidden_imports: list[str] = Field(default_factory=list)
    tolerances: dict[str, float] = Field(default_factory=dict)
    required_functions: list[str] = Field(default_factory=list)


class LabFile(BaseModel):
    model_config = ConfigDict(extra="allow")

    uuid: uuid.UUID
    title: str = Field(min_length=1)
    component: str
    outcomes: list[str] = Field(min_length=1)
    statement: str
    starter: str
    solution: str
    points: float = Field(gt=0)
    grading: GradingSpec


@dataclass
class Lab:
    path: Path
    slug: str
    meta: LabFile
    spec: GradingSpec
    version: str
    judge: ModuleType
    reference: ModuleType
    limits: Limits = field(default_factory=Limits)

    @property
    def uuid(self) -> str:
        return str(self.meta.uuid)


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _load_module(path: Path, name: str, role: str) -> ModuleType:
    """Import trusted author code (judge or reference) in the trusted process."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise LabError(f"{path.name}: cannot be loaded as the {role}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise LabError(f"{path.name}:{exc.lineno}: syntax error in the {role}: {exc.msg}") from exc
    except Exception as exc:
        raise LabError(
            f"{path.name}: the {role} failed to import: {type(exc).__name__}: {exc}"
        ) from exc
    return module


def load_lab(path: str | Path) -> Lab:
    """Read ``lab.yaml``, check the files it names and import the judge and reference."""
    root = Path(path)
    manifest = root / "lab.yaml"
    if not manifest.is_file():
        raise LabError(f"{root}: no lab.yaml in this folder")
    try:
        raw: Any = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise LabError(f"lab.yaml{where}: invalid YAML: {exc.problem}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise LabError(f"lab.yaml: cannot be read: {exc}") from exc
    if not isinstance(raw, dict):
        raise LabError("lab.yaml: must be a mapping")
    try:
        meta = LabFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise LabError(f"lab.yaml: {_location(first['loc'])}: {first['msg']}") from exc
    if meta.component != COMPONENT:
        raise LabError(f"lab.yaml: component: must be {COMPONENT!r}, not {meta.component!r}")
    unknown = sorted(set(meta.outcomes) - OUTCOMES)
    if unknown:
        raise LabError(f"lab.yaml: outcomes: unknown learning outcome {unknown[0]!r}")
    for key in ("statement", "starter", "solution"):
        name = getattr(meta, key)
        if not (root / name).is_file():
            raise LabError(f"lab.yaml: {key}: file {name!r} does not exist")
    spec = meta.grading
    judge_path = root / spec.judge
    if not judge_path.is_file():
        raise LabError(f"lab.yaml: grading.judge: file {spec.judge!r} does not exist")
    digest = hashlib.sha256()
    for file in (manifest, judge_path, root / meta.solution):
        digest.update(file.read_bytes())
    version = f"{spec.version}+{digest.hexdigest()[:12]}"
    tag = digest.hexdigest()[:16]
    judge = _load_module(judge_path, f"microcred_lab_judge_{tag}", "judge")
    if not callable(getattr(judge, "grade", None)):
        raise LabError(f"{spec.judge}: the judge must define grade(judge)")
    reference = _load_module(root / meta.solution, f"microcred_lab_reference_{tag}", "reference")
    lim = spec.limits
    limits = Limits(
        cpu_seconds=lim.cpu_seconds,
        wall_seconds=lim.wall_seconds,
        memory_mib=lim.memory_mib,
        processes=lim.processes,
        file_mib=lim.file_mib,
        open_files=lim.open_files,
    )
    return Lab(root, root.resolve().name, meta, spec, version, judge, reference, limits)

"""The grading rules of a course, as pure functions: no Django, no database, no I/O.

A course declares its components (weights that add up to 100), its pass rule (a minimum
total and a minimum per component) and a grading scale (`percentage`, `ects-a-f` or the
awarding body's `local` scale). The gradebook turns the score that counts per assessment item
(`assessment.queries.component_scores`) into:

- a **component percentage**: the items of a component are combined as the course declares,
  `mean` (the default: the average over *every* live item of the component, an item without a
  graded score counting 0) or `best` (the best item);
- a **final percentage**: the weighted sum of the component percentages;
- a **status**: `incomplete` while a component has no graded item yet, `pending` while work
  waits to be graded (a queued lab, a capstone awaiting its grade or ethics review, an attempt
  in progress), else `passed` or `failed` under the pass rule;
- a **grade** on the course's scale (see `Scale`).

Percentages are rounded half up to two decimals before the pass rule is applied, so what is
shown (and written into a credential) is exactly what was compared with the pass marks.

See docs/decisions/070-gradebook-rules-weights-scales-pass.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

__all__ = [
    "DEFAULT_ECTS_BANDS",
    "Aggregation",
    "Band",
    "ComponentGrade",
    "ComponentRule",
    "FinalGrade",
    "ItemResult",
    "Policy",
    "PolicyError",
    "Scale",
    "SkillClaim",
    "component_grade",
    "evidenced_outcomes",
    "evidenced_skills",
    "final_grade",
    "item_passed",
    "percent_of",
    "policy_from",
    "round_percent",
]

Aggregation = Literal["mean", "best"]
AGGREGATIONS: tuple[str, ...] = ("mean", "best")
ItemStatus = Literal["graded", "pending", "awaiting_ethics", "not_graded", "not_attempted"]
ComponentStatus = Literal["complete", "pending", "incomplete"]
FinalStatus = Literal["passed", "failed", "pending", "incomplete"]
WAITING: frozenset[str] = frozenset({"pending", "awaiting_ethics"})
_CENT = Decimal("0.01")
_TOLERANCE = 1e-6


class PolicyError(ValueError):
    """A course's grading policy that cannot be applied (the message says what is wrong)."""


def round_percent(value: float) -> float:
    """Half up to two decimals (72.345 -> 72.35), through the decimal text of the float."""
    return float(Decimal(repr(float(value))).quantize(_CENT, rounding=ROUND_HALF_UP))


def percent_of(score: float) -> float:
    """A score in [0, 1] as a rounded percentage."""
    return round_percent(100 * score)


def _format_percent(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} %"


# ------------------------------------------------------------------------------------ scales


@dataclass(frozen=True, slots=True)
class Band:
    """From `minimum` percent (inclusive) up to the next band: `label`; `passing` says whether
    the band can be awarded to a learner who passed (the others go to those who failed)."""

    minimum: float
    label: str
    passing: bool = True


# The ECTS Users' Guide defines A-E by the *distribution* of passing grades in a reference
# group (best 10 % A, next 25 % B, 30 % C, 25 % D, 10 % E); FX and F are fails. Many
# institutions instead print the letter from fixed percentage bands. These defaults are that
# common convention; a course (its gradebook.yaml) may set its own bands.
DEFAULT_ECTS_BANDS: tuple[Band, ...] = (
    Band(90, "A"),
    Band(80, "B"),
    Band(70, "C"),
    Band(60, "D"),
    Band(50, "E"),
    Band(40, "FX", passing=False),
    Band(0, "F", passing=False),
)


@dataclass(frozen=True, slots=True)
class Scale:
    """How a final percentage is stated: `percentage`, `ects-a-f` or `local` (bands)."""

    code: str
    name: str
    bands: tuple[Band, ...] = ()

    def __post_init__(self) -> None:
        if self.code == "percentage":
            if self.bands:
                raise PolicyError("the percentage scale has no bands")
            return
        _check_bands(self.bands, self.name)

    def label(self, percent: float, *, passed: bool) -> str:
        """The grade for `percent`: a passing band for a pass, a failing band for a fail.

        A learner who passed with a percentage below the lowest passing band gets that band
        (the course's pass mark may be lower than the scale's); one who failed with a
        percentage inside a passing band (a component under its minimum) gets the highest
        failing band.
        """
        if self.code == "percentage":
            return _format_percent(percent)
        candidates = [band for band in self.bands if band.passing == passed]
        for band in candidates:
            if percent >= band.minimum:
                return band.label
        return candidates[-1].label if passed else candidates[0].label


def _check_bands(bands: Sequence[Band], name: str) -> None:
    if not bands:
        raise PolicyError(f"the {name} scale has no bands")
    minimums = [band.minimum for band in bands]
    if any(not 0 <= m <= 100 for m in minimums):
        raise PolicyError(f"the {name} scale has a band outside 0-100 %")
    if minimums != sorted(minimums, reverse=True) or len(set(minimums)) != len(minimums):
        raise PolicyError(f"the {name} scale's bands must go from the highest minimum down")
    if minimums[-1] != 0:
        raise PolicyError(f"the {name} scale's lowest band must start at 0 %")
    if not any(band.passing for band in bands) or all(band.passing for band in bands):
        raise PolicyError(f"the {name} scale needs passing and failing bands")
    passing = [band.passing for band in bands]
    if passing != sorted(passing, reverse=True):
        raise PolicyError(f"the {name} scale's passing bands must all be above its failing bands")
    labels = [band.label for band in bands]
    if any(not label.strip() for label in labels) or len(set(labels)) != len(labels):
        raise PolicyError(f"the {name} scale's band labels must be distinct and not empty")


# ------------------------------------------------------------------------------------ policy


@dataclass(frozen=True, slots=True)
class ComponentRule:
    code: str
    weight: float  # percent of the final grade
    aggregation: Aggregation = "mean"
    minimum_percent: float = 0.0


@dataclass(frozen=True, slots=True)
class Policy:
    """A course's grading policy. Weights add up to 100; every minimum is in 0-100."""

    components: tuple[ComponentRule, ...]
    minimum_total_percent: float
    item_pass_percent: float
    scale: Scale = field(default_factory=lambda: Scale("percentage", "percentage"))
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.components:
            raise PolicyError("a course needs at least one assessment component")
        codes = [rule.code for rule in self.components]
        if len(set(codes)) != len(codes):
            raise PolicyError("two assessment components have the same id")
        for rule in self.components:
            if not 0 <= rule.weight <= 100:
                raise PolicyError(f"{rule.code}: a weight is a percentage (0-100)")
            if rule.aggregation not in AGGREGATIONS:
                raise PolicyError(f"{rule.code}: aggregation is mean or best")
            if not 0 <= rule.minimum_percent <= 100:
                raise PolicyError(f"{rule.code}: the minimum is a percentage (0-100)")
        total = sum(rule.weight for rule in self.components)
        if abs(total - 100) > _TOLERANCE:
            raise PolicyError(f"the component weights add up to {total:g} %, not 100 %")
        for value, what in (
            (self.minimum_total_percent, "the minimum total"),
            (self.item_pass_percent, "the item pass mark"),
        ):
            if not 0 <= value <= 100:
                raise PolicyError(f"{what} is a percentage (0-100)")

    def rule(self, code: str) -> ComponentRule:
        for rule in self.components:
            if rule.code == code:
                return rule
        raise PolicyError(f"no assessment component {code!r}")


# `risk` is read by `gradebook.risk` (thresholds of the learners-at-risk rules).
_POLICY_KEYS = {"components", "item_pass_percent", "ects_bands", "local_scale", "risk"}
_COMPONENT_KEYS = {"aggregation", "minimum_percent"}
_BAND_KEYS = {"min_percent", "label", "passing"}


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PolicyError(f"{what} must be a number")
    return float(value)


def _bands(raw: Any, what: str) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise PolicyError(f"{what} must be a list of bands")
    bands = []
    for entry in raw:
        if not isinstance(entry, Mapping) or set(entry) - _BAND_KEYS or "label" not in entry:
            raise PolicyError(f"{what}: a band is {{min_percent, label, passing}}")
        passing = entry.get("passing", True)
        if not isinstance(passing, bool):
            raise PolicyError(f"{what}: passing is true or false")
        bands.append(
            Band(
                _number(entry.get("min_percent"), f"{what}: min_percent"),
                str(entry["label"]).strip(),
                passing,
            )
        )
    return tuple(bands)


def _component_overrides(overrides: Mapping[str, Any], codes: set[str]) -> dict[str, Any]:
    found = overrides.get("components") or {}
    if not isinstance(found, Mapping):
        raise PolicyError("components must map component ids to their settings")
    for code, settings in found.items():
        if code not in codes:
            raise PolicyError(f"components: the course has no component {code!r}")
        if not isinstance(settings, Mapping) or set(settings) - _COMPONENT_KEYS:
            raise PolicyError(f"components.{code}: only aggregation and minimum_percent")
    return dict(found)


def policy_from(
    description: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> Policy:
    """The policy of a course description (`Programme.description`), with the course's
    gradebook settings (`gradebook.yaml` of the course folder) on top.

    `overrides` may set, per component, `aggregation` (mean | best) and `minimum_percent`
    (raised to the course-wide minimum, never below it: a credential may not state a component
    under the course's minimum); `item_pass_percent` (the score an item needs to evidence its
    outcomes; default: the higher of the pass mark and the component minimum); `ects_bands`
    and `local_scale` (`{name, bands}`), bands as `{min_percent, label, passing}`.
    """
    overrides = dict(overrides or {})
    unknown = set(overrides) - _POLICY_KEYS
    if unknown:
        raise PolicyError(f"unknown gradebook setting(s): {', '.join(sorted(unknown))}")
    assessment = description.get("assessment")
    if not isinstance(assessment, Mapping):
        raise PolicyError("the course description has no assessment section")
    pass_rule = assessment.get("pass_rule") or {}
    minimum_total = _number(pass_rule.get("minimum_total_percent"), "minimum_total_percent")
    minimum_component = _number(
        pass_rule.get("minimum_component_percent", 0), "minimum_component_percent"
    )
    declared = list(assessment.get("components") or [])
    per_component = _component_overrides(overrides, {str(c.get("id")) for c in declared})
    rules = []
    for component in declared:
        code = str(component.get("id"))
        settings = {**component, **per_component.get(code, {})}
        aggregation = settings.get("aggregation", "mean")
        if aggregation not in AGGREGATIONS:
            raise PolicyError(f"{code}: aggregation is mean or best, not {aggregation!r}")
        own_minimum = _number(settings.get("minimum_percent", 0), f"{code}: minimum_percent")
        rules.append(
            ComponentRule(
                code=code,
                weight=_number(component.get("weight"), f"{code}: weight"),
                aggregation=aggregation,
                minimum_percent=max(minimum_component, own_minimum),
            )
        )
    item_pass = overrides.get("item_pass_percent", max(minimum_total, minimum_component))
    scale, warnings = _scale(str(assessment.get("grading_scale", "percentage")), overrides)
    return Policy(
        components=tuple(rules),
        minimum_total_percent=minimum_total,
        item_pass_percent=_number(item_pass, "item_pass_percent"),
        scale=scale,
        warnings=warnings,
    )


def _scale(code: str, overrides: Mapping[str, Any]) -> tuple[Scale, tuple[str, ...]]:
    if code == "percentage":
        return Scale("percentage", "percentage"), ()
    if code == "ects-a-f":
        raw = overrides.get("ects_bands")
        bands = _bands(raw, "ects_bands") if raw is not None else DEFAULT_ECTS_BANDS
        return Scale("ects-a-f", "ECTS", bands), ()
    if code == "local":
        local = overrides.get("local_scale")
        if local is None:
            return Scale("percentage", "percentage"), (
                "grading_scale is local but the course's gradebook.yaml has no local_scale: "
                "grades are stated as percentages",
            )
        if not isinstance(local, Mapping) or set(local) - {"name", "bands"}:
            raise PolicyError("local_scale is {name, bands}")
        name = str(local.get("name") or "local").strip()
        return Scale("local", name, _bands(local.get("bands"), "local_scale.bands")), ()
    raise PolicyError(f"unknown grading scale {code!r}")


# ------------------------------------------------------------------------------------ grades


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The score that counts for one assessment item (see `ItemScore` in the assessment app)."""

    component: str
    status: ItemStatus | str
    score: float | None = None  # in [0, 1] when graded
    key: str = ""
    outcomes: tuple[str, ...] = ()

    @property
    def graded(self) -> bool:
        return self.status == "graded" and self.score is not None


@dataclass(frozen=True, slots=True)
class ComponentGrade:
    code: str
    weight: float
    aggregation: Aggregation
    minimum_percent: float
    status: ComponentStatus
    percent: float | None  # None while incomplete
    items_total: int
    items_graded: int
    items_waiting: int
    graded_percent: float | None = None  # over the graded items only: how the work done went

    @property
    def passed(self) -> bool:
        return self.percent is not None and self.percent >= self.minimum_percent

    @property
    def failing(self) -> bool:
        """Graded and under its minimum (it may still rise while items are left)."""
        return self.percent is not None and self.percent < self.minimum_percent


@dataclass(frozen=True, slots=True)
class FinalGrade:
    status: FinalStatus
    percent: float  # weighted; an incomplete component counts 0 (the grade so far)
    label: str  # the grade on the course's scale once passed or failed, else ""
    components: tuple[ComponentGrade, ...]
    below_total: bool  # the weighted percentage is under the course's pass mark

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def failing_components(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.components if c.failing)

    def component(self, code: str) -> ComponentGrade:
        return next(c for c in self.components if c.code == code)


def component_grade(rule: ComponentRule, items: Sequence[ItemResult]) -> ComponentGrade:
    graded = [item.score for item in items if item.status == "graded" and item.score is not None]
    waiting = sum(1 for item in items if item.status in WAITING)
    percent: float | None = None
    graded_percent: float | None = None
    status: ComponentStatus = "incomplete"
    if graded:
        value = max(graded) if rule.aggregation == "best" else sum(graded) / len(items)
        percent = percent_of(value)
        graded_percent = percent_of(
            max(graded) if rule.aggregation == "best" else sum(graded) / len(graded)
        )
        status = "pending" if waiting else "complete"
    return ComponentGrade(
        code=rule.code,
        weight=rule.weight,
        aggregation=rule.aggregation,
        minimum_percent=rule.minimum_percent,
        status=status,
        percent=percent,
        items_total=len(items),
        items_graded=len(graded),
        items_waiting=waiting,
        graded_percent=graded_percent,
    )


def final_grade(policy: Policy, items: Iterable[ItemResult]) -> FinalGrade:
    """Combine item scores into component percentages, the final percentage and a status."""
    by_component: dict[str, list[ItemResult]] = {rule.code: [] for rule in policy.components}
    for item in items:
        if item.component not in by_component:
            raise PolicyError(f"an item belongs to component {item.component!r}, not in the course")
        if item.score is not None and not 0 <= item.score <= 1:
            raise PolicyError(f"a score is a share in [0, 1], not {item.score!r}")
        by_component[item.component].append(item)
    components = tuple(component_grade(rule, by_component[rule.code]) for rule in policy.components)
    percent = round_percent(sum(c.weight * (c.percent or 0.0) for c in components) / 100)
    below_total = percent < policy.minimum_total_percent
    status: FinalStatus
    if any(c.status == "incomplete" for c in components):
        status = "incomplete"
    elif any(c.status == "pending" for c in components):
        status = "pending"
    elif below_total or any(c.failing for c in components):
        status = "failed"
    else:
        status = "passed"
    decided = status in ("passed", "failed")
    label = policy.scale.label(percent, passed=status == "passed") if decided else ""
    return FinalGrade(status, percent, label, components, below_total)


# ------------------------------------------------------------------------ evidenced skills


def item_passed(policy: Policy, item: ItemResult) -> bool:
    """A graded item scored at least the item pass mark: its outcomes are evidenced."""
    if not item.graded or item.score is None:
        return False
    return percent_of(item.score) >= policy.item_pass_percent


def evidenced_outcomes(policy: Policy, items: Iterable[ItemResult]) -> frozenset[str]:
    """The learning outcomes of every item the learner passed (and only those)."""
    return frozenset(
        outcome for item in items if item_passed(policy, item) for outcome in item.outcomes
    )


@dataclass(frozen=True, slots=True)
class SkillClaim:
    uri: str
    label: str
    outcomes: tuple[str, ...]  # the evidenced outcomes that carry the skill


def evidenced_skills(
    outcomes: Sequence[Mapping[str, Any]], evidenced: Iterable[str]
) -> tuple[SkillClaim, ...]:
    """The ESCO skills of the evidenced outcomes, in the course's order, each once.

    `outcomes` are the course description's `learning_outcomes` (`id`, `esco_skills` with
    `uri` and `label`).
    """
    passed = set(evidenced)
    found: dict[str, tuple[str, list[str]]] = {}
    for outcome in outcomes:
        code = str(outcome.get("id"))
        if code not in passed:
            continue
        for skill in outcome.get("esco_skills") or []:
            found.setdefault(str(skill["uri"]), (str(skill.get("label", "")), []))[1].append(code)
    return tuple(SkillClaim(uri, label, tuple(codes)) for uri, (label, codes) in found.items())

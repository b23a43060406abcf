"""Rules that look across fields and files of a loaded course.

Each rule is a small function registered in `RULES`; it yields diagnostics and never
raises, so one broken part cannot hide the problems of another. Errors block a sync;
warnings (plausibility checks such as hours per ECTS) are shown but never block.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from uuid import UUID

from pydantic import BaseModel

from microcred.skills.esco import is_esco_skill_uri, shipped_subset

from .codes import (
    EQF_LEVELS,
    HOURS_PER_ECTS,
    ISO_639_1,
    ISO_3166_1_ALPHA_2,
    QF_EHEA_CYCLE_EQF,
    QUALIFICATION_EQF,
    QUALIFICATION_NAMES,
)
from .course import Course
from .diagnostics import Diagnostic, Severity
from .model import LocalizedText, Microcredential
from .shape import field_name
from .yamlsource import PathKey, YamlDocument

Rule = Callable[[Course], Iterator[Diagnostic]]
RULES: list[Rule] = []


def rule(function: Rule) -> Rule:
    RULES.append(function)
    return function


def at(
    document: YamlDocument,
    location: PathKey,
    severity: Severity,
    code: str,
    message: str,
    hint: str = "",
    *,
    key: bool = False,
) -> Diagnostic:
    mark = document.mark(location, key=key)
    return Diagnostic(
        document.path, mark.line, mark.col, severity, code, message, hint, field_name(location)
    )


def error(
    document: YamlDocument, location: PathKey, code: str, message: str, hint: str = ""
) -> Diagnostic:
    return at(document, location, Severity.ERROR, code, message, hint)


def warning(
    document: YamlDocument, location: PathKey, code: str, message: str, hint: str = ""
) -> Diagnostic:
    return at(document, location, Severity.WARNING, code, message, hint)


def _description(course: Course) -> tuple[Microcredential, YamlDocument] | None:
    if course.description is None or course.description_source is None:
        return None
    return course.description, course.description_source


# --- Annex I completeness ------------------------------------------------------------------

ANNEX_I_MANDATORY: dict[str, str] = {
    "learner_identification": "identification of the learner",
    "title": "title of the micro-credential",
    "awarding_body": "awarding body",
    "awarding_body.country": "country/region of the issuer",
    "date_of_issuing": "date of issuing",
    "learning_outcomes": "learning outcomes",
    "workload.ects": "notional workload in ECTS",
    "level.eqf": "level (EQF)",
    "assessment.type": "type of assessment",
    "form_of_participation": "form of participation",
    "quality_assurance.type": "type of quality assurance",
}


def _empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        return not value or all(_empty(v) for v in value.values())
    if isinstance(value, list | tuple):
        return not value
    return False


@rule
def annex_i_elements_present(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is None:
        return
    spec, source = found
    for dotted, element in ANNEX_I_MANDATORY.items():
        value: object = spec
        for part in dotted.split("."):
            value = getattr(value, part)
        if _empty(value):
            yield error(
                source,
                tuple(dotted.split(".")),
                "MC101",
                f"Annex I mandatory element '{element}' is empty",
                f"fill in '{dotted}'",
            )


# --- Levels ----------------------------------------------------------------------------------


@rule
def eqf_levels_valid(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is None:
        return
    spec, source = found
    hint = "the European Qualifications Framework has levels 1 to 8"
    if spec.level.eqf not in EQF_LEVELS:
        yield error(
            source, ("level", "eqf"), "MC102", f"EQF level {spec.level.eqf} does not exist", hint
        )
    if spec.admission.eqf_level not in EQF_LEVELS:
        yield error(
            source,
            ("admission", "eqf_level"),
            "MC102",
            f"EQF level {spec.admission.eqf_level} does not exist",
            hint,
        )
    for index, outcome in enumerate(spec.learning_outcomes):
        if outcome.eqf_level not in EQF_LEVELS:
            yield error(
                source,
                ("learning_outcomes", index, "eqf_level"),
                "MC102",
                f"EQF level {outcome.eqf_level} of {outcome.id} does not exist",
                hint,
            )
    cycle = spec.level.qf_ehea_cycle
    if (
        cycle is not None
        and spec.level.eqf in EQF_LEVELS
        and QF_EHEA_CYCLE_EQF[cycle] != spec.level.eqf
    ):
        yield error(
            source,
            ("level", "qf_ehea_cycle"),
            "MC103",
            f"QF-EHEA {cycle} cycle corresponds to EQF level "
            f"{QF_EHEA_CYCLE_EQF[cycle]}, not {spec.level.eqf}",
            "short cycle = EQF 5, first = 6, second = 7, third = 8",
        )


@rule
def admission_level_consistent(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is None:
        return
    spec, source = found
    admission = spec.admission
    expected = QUALIFICATION_EQF.get(admission.qualification)
    if expected is not None and admission.eqf_level not in expected:
        levels = " or ".join(str(level) for level in sorted(expected))
        yield error(
            source,
            ("admission", "eqf_level"),
            "MC103",
            f"{QUALIFICATION_NAMES[admission.qualification]} is EQF level {levels}, "
            f"not {admission.eqf_level}",
            f"set admission.eqf_level to {levels}",
        )
    if (
        admission.eqf_level in EQF_LEVELS
        and spec.level.eqf in EQF_LEVELS
        and admission.eqf_level > spec.level.eqf
    ):
        yield warning(
            source,
            ("admission", "eqf_level"),
            "MC104",
            f"admission requires EQF {admission.eqf_level}, above the "
            f"microcredential's own level {spec.level.eqf}",
            "a microcredential usually sits at or above its entry level",
        )


# --- Workload --------------------------------------------------------------------------------


@rule
def ects_matches_workload(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is None:
        return
    spec, source = found
    workload = spec.workload
    low, high = HOURS_PER_ECTS
    per_credit = workload.total_hours / workload.ects
    if not low <= per_credit <= high:
        yield warning(
            source,
            ("workload", "ects"),
            "MC110",
            f"{workload.ects:g} ECTS for {workload.total_hours:g} hours is "
            f"{per_credit:.1f} hours per credit",
            f"one ECTS credit is 25-30 hours: {workload.total_hours:g} h is "
            f"{workload.total_hours / high:.1f}-{workload.total_hours / low:.1f} ECTS",
        )
    if spec.rights_on_completion.ects != workload.ects:
        yield error(
            source,
            ("rights_on_completion", "ects"),
            "MC111",
            f"rights on completion award {spec.rights_on_completion.ects:g} ECTS but "
            f"the workload is {workload.ects:g} ECTS",
            "make them equal",
        )


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


@rule
def hours_add_up(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is None:
        return
    spec, source = found
    workload = spec.workload
    parts = workload.theoretical.hours + workload.practical.hours
    if not _close(parts, workload.total_hours):
        yield error(
            source,
            ("workload", "total_hours"),
            "MC112",
            f"theoretical ({workload.theoretical.hours:g} h) + practical "
            f"({workload.practical.hours:g} h) = {parts:g} h, but total_hours is "
            f"{workload.total_hours:g}",
            "make the parts add up to the total",
        )
    for name in ("theoretical", "practical"):
        part = getattr(workload, name)
        if part.breakdown:
            listed = sum(activity.hours for activity in part.breakdown)
            if not _close(listed, part.hours):
                yield error(
                    source,
                    ("workload", name, "hours"),
                    "MC112",
                    f"the {name} activities add up to {listed:g} h, not {part.hours:g} h",
                    f"fix workload.{name}.breakdown or workload.{name}.hours",
                )
    module_hours = sum(module.spec.hours for module in course.modules)
    if (
        course.modules
        and len(course.modules) == len(spec.modules)
        and module_hours > workload.total_hours + 1e-6
    ):
        yield error(
            source,
            ("workload", "total_hours"),
            "MC112",
            f"the modules declare {module_hours:g} h, more than the total "
            f"{workload.total_hours:g} h",
            "module hours are part of the total workload",
        )


# --- Assessment ------------------------------------------------------------------------------


@rule
def weights_sum_to_100(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is None:
        return
    spec, source = found
    total = sum(component.weight for component in spec.assessment.components)
    if not _close(total, 100.0):
        yield error(
            source,
            ("assessment", "components"),
            "MC120",
            f"assessment weights add up to {total:g} %, not 100 %",
            " + ".join(f"{c.id} {c.weight:g}" for c in spec.assessment.components),
        )


def _assessment_items(
    course: Course,
) -> Iterator[tuple[str, str, list[str], YamlDocument, PathKey]]:
    """(kind, component id, outcomes, document, location) for every summative item."""
    for lab in course.labs:
        yield "labs", lab.spec.component, lab.spec.outcomes, lab.source, ("component",)
    if course.capstone is not None:
        capstone = course.capstone.spec
        outcomes = list(capstone.outcomes)
        for criterion in capstone.rubric:
            outcomes.extend(criterion.outcomes)
        yield "capstone", capstone.component, outcomes, course.capstone.source, ("component",)
    if course.exam is not None:
        outcomes = [o for item in course.exam.spec.items for o in item.outcomes]
        yield "exam", course.exam.spec.component, outcomes, course.exam.source, ("component",)
    for quiz in course.quizzes():
        if quiz.spec.mode == "graded" and quiz.spec.component is not None:
            outcomes = [o for item in quiz.spec.items for o in item.outcomes]
            yield "quizzes", quiz.spec.component, outcomes, quiz.source, ("component",)


@rule
def components_have_items(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is None:
        return
    spec, source = found
    components = {c.id: c for c in spec.assessment.components}
    used: set[str] = set()
    for kind, component_id, _, document, location in _assessment_items(course):
        component = components.get(component_id)
        if component is None:
            yield error(
                document,
                location,
                "MC121",
                f"assessment component '{component_id}' is not defined",
                "defined components: " + ", ".join(components),
            )
            continue
        used.add(component_id)
        if component.kind != kind:
            yield error(
                document,
                location,
                "MC121",
                f"component '{component_id}' is of kind '{component.kind}', but a "
                f"{kind} item counts towards it",
                f"point it to a '{kind}' component",
            )
    for index, component in enumerate(spec.assessment.components):
        if component.id not in used and component.kind not in course.unloaded:
            yield error(
                source,
                ("assessment", "components", index, "id"),
                "MC122",
                f"assessment component '{component.id}' has no assessment item",
                f"add a {component.kind} item whose component is '{component.id}'",
            )
    graded_quiz = [q for q in course.quizzes() if q.spec.mode == "graded"]
    for quiz in graded_quiz:
        if quiz.spec.component is None:
            yield error(
                quiz.source,
                ("mode",),
                "MC121",
                "a graded quiz must name the assessment component it counts towards",
                "add 'component:'",
            )


@rule
def outcomes_assessed(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is None:
        return
    spec, source = found
    if course.unloaded:
        return  # an item that failed to load may assess them; its problem is reported
    assessed: set[str] = set()
    for *_, outcomes, _, _ in _assessment_items(course):
        assessed.update(outcomes)
    for index, outcome in enumerate(spec.learning_outcomes):
        if outcome.id not in assessed:
            yield warning(
                source,
                ("learning_outcomes", index, "id"),
                "MC123",
                f"learning outcome {outcome.id} is not assessed by any assessment item",
                "align a lab, the capstone rubric or an exam question to it",
            )


@rule
def references_resolve(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is None:
        return
    spec, _ = found
    known = {outcome.id for outcome in spec.learning_outcomes}
    hint = "known learning outcomes: " + ", ".join(sorted(known))

    def check(document: YamlDocument, location: PathKey, ids: list[str]) -> Iterator[Diagnostic]:
        for index, outcome_id in enumerate(ids):
            if outcome_id not in known:
                yield error(
                    document,
                    (*location, index),
                    "MC130",
                    f"unknown learning outcome '{outcome_id}'",
                    hint,
                )

    for module in course.modules:
        yield from check(module.source, ("learning_outcomes",), module.spec.learning_outcomes)
        for lesson in module.lessons:
            yield from check(lesson.source, ("learning_outcomes",), lesson.spec.learning_outcomes)
    for lab in course.labs:
        yield from check(lab.source, ("outcomes",), lab.spec.outcomes)
    if course.capstone is not None:
        yield from check(course.capstone.source, ("outcomes",), course.capstone.spec.outcomes)
        for index, criterion in enumerate(course.capstone.spec.rubric):
            yield from check(
                course.capstone.source, ("rubric", index, "outcomes"), criterion.outcomes
            )
    for item, document, index in course.choice_questions():
        yield from check(document, ("items", index, "outcomes"), item.outcomes)


@rule
def choice_questions_well_formed(course: Course) -> Iterator[Diagnostic]:
    for item, document, index in course.choice_questions():
        correct = sum(option.correct for option in item.options)
        where = ("items", index, "options")
        if item.kind == "single" and correct != 1:
            yield error(
                document,
                where,
                "MC131",
                f"single-answer question '{item.id}' has {correct} correct options",
                "mark exactly one option 'correct: true'",
            )
        if item.kind == "multiple" and correct < 1:
            yield error(
                document,
                where,
                "MC131",
                f"multiple-answer question '{item.id}' has no correct option",
                "mark at least one option 'correct: true'",
            )
        ids = Counter(option.id for option in item.options)
        for option_id, count in ids.items():
            if count > 1:
                yield error(
                    document,
                    where,
                    "MC131",
                    f"question '{item.id}' has option id '{option_id}' {count} times",
                    "option ids must be unique within a question",
                )
    if course.exam is not None:
        exam = course.exam.spec
        if exam.questions_per_attempt > len(exam.items):
            yield error(
                course.exam.source,
                ("questions_per_attempt",),
                "MC132",
                f"the exam draws {exam.questions_per_attempt} questions from a pool of "
                f"{len(exam.items)}",
                "add questions or draw fewer",
            )
    for quiz in course.quizzes():
        wanted = quiz.spec.questions_per_attempt
        if wanted is not None and wanted > len(quiz.spec.items):
            yield error(
                quiz.source,
                ("questions_per_attempt",),
                "MC132",
                f"the quiz draws {wanted} questions from a pool of {len(quiz.spec.items)}",
                "add questions or draw fewer",
            )


@rule
def capstone_rubric_complete(course: Course) -> Iterator[Diagnostic]:
    if course.capstone is None:
        return
    rubric = course.capstone.spec.rubric
    total = sum(criterion.weight for criterion in rubric)
    if not _close(total, 100.0):
        yield error(
            course.capstone.source,
            ("rubric",),
            "MC133",
            f"capstone rubric weights add up to {total:g}, not 100",
            "",
        )
    found = _description(course)
    if found is not None:
        policy = found[0].quality_assurance.ai_ethics_risk_assessment
        if (
            policy is not None
            and policy.required
            and not course.capstone.spec.ethics_assessment.required
        ):
            yield error(
                course.capstone.source,
                ("ethics_assessment", "required"),
                "MC134",
                "quality assurance requires an AI ethics and risk assessment of every "
                "capstone, but the capstone does not require one",
                "set ethics_assessment.required: true",
            )


# --- Identity and references -------------------------------------------------------------


def _uuid_owners(course: Course) -> Iterator[tuple[UUID, YamlDocument, PathKey]]:
    found = _description(course)
    if found is not None:
        spec, source = found
        yield spec.uuid, source, ("uuid",)
        for index, outcome in enumerate(spec.learning_outcomes):
            yield outcome.uuid, source, ("learning_outcomes", index, "uuid")
        for index, component in enumerate(spec.assessment.components):
            yield component.uuid, source, ("assessment", "components", index, "uuid")
    for module in course.modules:
        yield module.spec.uuid, module.source, ("uuid",)
        for lesson in module.lessons:
            yield lesson.spec.uuid, lesson.source, ("uuid",)
        if module.quiz is not None:
            yield module.quiz.spec.uuid, module.quiz.source, ("uuid",)
    for lab in course.labs:
        yield lab.spec.uuid, lab.source, ("uuid",)
    if course.exam is not None:
        yield course.exam.spec.uuid, course.exam.source, ("uuid",)
    if course.capstone is not None:
        yield course.capstone.spec.uuid, course.capstone.source, ("uuid",)
        for index, criterion in enumerate(course.capstone.spec.rubric):
            yield criterion.uuid, course.capstone.source, ("rubric", index, "uuid")
    for item, document, index in course.choice_questions():
        yield item.uuid, document, ("items", index, "uuid")


@rule
def uuids_unique(course: Course) -> Iterator[Diagnostic]:
    first: dict[UUID, tuple[YamlDocument, PathKey]] = {}
    for value, document, location in _uuid_owners(course):
        if value in first:
            other, other_location = first[value]
            mark = other.mark(other_location)
            yield error(
                document,
                location,
                "MC140",
                f"UUID {value} is already used by {other.path}:{mark.line}",
                "every entity needs its own UUID: generate one with "
                "python -c 'import uuid; print(uuid.uuid4())'",
            )
        else:
            first[value] = (document, location)


@rule
def ids_unique(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is not None:
        spec, source = found
        groups: dict[str, list[tuple[str, PathKey]]] = {
            "learning outcome": [
                (o.id, ("learning_outcomes", i, "id")) for i, o in enumerate(spec.learning_outcomes)
            ],
            "assessment component": [
                (c.id, ("assessment", "components", i, "id"))
                for i, c in enumerate(spec.assessment.components)
            ],
            "module": [(m, ("modules", i)) for i, m in enumerate(spec.modules)],
        }
        for what, entries in groups.items():
            yield from _duplicates(source, what, entries)
    for module in course.modules:
        yield from _duplicates(
            module.source,
            "lesson",
            [(s, ("lessons", i)) for i, s in enumerate(module.spec.lessons)],
        )
    seen: dict[str, str] = {}
    for item, document, index in course.choice_questions():
        if item.id in seen:
            yield error(
                document,
                ("items", index, "id"),
                "MC141",
                f"question id '{item.id}' is already used in {seen[item.id]}",
                "question ids must be unique in the course",
            )
        else:
            seen[item.id] = document.path


def _duplicates(
    document: YamlDocument, what: str, entries: list[tuple[str, PathKey]]
) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for value, location in entries:
        if value in seen:
            yield error(
                document,
                location,
                "MC141",
                f"duplicate {what} id '{value}'",
                f"each {what} id must be unique",
            )
        seen.add(value)


@rule
def module_folders_listed(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is None:
        return
    spec, source = found
    folder = course.root / "modules"
    if folder.is_dir():
        for child in sorted(folder.iterdir()):
            if child.is_dir() and child.name not in spec.modules and child.name[0] not in "._":
                yield warning(
                    source,
                    ("modules",),
                    "MC142",
                    f"module folder 'modules/{child.name}' is not listed in 'modules'",
                    "list it, or remove the folder",
                )


@rule
def referenced_files_exist(course: Course) -> Iterator[Diagnostic]:
    for module in course.modules:
        for index, resource in enumerate(module.spec.resources):
            if not _escapes(resource.file) and not (module.folder / resource.file).is_file():
                yield error(
                    module.source,
                    ("resources", index, "file"),
                    "MC002",
                    f"resource file '{resource.file}' does not exist in {module.folder.name}/",
                    "create it or fix the name",
                )
        for lesson in module.lessons:
            if lesson.spec.status == "planned":
                continue
            if not lesson.spec.resources:
                yield error(
                    lesson.source,
                    ("resources",),
                    "MC143",
                    "a published lesson needs at least its notes",
                    "add resources: [{kind: notes, file: notes.md}] or set status: planned",
                )
            for index, resource in enumerate(lesson.spec.resources):
                if not _escapes(resource.file) and not (lesson.folder / resource.file).is_file():
                    yield error(
                        lesson.source,
                        ("resources", index, "file"),
                        "MC002",
                        f"resource file '{resource.file}' does not exist in {lesson.folder.name}/",
                        "create it or fix the name",
                    )
    for lab in course.labs:
        for name in ("statement", "starter", "solution"):
            file = getattr(lab.spec, name)
            if not (lab.folder / file).is_file():
                yield error(
                    lab.source,
                    (name,),
                    "MC002",
                    f"{name} file '{file}' does not exist in {lab.folder.name}/",
                    "create it or fix the name",
                )
    if course.capstone is not None:
        capstone = course.capstone
        for name, file in (
            ("brief", capstone.spec.brief),
            ("ethics_assessment", capstone.spec.ethics_assessment.template),
        ):
            if not (capstone.folder / file).is_file():
                location: PathKey = (name,) if name == "brief" else (name, "template")
                yield error(
                    capstone.source,
                    location,
                    "MC002",
                    f"file '{file}' does not exist in capstone/",
                    "create it or fix the name",
                )


# --- Codes, skills, dates ----------------------------------------------------------------------


def _is_localized(annotation: object) -> bool:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation == dict[str, str]


def _localized_fields(value: object, location: PathKey) -> Iterator[tuple[PathKey, LocalizedText]]:
    """Every localized text inside a spec object, with its location."""
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            child = getattr(value, name)
            annotation = info.annotation
            if _is_localized(annotation):
                yield (*location, name), child
            elif typing.get_origin(annotation) is list and _is_localized(
                typing.get_args(annotation)[0]
            ):
                for index, text in enumerate(child):
                    yield (*location, name, index), text
            else:
                yield from _localized_fields(child, (*location, name))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _localized_fields(child, (*location, index))


def _all_documents(course: Course) -> Iterator[tuple[object, YamlDocument]]:
    if course.description is not None and course.description_source is not None:
        yield course.description, course.description_source
    for module in course.modules:
        yield module.spec, module.source
        for lesson in module.lessons:
            yield lesson.spec, lesson.source
        if module.quiz is not None:
            yield module.quiz.spec, module.quiz.source
    for lab in course.labs:
        yield lab.spec, lab.source
    if course.exam is not None:
        yield course.exam.spec, course.exam.source
    if course.capstone is not None:
        yield course.capstone.spec, course.capstone.source


@rule
def language_codes_valid(course: Course) -> Iterator[Diagnostic]:
    hint = "use two-letter ISO 639-1 codes such as en, fr, de, el, ro, it"
    found = _description(course)
    if found is not None:
        spec, source = found
        for name in ("language_of_instruction", "translations"):
            for index, code in enumerate(getattr(spec, name)):
                if code not in ISO_639_1:
                    yield error(
                        source,
                        (name, index),
                        "MC150",
                        f"'{code}' is not an ISO 639-1 language code",
                        hint,
                    )
        if (
            spec.awarding_body.country.upper() not in ISO_3166_1_ALPHA_2
            or spec.awarding_body.country != spec.awarding_body.country.upper()
        ):
            yield error(
                source,
                ("awarding_body", "country"),
                "MC151",
                f"'{spec.awarding_body.country}' is not an ISO 3166-1 alpha-2 country code",
                "use codes such as IE, FR, DE, GR, RO, IT",
            )
    for obj, document in _all_documents(course):
        for location, text in _localized_fields(obj, ()):
            if not text:
                continue
            for language in text:
                if language not in ISO_639_1:
                    yield at(
                        document,
                        (*location, language),
                        Severity.ERROR,
                        "MC150",
                        f"'{language}' is not an ISO 639-1 language code",
                        hint,
                        key=True,
                    )
            if not any(value.strip() for value in text.values()):
                continue  # wholly empty: MC101 where it is mandatory, else allowed
            if not text.get("en", "").strip():
                yield error(
                    document,
                    location,
                    "MC152",
                    f"'{field_name(location)}' has no English text",
                    "English is the fallback language: add an 'en' entry",
                )


@rule
def esco_skills_real(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is None:
        return
    spec, source = found
    subset = shipped_subset()
    for o_index, outcome in enumerate(spec.learning_outcomes):
        for s_index, skill in enumerate(outcome.esco_skills):
            location = ("learning_outcomes", o_index, "esco_skills", s_index, "uri")
            if not is_esco_skill_uri(skill.uri):
                yield error(
                    source,
                    location,
                    "MC160",
                    f"'{skill.uri}' is not an ESCO skill URI",
                    "expected http://data.europa.eu/esco/skill/<uuid>; look the skill "
                    "up with `microcred skills search TEXT`",
                )
                continue
            known = subset.get(skill.uri)
            if known is None:
                yield warning(
                    source,
                    location,
                    "MC161",
                    f"ESCO skill {skill.uri} is not in the shipped ESCO {subset.version} subset",
                    "check the URI on the ESCO portal; only skills in the subset "
                    "are resolved offline",
                )
            elif known.label.casefold() != skill.label.casefold():
                yield warning(
                    source,
                    (*location[:-1], "label"),
                    "MC162",
                    f"label '{skill.label}' differs from the ESCO preferred label '{known.label}'",
                    f"write label: {known.label}",
                )


@rule
def dates_ordered(course: Course) -> Iterator[Diagnostic]:
    found = _description(course)
    if found is None:
        return
    spec, source = found
    offering = spec.offering
    if offering.end_date < offering.start_date:
        yield error(
            source,
            ("offering", "end_date"),
            "MC170",
            f"end date {offering.end_date} is before start date {offering.start_date}",
            "swap or correct the dates",
        )
    if offering.enrolment_deadline is not None and offering.enrolment_deadline > offering.end_date:
        yield error(
            source,
            ("offering", "enrolment_deadline"),
            "MC170",
            f"enrolment deadline {offering.enrolment_deadline} is after the end date "
            f"{offering.end_date}",
            "learners must be able to enrol before the end",
        )
    if isinstance(spec.date_of_issuing, dt.date) and spec.date_of_issuing < offering.start_date:
        yield error(
            source,
            ("date_of_issuing",),
            "MC170",
            f"date of issuing {spec.date_of_issuing} is before the start date "
            f"{offering.start_date}",
            "credentials are issued after learning",
        )


def _escapes(reference: str) -> bool:
    parts = PurePosixPath(reference.replace("\\", "/"))
    return parts.is_absolute() or ".." in parts.parts


def _file_references(course: Course) -> Iterator[tuple[YamlDocument, PathKey, str]]:
    for module in course.modules:
        if module.spec.quiz is not None:
            yield module.source, ("quiz",), module.spec.quiz
        for index, resource in enumerate(module.spec.resources):
            yield module.source, ("resources", index, "file"), resource.file
        for lesson in module.lessons:
            for index, resource in enumerate(lesson.spec.resources):
                yield lesson.source, ("resources", index, "file"), resource.file
    for lab in course.labs:
        for name in ("statement", "starter", "solution"):
            yield lab.source, (name,), getattr(lab.spec, name)
    if course.capstone is not None:
        yield course.capstone.source, ("brief",), course.capstone.spec.brief
        template = course.capstone.spec.ethics_assessment.template
        yield course.capstone.source, ("ethics_assessment", "template"), template


@rule
def file_references_stay_inside(course: Course) -> Iterator[Diagnostic]:
    """A course is published as a unit: a reference outside its folder would leak files."""
    for document, location, reference in _file_references(course):
        if _escapes(reference):
            yield error(
                document,
                location,
                "MC144",
                f"'{reference}' points outside the folder that holds this file",
                "use a path relative to this folder, without '..'",
            )


def run_rules(course: Course) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for check in RULES:
        diagnostics.extend(check(course))
    return diagnostics

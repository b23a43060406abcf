"""The OB 3.0 Achievement export is valid against the published OB 3.0 JSON Schema."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from microcred.credentials.core.jsonld import to_rdf
from microcred.curriculum.spec import validate_course
from microcred.curriculum.spec.exporters import export_ob3_achievement

MINIMAL = Path(__file__).parents[1] / "fixtures" / "minimal"
SHIPPED = Path(__file__).parents[4] / "courses" / "applied-ml-dl"


def achievement_validator() -> jsonschema.Draft201909Validator:
    schema = json.loads(
        resources.files("microcred.specdata")
        .joinpath("schemas/ob_v3p0_achievementcredential_schema.json")
        .read_text(encoding="utf-8")
    )
    return jsonschema.Draft201909Validator(
        {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/Achievement"}
    )


def export(course_dir: Path) -> dict[str, Any]:
    result = validate_course(course_dir)
    assert result.ok, [d.format() for d in result.errors]
    return export_ob3_achievement(result.course)


@pytest.mark.parametrize("course_dir", [MINIMAL, SHIPPED], ids=["minimal", "shipped"])
def test_export_validates_against_ob3_schema(course_dir: Path) -> None:
    errors = [e.message for e in achievement_validator().iter_errors(export(course_dir))]
    assert errors == []


def test_schema_check_is_not_vacuous() -> None:
    achievement = export(MINIMAL)
    del achievement["criteria"]
    achievement["achievementType"] = "NotAType"
    messages = [e.message for e in achievement_validator().iter_errors(achievement)]
    assert any("criteria" in m for m in messages)
    assert len(messages) >= 2


def test_export_carries_the_microcredential_facts() -> None:
    achievement = export(SHIPPED)
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["creditsAvailable"] == 6
    assert achievement["name"] == "Applied Machine Learning and Deep Learning"
    targets = {a["targetUrl"] for a in achievement["alignment"]}
    assert "http://data.europa.eu/esco/skill/ecc4552a-92c5-4222-b18d-faf5ac841080" in targets
    assert all(url.startswith("http://data.europa.eu/esco/skill/") for url in targets)
    weights = [r["name"] for r in achievement["resultDescription"]]
    assert "Programming assignments (30 %)" in weights
    annex = achievement["annexI"]
    assert annex["eqfLevel"] == 7
    assert annex["theoreticalHours"] == 52
    assert annex["practicalHours"] == 98
    assert [o["outcomeCode"] for o in annex["learningOutcomes"]] == [
        "LO1",
        "LO2",
        "LO3",
        "LO4",
        "LO5",
    ]


def test_annex_i_context_defines_every_extension_term() -> None:
    context = json.loads(
        resources.files("microcred.specdata")
        .joinpath("contexts/microcred_annex-i_v1.jsonld")
        .read_text(encoding="utf-8")
    )["@context"]
    index = json.loads(
        resources.files("microcred.specdata").joinpath("contexts/index.json").read_text()
    )
    assert index["https://w3id.org/microcred/contexts/annex-i/v1"] == "microcred_annex-i_v1.jsonld"
    annex = export(MINIMAL)["annexI"]
    keys = set(annex) - {"id", "type"}
    keys |= {k for o in annex["learningOutcomes"] for k in o} - {"id", "type"}
    assert keys <= set(context), keys - set(context)
    assert annex["type"] in context


@pytest.mark.parametrize("course_dir", [MINIMAL, SHIPPED], ids=["minimal", "shipped"])
def test_export_is_json_ld_with_every_term_defined(course_dir: Path) -> None:
    """Safe-mode expansion: a verifier would reject any term our contexts do not define."""
    quads = to_rdf(export(course_dir))
    assert any("annexI" in str(quad.predicate) for quad in quads)

"""ELM and schema.org exports carry the description's facts with controlled vocabularies."""

from __future__ import annotations

from pathlib import Path

from microcred.credentials.core.jsonld import to_rdf
from microcred.curriculum.spec import Course, validate_course
from microcred.curriculum.spec.exporters import export_elm, export_schemaorg

SHIPPED = Path(__file__).parents[4] / "courses" / "applied-ml-dl"


def course() -> Course:
    result = validate_course(SHIPPED)
    assert result.ok, [d.format() for d in result.errors]
    return result.course


def test_elm_qualification() -> None:
    document = export_elm(course())
    assert "http://data.europa.eu/snb/model/context/edc-ap" in document["@context"]
    assert document["type"] == "LearningOpportunity"
    qualification = document["learningAchievementSpecification"]
    assert qualification["type"] == "Qualification"
    assert qualification["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/7"
    assert qualification["creditPoint"][0]["point"] == "6"
    assert qualification["volumeOfLearning"] == "PT150H"
    assert qualification["mode"][0]["id"].endswith("/e92d221e4d")  # blended
    assert qualification["language"][0]["id"].endswith("/language/ENG")
    skills = [s["id"] for o in qualification["learningOutcome"] for s in o["relatedESCOSkill"]]
    assert "http://data.europa.eu/esco/skill/ecc4552a-92c5-4222-b18d-faf5ac841080" in skills
    assert qualification["title"]["fr"].startswith("Apprentissage automatique")


def test_schemaorg_course() -> None:
    document = export_schemaorg(course())
    assert document["@type"] == "Course"
    assert document["numberOfCredits"]["value"] == 6
    assert document["hasCourseInstance"]["courseMode"] == "blended"
    assert len(document["syllabusSections"]) == 6
    assert document["educationalCredentialAwarded"]["credentialCategory"] == "Micro-credential"


def test_elm_export_is_json_ld_every_term_defined() -> None:
    quads = to_rdf(export_elm(course()))
    predicates = {quad.predicate.value for quad in quads}
    assert "http://data.europa.eu/snb/model/elm/EQFLevel" in predicates
    assert "http://data.europa.eu/snb/model/elm/relatedESCOSkill" in predicates


def test_elm_omits_an_empty_entry_requirement() -> None:
    """An ELM Note without text violates the EDC shapes, so none is emitted."""
    minimal = validate_course(SHIPPED.parents[1] / "tests/curriculum/spec/fixtures/minimal")
    assert minimal.ok
    qualification = export_elm(minimal.course)["learningAchievementSpecification"]
    assert "entryRequirement" not in qualification
    shipped = export_elm(course())["learningAchievementSpecification"]
    assert shipped["entryRequirement"]["noteLiteral"]["en"].startswith("A Bachelor's degree")

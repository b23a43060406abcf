"""The ESCO skills microcred knows about.

Courses may only claim ESCO skills that really exist: a credential that aligns to an invented
URI misleads every employer who reads it. We ship a vetted subset of ESCO v1.2.0 (see
`microcred/specdata/LICENCES.md`) and resolve against it offline.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

ESCO_SKILL_URI = re.compile(
    r"^http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
ESCO_ATTRIBUTION = "ESCO, European Commission, https://esco.ec.europa.eu/"
# The subset holds ESCO's English preferred labels, and a course's labels must match them
# (MC162): pages in other languages mark them `lang="en"`.
LABEL_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class EscoSkill:
    uri: str
    label: str
    skill_type: str
    reuse_level: str


@dataclass(frozen=True, slots=True)
class EscoSubset:
    version: str
    skills: dict[str, EscoSkill]

    def get(self, uri: str) -> EscoSkill | None:
        return self.skills.get(uri)

    def search(self, text: str) -> list[EscoSkill]:
        needle = text.casefold()
        return [skill for skill in self.skills.values() if needle in skill.label.casefold()]


def is_esco_skill_uri(uri: str) -> bool:
    return ESCO_SKILL_URI.match(uri) is not None


@cache
def shipped_subset() -> EscoSubset:
    """The subset bundled with microcred, read once per process."""
    text = (
        resources.files("microcred.specdata")
        .joinpath("esco/esco_skills_ml_ds_software.csv")
        .read_text(encoding="utf-8")
    )
    skills = {
        row["conceptUri"]: EscoSkill(
            uri=row["conceptUri"],
            label=row["preferredLabel"],
            skill_type=row["skillType"],
            reuse_level=row["reuseLevel"],
        )
        for row in csv.DictReader(io.StringIO(text))
    }
    return EscoSubset(version="1.2.0", skills=skills)

"""Public course pages: what a learner or an employer reads before enrolling."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from microcred.skills.esco import LABEL_LANGUAGE

from . import queries
from .labels import label

EXPORT_TYPES = {
    "ob3-achievement": "application/ld+json",
    "elm": "application/ld+json",
    "schemaorg": "application/ld+json",
}


def catalogue(request: HttpRequest) -> HttpResponse:
    return render(
        request, "curriculum/catalogue.html", {"programmes": list(queries.live_programmes())}
    )


def course_page(request: HttpRequest, slug: str) -> HttpResponse:
    programme = queries.programme_for_public_page(slug)
    if programme is None:
        raise Http404("No such course")
    description = programme.description
    return render(
        request,
        "curriculum/course_page.html",
        {
            "programme": programme,
            "d": description,
            "modules": programme.modules.all(),
            "admission_qualification": label(
                "qualification", description["admission"]["qualification"]
            ),
            "schemaorg_json": json.dumps(
                programme.exports.get("schemaorg", {}), ensure_ascii=False
            ).replace("</", "<\\/"),
            "export_formats": list(EXPORT_TYPES),
            "esco_language": LABEL_LANGUAGE,
        },
    )


def course_export(request: HttpRequest, slug: str, export_format: str) -> HttpResponse:
    programme = queries.programme_for_public_page(slug)
    if programme is None or export_format not in EXPORT_TYPES:
        raise Http404("No such export")
    body = json.dumps(programme.exports.get(export_format, {}), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type=f"{EXPORT_TYPES[export_format]}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{slug}-{export_format}.jsonld"'
    return response

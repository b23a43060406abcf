"""Public endpoints: the DID document, status lists, the verification page, credential files."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from microcred.credentials import models as m
from microcred.credentials import queries
from microcred.credentials.core.baking import badge_png, badge_svg, bake_png, bake_svg
from microcred.credentials.core.certificate import certificate_pdf
from microcred.credentials.core.linkedin import linkedin_add_url
from microcred.credentials.core.record import LANGUAGE
from microcred.credentials.record_store import record_of
from microcred.credentials.services import CredentialActionError, Instance, signed_status_list

MAX_UPLOAD = 2 * 1024 * 1024
_LD_JSON = "application/ld+json"


def _json(document: Any, content_type: str = "application/json") -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False), content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def did_document(request: HttpRequest) -> HttpResponse:
    instance = Instance.current()
    if not instance.public_base_url:
        raise Http404("did:web needs MICROCRED_PUBLIC_BASE_URL")
    return _json(
        instance.keyring.did_web_document(instance.public_base_url), "application/did+json"
    )


def status_list(request: HttpRequest, slug: str) -> HttpResponse:
    if not m.StatusList.objects.filter(slug=slug).exists():
        raise Http404("no such status list")
    response = _json(signed_status_list(slug), _LD_JSON)
    response["Cache-Control"] = "public, max-age=300"
    return response


def _credential(uuid: str) -> m.IssuedCredential:
    row = queries.credential_by_uuid(uuid)
    if row is None:
        raise Http404("no such credential")
    return row


def _verify_url(request: HttpRequest, row: m.IssuedCredential) -> str:
    base = Instance.current().public_base_url
    path = reverse("credentials:verify_uuid", args=[row.uuid])
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def credential_json(request: HttpRequest, uuid: str) -> HttpResponse:
    return _json(_credential(uuid).openbadge, _LD_JSON)


def credential_elm(request: HttpRequest, uuid: str) -> HttpResponse:
    row = _credential(uuid)
    if row.elm is None:
        raise Http404("no ELM credential")
    return _json(row.elm, _LD_JSON)


def credential_pdf(request: HttpRequest, uuid: str) -> HttpResponse:
    row = _credential(uuid)
    cache = Instance.current().data_dir / "cache"
    stored = cache / "certificates" / f"{row.uuid}.pdf"
    if stored.is_file():
        pdf = stored.read_bytes()
    else:
        pdf = certificate_pdf(record_of(row), _verify_url(request, row), font_cache=cache / "fonts")
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_bytes(pdf)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{row.uuid}.pdf"'
    return response


def credential_png(request: HttpRequest, uuid: str) -> HttpResponse:
    row = _credential(uuid)
    return HttpResponse(bake_png(badge_png(), row.openbadge), content_type="image/png")


def credential_svg(request: HttpRequest, uuid: str) -> HttpResponse:
    row = _credential(uuid)
    title = str(row.openbadge.get("name", ""))
    svg = bake_svg(badge_svg(title, f"EQF {row.programme.eqf_level}"), row.openbadge)
    return HttpResponse(svg, content_type="image/svg+xml")


_CHECK_LABELS = {
    "json": gettext_lazy("The file is a credential (JSON)"),
    "schema": gettext_lazy("Its structure follows the standard"),
    "contexts": gettext_lazy("Its vocabulary is known and complete"),
    "proof": gettext_lazy("The digital signature is intact"),
    "issuer_key": gettext_lazy("It was signed by its issuer"),
    "validity_window": gettext_lazy("It is within its validity period"),
    "status": gettext_lazy("It has not been revoked or suspended"),
}


def _page(request: HttpRequest, document: Any, row: m.IssuedCredential | None) -> HttpResponse:
    context: dict[str, Any] = {"row": row, "credential_language": LANGUAGE}
    if document is not None:
        report = queries.verify_document(document)
        context["report"] = report
        context["checks"] = [
            {"label": _CHECK_LABELS[c.name], "status": c.status.value, "message": c.message}
            for c in report.checks
        ]
        parsed = document
        if isinstance(document, bytes | str):
            try:
                parsed = json.loads(document)
            except (ValueError, UnicodeDecodeError):
                parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("name"), str):
            context["name"] = parsed["name"]
    if row is not None and row.status == "valid":
        context["linkedin"] = linkedin_add_url(
            name=str(row.openbadge.get("name", "")),
            organization_name=str(row.openbadge.get("issuer", {}).get("name", "")),
            issued_at=row.issued_at,
            cert_url=_verify_url(request, row),
            cert_id=str(row.uuid),
        )
    return render(request, "credentials/verify.html", context)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    document: Any = None
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size is not None and upload.size > MAX_UPLOAD:
                error = _("The file is too large to be a credential.")
            else:
                raw = upload.read()
                try:
                    from microcred.credentials.core.baking import BakingError, unbake

                    document = raw if raw.lstrip()[:1] == b"{" else unbake(raw)
                except BakingError as problem:
                    error = str(problem)
        else:
            document = request.POST.get("credential", "")
    if error:
        return render(request, "credentials/verify.html", {"error": error})
    return _page(request, document, None)


def verify_uuid(request: HttpRequest, uuid: str) -> HttpResponse:
    row = _credential(uuid)
    return _page(request, row.openbadge, row)


def problem(error: CredentialActionError) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=400)

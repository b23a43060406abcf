"""The thin Django app: idempotent issuance, status changes with audit, public endpoints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cred_helpers import MINIMAL, SHIPPED
from django.test import Client
from django.utils.functional import Promise

from microcred.credentials import models as m
from microcred.credentials import queries, services
from microcred.credentials import views as credential_views
from microcred.credentials.batch import LearnerRow
from microcred.credentials.core import ControllerDocumentResolver, verify_credential
from microcred.credentials.core.baking import unbake_png, unbake_svg
from microcred.credentials.core.record import Learner

pytestmark = [pytest.mark.django_db, pytest.mark.urls("urls_for_tests")]
BASE = "https://credentials.tech-university.example"


@pytest.fixture
def instance(tmp_path: Path, settings: Any) -> services.Instance:
    settings.DATA_DIR = tmp_path
    settings.PUBLIC_BASE_URL = BASE
    settings.ALLOWED_HOSTS = ["testserver"]
    return services.Instance.current()


@pytest.fixture
def issued(instance: services.Instance) -> m.IssuedCredential:
    return services.issue_credential(
        MINIMAL, Learner("Ana Andromeda", "Ana@Example.org"), 81, actor="tester"
    ).credential


def test_issue_is_idempotent_per_learner_and_programme(
    instance: services.Instance, issued: m.IssuedCredential
) -> None:
    again = services.issue_credential(MINIMAL, Learner("Ana A.", "ana@example.org"), 95)
    assert not again.created
    assert again.credential.pk == issued.pk
    assert m.IssuedCredential.objects.count() == 1
    assert [e.action for e in issued.events.all()] == ["issued"]
    assert issued.issuer_did == "did:web:credentials.tech-university.example"
    assert issued.openbadge["credentialStatus"]["statusListCredential"] == (
        f"{BASE}/credentials/status/revocation.json"
    )
    assert m.IssuerKey.objects.get().state == "active"
    report = queries.verify_document(issued.openbadge, instance)
    assert report.ok, report.to_dict()
    assert queries.verify_document(issued.elm, instance).ok


def test_revoke_with_reason_and_audit(
    instance: services.Instance, issued: m.IssuedCredential
) -> None:
    with pytest.raises(services.CredentialActionError, match="reason"):
        services.revoke_credential(issued.uuid, " ")
    with pytest.raises(services.CredentialActionError, match="revocation entry only"):
        services.suspend_credential(issued.uuid, "exam under review")
    services.revoke_credential(issued.uuid, "plagiarism confirmed", actor="registrar")
    issued.refresh_from_db()
    assert issued.status == "revoked"
    event = issued.events.last()
    assert event is not None
    assert (event.action, event.reason, event.actor) == (
        "revoked",
        "plagiarism confirmed",
        "registrar",
    )
    report = queries.verify_document(issued.openbadge, instance)
    assert report.failures == ("status",)
    assert "revoked" in report["status"].message
    with pytest.raises(services.CredentialActionError, match="only a suspended"):
        services.reinstate_credential(issued.uuid, "appeal")


def test_suspend_and_reinstate(instance: services.Instance) -> None:
    row = services.issue_credential(
        MINIMAL, Learner("Bo", "bo@example.org"), 70, status_purpose="suspension"
    ).credential
    services.suspend_credential(row.uuid, "identity check pending")
    assert "suspended" in queries.verify_document(row.openbadge, instance)["status"].message
    services.reinstate_credential(row.uuid, "identity confirmed")
    assert queries.verify_document(row.openbadge, instance).ok
    assert [e.action for e in row.events.all()] == ["issued", "suspended", "reinstated"]


def test_batch_skips_holders_and_signs_on_workers(
    instance: services.Instance, issued: m.IssuedCredential
) -> None:
    rows = [LearnerRow(Learner(f"L{n}", f"l{n}@example.org"), 50 + n % 50) for n in range(60)]
    rows.append(LearnerRow(Learner("Ana", "ana@example.org"), 90))
    report = services.issue_batch(MINIMAL, rows, workers=2, with_elm=True)
    assert len(report.issued) == 60
    assert [r.pk for r in report.existing] == [issued.pk]
    assert not report.failed
    assert m.CredentialEvent.objects.filter(action="issued").count() == 61
    indexes = list(m.IssuedCredential.objects.values_list("status_index", flat=True))
    assert len(set(indexes)) == 61
    sample = m.IssuedCredential.objects.get(learner_email="l7@example.org")
    assert queries.verify_document(sample.openbadge, instance).ok
    assert queries.verify_document(sample.elm, instance).ok
    # the report's rows load their documents from the database on access
    first = report.issued[0]
    assert first.openbadge["id"] == f"urn:uuid:{first.uuid}"
    assert first.elm is not None
    assert first.elm["credentialSubject"]["type"] == "Person"


def test_did_key_issuer_without_public_url(tmp_path: Path, settings: Any) -> None:
    settings.DATA_DIR = tmp_path
    settings.PUBLIC_BASE_URL = ""
    row = services.issue_credential(MINIMAL, Learner("Cy", "cy@example.org"), 75).credential
    assert row.issuer_did.startswith("did:key:")
    url = row.openbadge["credentialStatus"]["statusListCredential"]
    assert url.startswith("http://127.0.0.1:8000/credentials/status/revocation-")
    listed = services.signed_status_list(row.status_list.slug)
    report = verify_credential(
        row.openbadge, resolver=ControllerDocumentResolver(), status_lists={url: listed}
    )
    assert report.ok, report.to_dict()
    with pytest.raises(services.CredentialActionError, match="did:web needs"):
        services.issue_credential(MINIMAL, Learner("D", "d@example.org"), 75, did="web")


def test_public_endpoints(instance: services.Instance, issued: m.IssuedCredential) -> None:
    client = Client()
    did = client.get("/.well-known/did.json")
    assert did.status_code == 200
    assert did["Content-Type"] == "application/did+json"
    did_document = json.loads(did.content)
    assert did_document["id"] == issued.issuer_did
    status = client.get("/credentials/status/revocation.json")
    assert status.status_code == 200
    listed = json.loads(status.content)
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    report = verify_credential(
        issued.openbadge,
        resolver=ControllerDocumentResolver([did_document]),
        status_lists={listed["id"]: listed},
    )
    assert report.ok, report.to_dict()
    assert client.get("/credentials/status/nope.json").status_code == 404
    badge = client.get(f"/credentials/{issued.uuid}.json")
    assert json.loads(badge.content) == issued.openbadge
    assert client.get(f"/credentials/{issued.uuid}.elm.json").status_code == 200
    png = client.get(f"/credentials/{issued.uuid}.png")
    assert json.loads(unbake_png(png.content)) == issued.openbadge
    svg = client.get(f"/credentials/{issued.uuid}.svg")
    assert json.loads(unbake_svg(svg.content.decode())) == issued.openbadge
    pdf = client.get(f"/credentials/{issued.uuid}.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert client.get("/credentials/00000000-0000-0000-0000-000000000000.json").status_code == 404


def test_verify_page(instance: services.Instance, issued: m.IssuedCredential) -> None:
    client = Client()
    page = client.get(f"/verify/{issued.uuid}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "This credential is valid." in text
    assert "The digital signature is intact" in text
    assert "linkedin.com/profile/add" in text
    assert client.get("/verify/").status_code == 200
    tampered = json.loads(json.dumps(issued.openbadge))
    tampered["credentialSubject"]["result"][-1]["value"] = "100"
    posted = client.post("/verify/", {"credential": json.dumps(tampered)}).content.decode()
    assert "could not be verified" in posted
    assert "Failed" in posted
    uploaded = client.post(
        "/verify/",
        {"file": _upload("badge.png", client.get(f"/credentials/{issued.uuid}.png").content)},
    ).content.decode()
    assert "This credential is valid." in uploaded
    garbage = client.post("/verify/", {"credential": "{not json"}).content.decode()
    assert "not valid JSON" in garbage


def test_verify_page_names_the_state_by_its_label_and_marks_the_english_name(
    instance: services.Instance, issued: m.IssuedCredential, settings: Any
) -> None:
    services.revoke_credential(issued.uuid, "issued in error", actor="registrar")
    client = Client()
    text = client.get(f"/verify/{issued.uuid}/").content.decode()
    assert "Status: Revoked</p>" in text  # the label, not the stored value "revoked"
    # The check labels are marked for translation (extracted by makemessages) ...
    assert all(isinstance(label, Promise) for label in credential_views._CHECK_LABELS.values())
    # ... and the credential's own name, English by construction, says so on a French page.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(f"/verify/{issued.uuid}/").content.decode()
    assert f'<p lang="en">{issued.openbadge["name"]}</p>' in french


def _upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_shipped_course_issues(instance: services.Instance) -> None:
    row = services.issue_credential(
        SHIPPED,
        Learner("Ana", "ana@example.org"),
        88,
        component_percents={"written-exam": 91},
    ).credential
    assert queries.verify_document(row.openbadge, instance).ok

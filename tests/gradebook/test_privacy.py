"""GDPR: a learner's data export (for the learner and administrators) and an administrator's
erasure that pseudonymises the learner while credentials stay verifiable and logs intact."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from microcred.accounts import services as account_services
from microcred.accounts import totp
from microcred.accounts.models import TOTPDevice, User
from microcred.assessment.models import (
    CapstoneSubmission,
    EthicsAssessment,
    LabSubmission,
    PeerReview,
    RubricGrade,
)
from microcred.credentials.models import CredentialEvent, IssuedCredential, StatusList
from microcred.curriculum.models import AssessmentItem
from microcred.gradebook import privacy, services
from microcred.gradebook.models import Award, PrivacyEvent
from microcred.learning.models import Enrolment

from . import work

pytestmark = pytest.mark.django_db

EVIDENCE = b"%PDF-1.4\n% Ada's diploma\n%%EOF\n"


def unzip(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: json.loads(archive.read(name)) if name.endswith(".json") else archive.read(name)
            for name in archive.namelist()
        }


@pytest.fixture
def graduate(
    enrolled: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    other_learner: User,
    enrol: Any,
    django_capture_on_commit_callbacks: Any,
) -> Enrolment:
    """Ada: admission evidence, every component passed, a credential issued, a peer review
    written about a classmate's capstone, 2FA on."""
    enrolled.evidence_name = "ada-lovelace-diploma.pdf"
    enrolled.evidence_content_type = "application/pdf"
    enrolled.evidence_size = len(EVIDENCE)
    enrolled.evidence.save("ada-lovelace-diploma.pdf", ContentFile(EVIDENCE), save=True)
    work.pass_everything_but_ethics(enrolled, items, instructor)
    classmate = enrol(other_learner, enrolled.programme)
    theirs = work.capstone(other_learner, instructor, items["capstone"], 60)[0]
    PeerReview.objects.create(
        submission=theirs,
        reviewer=enrolled,
        status=PeerReview.Status.SUBMITTED,
        criteria={"model": {"level": None, "percent": 70, "comment": "Ada thinks it is fine"}},
        comment="Written by Ada",
    )
    assert classmate.pk
    with django_capture_on_commit_callbacks(execute=True):
        work.ethics(enrolled.learner, instructor, items["capstone"])
    assert Award.objects.get(enrolment=enrolled).issued
    device = account_services.start_two_factor_setup(enrolled.learner)
    account_services.enable_two_factor(enrolled.learner, totp.totp(device.secret))
    return enrolled


# ------------------------------------------------------------------------------- export


def test_a_learner_downloads_all_their_data(graduate: Enrolment, client_for: Any) -> None:
    learner = graduate.learner
    client: Client = client_for(learner)
    assert client.get("/me/data/").status_code == 200
    assert client.get("/me/data/export/").status_code == 405
    response = client.post("/me/data/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    files = unzip(response.content)
    assert set(files) >= {
        "README.txt",
        "account.json",
        "enrolments.json",
        "progress.json",
        "attempts.json",
        "submissions.json",
        "capstone.json",
        "credentials.json",
        "privacy.json",
    }
    account = files["account.json"]
    assert (account["username"], account["email"]) == (learner.username, learner.email)
    assert account["two_factor"]["enabled"] is True
    assert "secret" not in json.dumps(account)
    [enrolment] = files["enrolments.json"]
    assert enrolment["admission_evidence"]["file_name"] == "ada-lovelace-diploma.pdf"
    [attempt] = files["attempts.json"]
    assert attempt["answers"][0]["stem"]
    assert '"correct": true' not in json.dumps(attempt["answers"][0].get("options", []))
    assert "options" not in attempt["answers"][0]  # the answer key is the course's
    labs = files["submissions.json"]
    assert {row["lab"] for row in labs} == {"01-mean-baseline", "02-small-network"}
    source = files[labs[0]["source_file"]]
    assert source.startswith(b"# attempt 1")
    capstone = files["capstone.json"]
    assert capstone["versions"][0]["sha256"]
    assert capstone["grades"][0]["score"] == pytest.approx(0.8)
    assert capstone["ethics_assessments"][0]["status"] == "accepted"
    assert capstone["peer_reviews_given"][0]["comment"] == "Written by Ada"
    credentials = files["credentials.json"]
    [credential] = credentials["credentials"]
    assert credential["open_badge"]["proof"]
    assert credential["events"][0]["action"] == "issued"
    assert credentials["awards"][0]["skills"]
    assert PrivacyEvent.objects.get().action == "export"
    assert files["privacy.json"][0]["by"] == "you"


def test_an_administrator_exports_a_learners_data_instructors_and_classmates_cannot(
    graduate: Enrolment,
    administrator: User,
    instructor: User,
    other_learner: User,
    client_for: Any,
) -> None:
    path = f"/staff/privacy/learners/{graduate.learner_id}/export/"
    for user in (instructor, other_learner, graduate.learner):
        assert client_for(user).post(path).status_code == 403
    response = client_for(administrator).post(path, {"reason": "subject access request"})
    assert response.status_code == 200
    assert unzip(response.content)["account.json"]["username"] == graduate.learner.username
    event = PrivacyEvent.objects.get()
    assert (event.actor, event.subject, event.reason) == (
        administrator,
        graduate.learner,
        "subject access request",
    )
    with pytest.raises(privacy.PrivacyError):
        privacy.export_learner_data(instructor, graduate.learner)


def test_administrators_find_learners_and_see_their_privacy_page(
    graduate: Enrolment, administrator: User, instructor: User, client_for: Any
) -> None:
    client = client_for(administrator)
    html = client.get("/staff/privacy/", {"q": "ada"}).content.decode()
    assert f"/staff/privacy/learners/{graduate.learner_id}/" in html
    page = client.get(f"/staff/privacy/learners/{graduate.learner_id}/").content.decode()
    assert "1 credential" in page
    assert client.get(f"/staff/privacy/learners/{instructor.pk}/").status_code == 404
    assert client_for(instructor).get("/staff/privacy/").status_code == 403


# ------------------------------------------------------------------------------ erasure


def erase(client: Client, learner: User, **data: str) -> Any:
    form = {"confirm_username": learner.username, "reason": "GDPR Art. 17 request"} | data
    return client.post(f"/staff/privacy/learners/{learner.pk}/erase/", form, follow=True)


def test_erasure_pseudonymises_the_learner_and_keeps_credentials_verifiable(
    graduate: Enrolment,
    administrator: User,
    client_for: Any,
    private_dir: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    learner = graduate.learner
    learner_session = client_for(learner)
    credential = IssuedCredential.objects.get()
    signed = json.dumps(credential.openbadge, sort_keys=True)
    elm = json.dumps(credential.elm, sort_keys=True)
    lists = list(StatusList.objects.values_list("slug", "encoded_list"))
    events = list(CredentialEvent.objects.values_list("pk", "action", "actor", "reason"))
    grades = list(RubricGrade.objects.values_list("pk", "score", "comment"))
    labs = list(LabSubmission.objects.values_list("pk", "sha256", "score"))
    capstone = CapstoneSubmission.objects.get(enrolment=graduate)
    uploads = [
        Path(graduate.evidence.path),
        Path(capstone.report.path),
        Path(capstone.code.path),
    ]
    assert all(path.exists() for path in uploads)

    with django_capture_on_commit_callbacks(execute=True):
        response = erase(client_for(administrator), learner)
    assert response.status_code == 200
    reference = privacy.pseudonym(learner.pk)
    assert f"reference {reference}" in response.content.decode()

    learner.refresh_from_db()
    assert learner.get_full_name() == f"Erased learner {reference}"
    assert learner.username == f"erased-{reference}"
    assert learner.email == f"erased-{reference}@erased.invalid"
    assert not learner.is_active
    assert not learner.has_usable_password()
    assert not TOTPDevice.objects.filter(user=learner).exists()
    assert not Client().login(username=learner.username, password="correct horse battery staple")
    assert learner_session.get("/dashboard/").status_code == 302  # the open session ended
    # Uploads are gone; what was graded is still recorded by its digest.
    assert not any(path.exists() for path in uploads)
    graduate.refresh_from_db()
    assert (graduate.evidence.name, graduate.evidence_name) == ("", "")
    capstone.refresh_from_db()
    assert (capstone.report.name, capstone.report_name, capstone.code_name) == ("", "", "")
    assert capstone.sha256
    assert set(LabSubmission.objects.values_list("source", flat=True)) == {""}
    assert list(LabSubmission.objects.values_list("pk", "sha256", "score")) == labs
    ethics = EthicsAssessment.objects.get(enrolment=graduate)
    assert (ethics.system_description, ethics.status) == ("", "accepted")
    review = PeerReview.objects.get(reviewer=graduate)
    assert review.comment == ""
    assert review.criteria["model"] == {"level": None, "percent": 70, "comment": ""}
    # Credentials, status lists, grades and audit logs: unchanged.
    credential.refresh_from_db()
    assert json.dumps(credential.openbadge, sort_keys=True) == signed
    assert json.dumps(credential.elm, sort_keys=True) == elm
    assert list(StatusList.objects.values_list("slug", "encoded_list")) == lists
    assert list(CredentialEvent.objects.values_list("pk", "action", "actor", "reason")) == events
    assert list(RubricGrade.objects.values_list("pk", "score", "comment")) == grades
    verified = Client().get(f"/verify/{credential.uuid}/").content.decode()
    assert "This credential is valid." in verified
    erasure = PrivacyEvent.objects.get(action="erasure")
    assert (erasure.subject_ref, erasure.actor, erasure.reason) == (
        reference,
        administrator,
        "GDPR Art. 17 request",
    )
    assert erasure.summary == {"files_deleted": 3, "enrolments": 1, "credentials_kept": 1}
    # Nothing new is issued to an erased account, and an administrator can still export it.
    assert services.award_credential(graduate.pk) == "already issued"
    exported = unzip(privacy.export_learner_data(administrator, learner))
    assert exported["account.json"]["last_name"] == reference
    assert exported["credentials.json"]["credentials"][0]["uuid"] == str(credential.uuid)


def test_erasure_is_confirmed_reasoned_and_for_learners_only(
    graduate: Enrolment,
    administrator: User,
    instructor: User,
    make_user: Any,
    client_for: Any,
) -> None:
    learner = graduate.learner
    client = client_for(administrator)
    assert "Type the learner" in erase(client, learner, confirm_username="someone").content.decode()
    assert "Give a reason" in erase(client, learner, reason=" ").content.decode()
    assert (
        client_for(instructor)
        .post(
            f"/staff/privacy/learners/{learner.pk}/erase/", {"confirm_username": learner.username}
        )
        .status_code
        == 403
    )
    with pytest.raises(privacy.PrivacyError, match="Only administrators"):
        privacy.erase_learner(instructor, learner.pk, confirm_username=learner.username, reason="x")
    other_admin = make_user("root2", User.Role.ADMINISTRATOR)
    with pytest.raises(privacy.PrivacyError, match="learner accounts"):
        privacy.erase_learner(administrator, other_admin.pk, confirm_username="root2", reason="x")
    with pytest.raises(privacy.PrivacyError, match="No such"):
        privacy.erase_learner(administrator, 987654, confirm_username="x", reason="x")
    learner.refresh_from_db()
    assert learner.is_active
    assert not PrivacyEvent.objects.exists()
    privacy.erase_learner(administrator, learner.pk, confirm_username=learner.username, reason="x")
    learner.refresh_from_db()
    with pytest.raises(privacy.PrivacyError, match="already"):
        privacy.erase_learner(
            administrator, learner.pk, confirm_username=learner.username, reason="x"
        )


def test_two_erased_learners_get_distinct_placeholders(
    learner: User, other_learner: User, administrator: User
) -> None:
    for user in (learner, other_learner):
        privacy.erase_learner(administrator, user.pk, confirm_username=user.username, reason="r")
    emails = set(User.objects.filter(is_active=False).values_list("email", flat=True))
    assert len(emails) == 2

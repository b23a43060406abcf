"""The capstone: private uploads, rubric grading, anonymous peer review, and the AI ethics and
risk assessment that must be accepted before the capstone's score counts."""

from __future__ import annotations

import hashlib
import io
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from microcred.accounts.models import User
from microcred.assessment import services
from microcred.assessment.models import (
    CapstoneSubmission,
    EthicsAssessment,
    PeerReview,
    RubricGrade,
)
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.learning.models import Enrolment

from .conftest import PDF, ClientFor, Enrol, page

pytestmark = pytest.mark.django_db

CAPSTONE = "/assessment/minimal/capstone/"


def code_zip(marker: str = "print('hello')") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("train.py", marker)
    return buffer.getvalue()


def files(owner: str = "ada-lovelace", report: bytes = PDF, code: bytes | None = None) -> dict:  # type: ignore[type-arg]
    return {
        "report": SimpleUploadedFile(f"{owner}-report.pdf", report, "application/pdf"),
        "code": SimpleUploadedFile(f"{owner}-code.zip", code or code_zip(), "application/zip"),
    }


ETHICS: dict[str, str] = {
    "system_description": "A triage assistant that ranks support tickets.",
    "risk_category": "limited",
    "annex_iii_area": "",
    "classification_rationale": "No Article 5 practice; not an Annex III use; it talks to people.",
    "transparency_measures": "The chat window says it is an AI system.",
    "data_provenance": "Our own tickets, pseudonymised, under a data processing agreement.",
    "bias_analysis": "Error rates per language, with bootstrap intervals.",
    "human_oversight": "An agent confirms every ranking.",
    "mitigations": "Re-weighted training data; monthly audit.",
    "residual_risk": "low",
    "residual_risk_notes": "Mis-ranked tickets are caught by agents.",
}


@pytest.fixture
def capstone(items: dict[str, AssessmentItem]) -> AssessmentItem:
    return items["capstone"]


@pytest.fixture
def cohort(
    make_user: Any, programme: Programme, enrol: Enrol, capstone: AssessmentItem
) -> list[Enrolment]:
    """Three learners who each submitted a capstone."""
    enrolments = []
    for name in ("amal", "bruno", "chiara"):
        user = make_user(name)
        user.first_name, user.last_name = name.title(), "Surname"
        user.save()
        enrolment = enrol(user, programme)
        services.submit_capstone(user, capstone, **files(name))
        enrolments.append(enrolment)
    return enrolments


def scores(capstone: AssessmentItem, percent: float = 80, comment: str = "ok") -> dict:  # type: ignore[type-arg]
    return {
        c["id"]: {"level": None, "percent": percent, "comment": comment}
        for c in capstone.spec["rubric"]
    }


# -------------------------------------------------------------------------------- uploads


def test_a_capstone_is_stored_privately_with_its_digests(
    learner: User, enrolled: Enrolment, capstone: AssessmentItem, private_storage: Path
) -> None:
    code = code_zip()
    submission = services.submit_capstone(learner, capstone, **files(code=code))
    assert submission.version == 1
    assert submission.report_name == "ada-lovelace-report.pdf"
    assert submission.report_sha256 == hashlib.sha256(PDF).hexdigest()
    assert submission.code_sha256 == hashlib.sha256(code).hexdigest()
    combined = f"{submission.report_sha256}\n{submission.code_sha256}".encode()
    assert submission.sha256 == hashlib.sha256(combined).hexdigest()
    report = Path(submission.report.path)
    assert report.is_relative_to(private_storage)
    assert "ada" not in report.name  # a random name on disk
    assert report.suffix == ".pdf"
    assert Path(submission.code.path).name.endswith(".zip")
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert report.read_bytes() == PDF
    with pytest.raises(ValueError, match="no URL"):
        submission.report.url  # noqa: B018 - never served from a media URL


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ({"report": ("report.docx", PDF)}, "as a PDF"),
        ({"report": ("report.pdf", b"<html>not a pdf</html>")}, "not a PDF"),
        ({"report": ("report.pdf", b"")}, "empty"),
        ({"code": ("code.zip", b"PK\x03\x04 but not really a zip")}, "not a ZIP"),
        ({"code": ("code.tar.gz", b"plain text")}, "gzip-compressed tar"),
        ({"code": ("code.rar", b"Rar!\x1a\x07")}, ".zip or .tar.gz"),
    ],
)
def test_uploads_are_checked_by_name_and_content(
    learner: User,
    enrolled: Enrolment,
    capstone: AssessmentItem,
    upload: dict[str, tuple[str, bytes]],
    message: str,
) -> None:
    given = files()
    for part, (name, content) in upload.items():
        given[part] = SimpleUploadedFile(name, content)
    with pytest.raises(services.AssessmentError, match=message):
        services.submit_capstone(learner, capstone, **given)
    assert not CapstoneSubmission.objects.exists()


def test_a_gzipped_tar_archive_is_accepted(
    learner: User, enrolled: Enrolment, capstone: AssessmentItem
) -> None:
    given = files()
    given["code"] = SimpleUploadedFile("code.tar.gz", b"\x1f\x8b\x08\x00rest-of-a-tarball")
    submission = services.submit_capstone(learner, capstone, **given)
    assert submission.code.name.endswith(".tar.gz")


def test_size_limits_are_enforced(
    settings: SettingsWrapper, learner: User, enrolled: Enrolment, capstone: AssessmentItem
) -> None:
    settings.MICROCRED_CAPSTONE_REPORT_MAX_BYTES = 1024
    with pytest.raises(services.AssessmentError, match="too large"):
        services.submit_capstone(learner, capstone, **files(report=PDF + b"x" * 2000))
    settings.MICROCRED_CAPSTONE_REPORT_MAX_BYTES = 10**6
    settings.MICROCRED_CAPSTONE_CODE_MAX_BYTES = 100
    with pytest.raises(services.AssessmentError, match="too large"):
        services.submit_capstone(learner, capstone, **files(code=code_zip("x" * 500)))
    assert not CapstoneSubmission.objects.exists()


def test_the_capstone_page_takes_uploads_and_lists_the_version(
    client_for: ClientFor, learner: User, enrolled: Enrolment
) -> None:
    client = client_for(learner)
    form = page(client.get(CAPSTONE))
    assert 'enctype="multipart/form-data"' in form
    assert "AI ethics and risk assessment" in form
    response = client.post(f"{CAPSTONE}submit/", files())
    assert response.status_code == 302
    shown = page(client.get(CAPSTONE))
    assert "Version 1, submitted on" in shown
    assert "ada-lovelace-report.pdf" in shown
    refused = client.post(f"{CAPSTONE}submit/", files(report=b"GIF89a"))
    assert refused.status_code == 400
    assert "not a PDF" in page(refused)


def test_new_versions_are_allowed_until_graded_and_keep_the_old_ones(
    learner: User, enrolled: Enrolment, capstone: AssessmentItem, instructor: User
) -> None:
    first = services.submit_capstone(learner, capstone, **files())
    second = services.submit_capstone(learner, capstone, **files(code=code_zip("v2")))
    assert (first.version, second.version) == (1, 2)
    assert Path(first.report.path).is_file()  # history is kept
    with pytest.raises(services.AssessmentError, match="newer version"):
        services.grade_capstone(instructor, first.pk, scores(capstone))
    services.grade_capstone(instructor, second.pk, scores(capstone))
    with pytest.raises(services.AssessmentError, match="already graded"):
        services.submit_capstone(learner, capstone, **files())
    assert CapstoneSubmission.objects.count() == 2


def test_downloads_are_for_the_author_assigned_reviewers_and_staff(
    client: Client,
    client_for: ClientFor,
    cohort: list[Enrolment],
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    instructor: User,
    capstone: AssessmentItem,
) -> None:
    services.assign_peer_reviewers(instructor, capstone)
    amal = cohort[0]
    submission = CapstoneSubmission.objects.get(enrolment=amal)
    url = f"/assessment/capstone-files/{submission.pk}/report/"
    own = client_for(amal.learner).get(url)
    assert own.status_code == 200
    assert "amal-report.pdf" in own["Content-Disposition"]
    assert own["Cache-Control"] == "private, no-store"
    assert b"".join(own.streaming_content) == PDF  # type: ignore[attr-defined]
    reviewer = PeerReview.objects.filter(submission=submission).first()
    assert reviewer is not None
    peer = client_for(reviewer.reviewer.learner).get(url)
    assert peer.status_code == 200
    assert 'filename="capstone-report.pdf"' in peer["Content-Disposition"]
    assert "amal" not in peer["Content-Disposition"]
    code = client_for(reviewer.reviewer.learner).get(url.replace("report", "code"))
    assert 'filename="capstone-code.zip"' in code["Content-Disposition"]
    outsider = make_user("dora")
    enrol(outsider, programme)
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(instructor).get(url).status_code == 200
    assert client.get(url).status_code == 302
    assert client_for(amal.learner).get(url.replace("report", "secret")).status_code == 404


# ----------------------------------------------------------------------------- peer review


def test_peer_reviewers_are_assigned_deterministically_and_evenly(
    cohort: list[Enrolment], instructor: User, capstone: AssessmentItem
) -> None:
    created = services.assign_peer_reviewers(instructor, capstone)
    assert len(created) == 6
    pairs = set(PeerReview.objects.values_list("submission__enrolment_id", "reviewer_id"))
    for enrolment in cohort:
        reviewers = {r for a, r in pairs if a == enrolment.pk}
        reviews = {a for a, r in pairs if r == enrolment.pk}
        assert len(reviewers) == 2
        assert len(reviews) == 2
        assert enrolment.pk not in reviewers
    assert services.assign_peer_reviewers(instructor, capstone) == []  # idempotent
    assert PeerReview.objects.count() == 6


def test_late_submitters_get_reviewers_and_small_cohorts_get_what_they_can(
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    instructor: User,
    capstone: AssessmentItem,
) -> None:
    users = [make_user(name) for name in ("amal", "bruno", "chiara")]
    for user in users[:2]:
        enrol(user, programme)
        services.submit_capstone(user, capstone, **files(user.username))
    assert len(services.assign_peer_reviewers(instructor, capstone)) == 2  # one reviewer each
    enrol(users[2], programme)
    late = services.submit_capstone(users[2], capstone, **files("chiara"))
    added = services.assign_peer_reviewers(instructor, capstone)
    assert {review.submission_id for review in added} >= {late.pk}
    assert PeerReview.objects.filter(submission=late).count() == 2
    for submission in CapstoneSubmission.objects.all():
        assert PeerReview.objects.filter(submission=submission).count() == 2
        assert not PeerReview.objects.filter(
            submission=submission, reviewer=submission.enrolment
        ).exists()


def test_only_staff_assign_peer_reviewers(
    cohort: list[Enrolment], client_for: ClientFor, instructor: User, capstone: AssessmentItem
) -> None:
    with pytest.raises(services.AssessmentError, match="Only instructors"):
        services.assign_peer_reviewers(cohort[0].learner, capstone)
    url = f"/instructor/assessment/capstone-items/{capstone.pk}/assign-peers/"
    assert client_for(cohort[0].learner).post(url).status_code == 403
    response = client_for(instructor).post(url, follow=True)
    assert "6 peer reviews assigned." in page(response)


def test_peer_review_is_anonymous_both_ways(
    cohort: list[Enrolment], client_for: ClientFor, instructor: User, capstone: AssessmentItem
) -> None:
    services.assign_peer_reviewers(instructor, capstone)
    review = PeerReview.objects.select_related("submission__enrolment__learner").first()
    assert review is not None
    author = review.submission.enrolment.learner
    reviewer = review.reviewer.learner
    client = client_for(reviewer)
    overview = page(client.get(CAPSTONE))
    assert f"/assessment/minimal/peer-reviews/{review.pk}/" in overview
    form = page(client.get(f"/assessment/minimal/peer-reviews/{review.pk}/"))
    for secret in (author.username, author.email, author.first_name, review.submission.report_name):
        assert secret not in form
    response = client.post(
        f"/assessment/minimal/peer-reviews/{review.pk}/",
        {
            "model-percent": "70",
            "model-comment": "Solid baseline.",
            "report-percent": "60",
            "comment": "Clear, but say more about the limits.",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == PeerReview.Status.SUBMITTED
    assert review.criteria["model"] == {
        "level": None,
        "percent": 70.0,
        "comment": "Solid baseline.",
    }
    received = page(client_for(author).get(CAPSTONE))
    assert "Peer reviews of your work" in received
    assert "Reviewer 1" in received
    assert "Clear, but say more about the limits." in received
    for secret in (reviewer.username, reviewer.email, reviewer.first_name):
        assert secret not in received
    again = client.post(
        f"/assessment/minimal/peer-reviews/{review.pk}/",
        {"model-percent": "0", "report-percent": "0", "comment": "changed my mind"},
    )
    assert again.status_code == 400
    review.refresh_from_db()
    assert review.comment == "Clear, but say more about the limits."


def test_a_peer_review_needs_every_score_and_a_comment(
    cohort: list[Enrolment], instructor: User, capstone: AssessmentItem
) -> None:
    services.assign_peer_reviewers(instructor, capstone)
    review = PeerReview.objects.first()
    assert review is not None
    learner = review.reviewer.learner
    with pytest.raises(services.AssessmentError, match="overall comment"):
        services.submit_peer_review(learner, review.pk, scores(capstone), comment=" ")
    with pytest.raises(services.AssessmentError, match="Score every criterion"):
        services.submit_peer_review(learner, review.pk, {}, comment="fine")
    bad = scores(capstone, percent=120)
    with pytest.raises(services.AssessmentError, match="from 0 to 100"):
        services.submit_peer_review(learner, review.pk, bad, comment="fine")
    author = review.submission.enrolment.learner
    with pytest.raises(services.AssessmentError, match="No such review"):
        services.submit_peer_review(author, review.pk, scores(capstone), comment="mine!")
    review.refresh_from_db()
    assert review.status == PeerReview.Status.ASSIGNED


def test_pending_reviews_follow_a_new_version_and_written_ones_stay(
    cohort: list[Enrolment], instructor: User, capstone: AssessmentItem
) -> None:
    services.assign_peer_reviewers(instructor, capstone)
    amal = cohort[0]
    first = CapstoneSubmission.objects.get(enrolment=amal)
    done, pending = PeerReview.objects.filter(submission=first).order_by("pk")
    services.submit_peer_review(done.reviewer.learner, done.pk, scores(capstone), comment="ok")
    second = services.submit_capstone(amal.learner, capstone, **files("amal"))
    done.refresh_from_db()
    pending.refresh_from_db()
    assert done.submission_id == first.pk
    assert pending.submission_id == second.pk


# ---------------------------------------------------------------------------- rubric grading


def test_the_instructor_grades_on_the_rubric_with_weights(
    learner: User, enrolled: Enrolment, capstone: AssessmentItem, instructor: User
) -> None:
    submission = services.submit_capstone(learner, capstone, **files())
    given = {
        "model": {"level": None, "percent": 90, "comment": "Good model."},
        "report": {"level": None, "percent": 40, "comment": "Thin report."},
    }
    grade = services.grade_capstone(instructor, submission.pk, given, comment="Overall fine.")
    assert grade.score == pytest.approx((60 * 0.9 + 40 * 0.4) / 100)  # weights 60 / 40
    assert grade.criteria["report"]["comment"] == "Thin report."
    regrade = services.grade_capstone(instructor, submission.pk, scores(capstone, 100))
    assert RubricGrade.objects.count() == 2  # the earlier grade is kept
    assert regrade.score == 1.0


def test_levels_are_required_when_the_rubric_has_them(
    learner: User, enrolled: Enrolment, capstone: AssessmentItem, instructor: User
) -> None:
    for criterion in capstone.spec["rubric"]:
        criterion["levels"] = [{"en": "Excellent"}, {"en": "Good"}, {"en": "Insufficient"}]
    capstone.save()
    submission = services.submit_capstone(learner, capstone, **files())
    with pytest.raises(services.AssessmentError, match="Choose a level"):
        services.grade_capstone(instructor, submission.pk, scores(capstone))
    with_levels = {code: {**value, "level": 1} for code, value in scores(capstone, 75).items()}
    grade = services.grade_capstone(instructor, submission.pk, with_levels)
    assert grade.criteria["model"]["level"] == 1
    too_high = {code: {**value, "level": 3} for code, value in scores(capstone).items()}
    with pytest.raises(services.AssessmentError, match="Choose a level"):
        services.grade_capstone(instructor, submission.pk, too_high)


def test_every_rubric_level_is_a_labelled_radio_button(
    learner: User,
    enrolled: Enrolment,
    capstone: AssessmentItem,
    instructor: User,
    client_for: ClientFor,
) -> None:
    """Each level is named by its own <label>: clicking the level's text chooses it, and
    assistive technology reads which level a radio button is. (The levels were loose text
    beside unnamed radio buttons, so an instructor had to hit the small circle itself.)"""
    levels = ["Excellent work", "Good work", "Insufficient work"]
    for criterion in capstone.spec["rubric"]:
        criterion["levels"] = [{"en": level} for level in levels]
    capstone.save()
    submission = services.submit_capstone(learner, capstone, **files())
    html = page(client_for(instructor).get(f"/instructor/assessment/capstones/{submission.pk}/"))
    labels = dict(re.findall(r'<label for="([^"]+)">(.*?)</label>', html, re.S))
    for criterion in capstone.spec["rubric"]:
        for index, level in enumerate(levels):
            input_id = f"id_{criterion['id']}-level_{index}"
            label = labels.get(input_id, "")
            assert f'id="{input_id}"' in label, (input_id, label)  # the radio button itself
            assert f'name="{criterion["id"]}-level" value="{index}"' in label
            assert label.rstrip().endswith(level)


def test_only_staff_grade_and_never_their_own_work(
    learner: User, enrolled: Enrolment, capstone: AssessmentItem
) -> None:
    submission = services.submit_capstone(learner, capstone, **files())
    with pytest.raises(services.AssessmentError, match="Only instructors"):
        services.grade_capstone(learner, submission.pk, scores(capstone))
    assert not RubricGrade.objects.exists()


def test_the_grading_page_shows_peer_reviews_and_saves_a_grade(
    cohort: list[Enrolment], client_for: ClientFor, instructor: User, capstone: AssessmentItem
) -> None:
    services.assign_peer_reviewers(instructor, capstone)
    submission = CapstoneSubmission.objects.get(enrolment=cohort[0])
    review = PeerReview.objects.filter(submission=submission).first()
    assert review is not None
    services.submit_peer_review(
        review.reviewer.learner, review.pk, scores(capstone), comment="Peer says: nice."
    )
    client = client_for(instructor)
    url = f"/instructor/assessment/capstones/{submission.pk}/"
    html = page(client.get(url))
    assert "Amal Surname" in html
    assert "Peer says: nice." in html
    assert review.reviewer.learner.get_full_name() in html  # staff see who reviewed
    refused = client.post(url, {"model-percent": "50"})
    assert refused.status_code == 400
    response = client.post(
        url,
        {"model-percent": "50", "report-percent": "100", "comment": "Well done."},
    )
    assert response.status_code == 302
    grade = RubricGrade.objects.get()
    assert grade.score == pytest.approx(0.7)
    assert grade.comment == "Well done."


# ------------------------------------------------------------------------ ethics assessment


def test_the_ethics_assessment_follows_the_ai_act_categories(
    learner: User, enrolled: Enrolment, capstone: AssessmentItem
) -> None:
    high = {**ETHICS, "risk_category": "high"}
    with pytest.raises(services.AssessmentError, match="Annex III area"):
        services.submit_ethics_assessment(learner, capstone, high)
    limited = {**ETHICS, "transparency_measures": ""}
    with pytest.raises(services.AssessmentError, match="Complete every section"):
        services.submit_ethics_assessment(learner, capstone, limited)
    with pytest.raises(services.AssessmentError, match="risk category"):
        services.submit_ethics_assessment(learner, capstone, {**ETHICS, "risk_category": "low"})
    minimal = {**ETHICS, "risk_category": "minimal", "annex_iii_area": "employment"}
    stored = services.submit_ethics_assessment(learner, capstone, minimal)
    assert stored.annex_iii_area == ""  # only high-risk systems name an Annex III area
    assert stored.status == EthicsAssessment.Status.SUBMITTED
    with pytest.raises(services.AssessmentError, match="waiting for review"):
        services.submit_ethics_assessment(learner, capstone, ETHICS)


def test_the_instructor_accepts_or_asks_for_changes(
    client_for: ClientFor,
    learner: User,
    enrolled: Enrolment,
    capstone: AssessmentItem,
    instructor: User,
) -> None:
    client = client_for(learner)
    response = client.post(f"{CAPSTONE}ethics/", ETHICS)
    assert response.status_code == 302
    first = EthicsAssessment.objects.get()
    staff = client_for(instructor)
    url = f"/instructor/assessment/ethics/{first.pk}/"
    assert "A triage assistant that ranks support tickets." in page(staff.get(url))
    assert staff.post(url, {"decision": "changes"}).status_code == 400  # a comment is needed
    staff.post(url, {"decision": "changes", "comment": "Measure bias per age group too."})
    first.refresh_from_db()
    assert first.status == EthicsAssessment.Status.NEEDS_CHANGES
    assert first.reviewer == instructor
    again = page(client.get(CAPSTONE))
    assert "Measure bias per age group too." in again
    assert "Error rates per language" in again  # the form starts from the previous version
    client.post(f"{CAPSTONE}ethics/", {**ETHICS, "bias_analysis": "Per language and age."})
    second = EthicsAssessment.objects.get(version=2)
    staff.post(f"/instructor/assessment/ethics/{second.pk}/", {"decision": "accept"})
    second.refresh_from_db()
    assert second.accepted
    with pytest.raises(services.AssessmentError, match="already accepted"):
        services.submit_ethics_assessment(learner, capstone, ETHICS)
    assert EthicsAssessment.objects.count() == 2


def test_a_prohibited_practice_cannot_be_accepted(
    learner: User, enrolled: Enrolment, capstone: AssessmentItem, instructor: User
) -> None:
    assessment = services.submit_ethics_assessment(
        learner, capstone, {**ETHICS, "risk_category": "prohibited"}
    )
    with pytest.raises(services.AssessmentError, match="prohibited"):
        services.review_ethics_assessment(instructor, assessment.pk, accept=True)
    assessment.refresh_from_db()
    assert assessment.status == EthicsAssessment.Status.SUBMITTED
    with pytest.raises(services.AssessmentError, match="Only instructors"):
        services.review_ethics_assessment(learner, assessment.pk, accept=False, comment="x")


def test_graded_work_asks_for_the_courses_second_factor(
    client_for: ClientFor, learner: User, enrolled: Enrolment, programme: Programme
) -> None:
    from .conftest import require_two_factor

    require_two_factor(programme)
    response = client_for(learner).get(CAPSTONE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")
    refused = client_for(learner).post(f"{CAPSTONE}submit/", files())
    assert refused.status_code == 302
    assert not CapstoneSubmission.objects.exists()

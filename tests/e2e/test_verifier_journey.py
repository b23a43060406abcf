"""Journey (b): an anonymous verifier checks a genuine credential (pasted, then as a baked badge
image) on /verify/ and sees every check pass, then uploads a tampered copy and sees which check
failed."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from microcred.credentials.batch import dumps
from microcred.credentials.core.record import Learner
from microcred.credentials.services import issue_credential

from . import steps
from .conftest import Shots, Site, shots_folder

pytestmark = pytest.mark.e2e
JOURNEY = "b-verifier"  # screenshots: test-artifacts/e2e/b-verifier/

CHECKS = steps.VERIFICATION_CHECKS
labels = steps.check_labels


@pytest.fixture
def credential(site: Site) -> Any:
    row = issue_credential(
        site.course_dir,
        Learner("Zoë Verifiable", "zoe.verifiable@example.org"),
        88,
        component_percents={"written-exam": 91},
        actor="e2e",
    ).credential
    assert row.issuer_did.startswith("did:web:")
    return row


def test_a_verifier_sees_a_genuine_credential_pass_and_a_tampered_one_fail(
    site: Site, new_page: Callable[..., Any], shots: Shots, tmp_path: Path, credential: Any
) -> None:
    row = credential
    genuine = dumps(row.openbadge)
    page = new_page()

    # --- paste the JSON ---------------------------------------------------------------------
    page.goto(site.url("/verify/"))
    expect(page.get_by_role("heading", name="Verify a credential")).to_be_visible()
    shots(page, "verify page")
    page.get_by_label("Paste the credential (JSON)").fill(genuine)
    shots(page, "credential pasted")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="This credential is valid.")).to_be_visible()
    assert labels(page, "passed") == CHECKS
    assert labels(page, "failed") == labels(page, "skipped") == []
    shots(page, "pasted credential valid")

    # --- upload the badge image the instance bakes -------------------------------------------
    badge = page.request.get(site.url(f"/credentials/{row.uuid}.png"))
    assert badge.ok
    assert badge.headers["content-type"] == "image/png"
    badge_file = tmp_path / "badge.png"
    badge_file.write_bytes(badge.body())
    page.goto(site.url("/verify/"))
    page.get_by_label("or upload a credential file").set_input_files(badge_file)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="This credential is valid.")).to_be_visible()
    assert labels(page, "passed") == CHECKS
    shots(page, "uploaded badge image valid")

    # --- upload a tampered copy: one field changed (the final grade) ------------------------
    tampered = copy.deepcopy(row.openbadge)
    results = tampered["credentialSubject"]["result"]
    assert results[-1]["value"] != "100"
    results[-1]["value"] = "100"
    tampered_file = tmp_path / "tampered-credential.json"
    tampered_file.write_text(json.dumps(tampered, indent=2), "utf-8")
    page.goto(site.url("/verify/"))
    page.get_by_label("or upload a credential file").set_input_files(tampered_file)
    page.get_by_role("button", name="Verify").click()
    expect(
        page.get_by_role("heading", name="This credential could not be verified.")
    ).to_be_visible()
    assert labels(page, "failed") == ["The digital signature is intact"]
    failed = page.locator("ul.checks li.check-failed")
    expect(failed).to_contain_text("Failed")
    assert "The digital signature is intact" not in labels(page, "passed")
    shots(page, "tampered credential rejected")

    # --- the public page of the credential, reached from the certificate's link -------------
    page.goto(site.url(f"/verify/{row.uuid}/"))
    expect(page.get_by_role("heading", name="This credential is valid.")).to_be_visible()
    expect(page.get_by_text("Awarded to Zoë Verifiable")).to_be_visible()
    assert labels(page, "passed") == CHECKS
    shots(page, "credential page by uuid")


@shots_folder("b-verifier-credential-named")
def test_the_verify_page_names_the_credential_it_checked(
    site: Site, new_page: Callable[..., Any], shots: Shots, credential: Any
) -> None:
    """A verifier must see *what* is valid, not only that something is: the result names the
    credential (the template shows `name`), whether it was pasted or uploaded."""
    page = new_page()
    page.goto(site.url("/verify/"))
    page.get_by_label("Paste the credential (JSON)").fill(dumps(credential.openbadge))
    page.get_by_role("button", name="Verify").click()
    result = page.get_by_role("region", name="This credential is valid.")
    expect(result).to_be_visible()
    shots(page, "pasted credential result")
    expect(result).to_contain_text(str(credential.openbadge["name"]))

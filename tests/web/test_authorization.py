"""The authorization matrix: every URL pattern, requested as five personas, with real objects
that belong to "the learner".

- `test_every_url_pattern_is_classified` walks the URL resolver: a new page fails the suite until
  it gets a row in `CASES` (what each persona may do there), and a removed page fails until its
  row goes.
- `test_authorization_matrix[<url name>]` requests the pattern (GET, and POST where the view
  acts on POST) as anonymous, another learner (a classmate enrolled in the same course), the
  learner, an instructor of the learner's course, an administrator and an instructor of another
  course only. It checks the status (and redirect target), that no response to an outsider
  (anonymous, classmate, instructor of another course) contains the learner's private data, and
  that no outsider's request changes anything the learner owns. Each request runs in a
  savepoint that is rolled back, so requests never influence each other.

Downloads are rows like any page: admission evidence, the credential as OB 3.0 JSON, ELM JSON,
PDF certificate, baked PNG and SVG. Credential files are public to whoever holds the credential's
UUID (that is how a verifier checks it); they are marked `public_capability` and checked for the
data that must never be public even there (e-mail, evidence, second factor).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from gradebook.authz_gradebook import GRADEBOOK_CASES, add_gradebook_world
from microcred.accounts import totp
from microcred.accounts.models import TOTPDevice
from microcred.accounts.tokens import password_reset_token
from microcred.learning.models import Enrolment

from .authz import (
    ADMIN,
    BAD_REQUEST,
    FORBIDDEN,
    INSTRUCTOR,
    LEARNER,
    LOGIN,
    LOGIN_TARGET,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    OTHER,
    OUTSIDERS,
    PERSONAS,
    PUBLIC_BASE_URL,
    Case,
    Expect,
    World,
    build_world,
    everyone,
    row,
    signed_in,
    to,
)
from .authz_assessment import ASSESSMENT_CASES, add_assessment_world

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"
SIGN_IN = "/accounts/login/"
TWO_FACTOR = "/accounts/two-factor/"
RESET_SENT = "/accounts/password/forgot/sent/"
SET_PASSWORD = "/accounts/password/reset/{uidb64}/set-password/"
NEW_PASSWORD = "a brand new passphrase 77"
HOME = "/"


def next_code(world: World) -> dict[str, str]:
    """The learner's authenticator code for the next time step (the current one was used to
    turn 2FA on and may not be replayed): what an attacker who stole it would post."""
    return {"code": totp.totp(world.totp_secret, time.time() + totp.PERIOD)}


def make_pending(world: World) -> None:
    Enrolment.objects.filter(pk=world.enrolment.pk).update(status=Enrolment.Status.PENDING)


NO_KWARGS: dict[str, str] = {}
LESSON = {"slug": "slug", "module": "module", "lesson": "lesson"}
MODULE_RESOURCE = {"slug": "slug", "module": "module", "kind": "resource_kind"}
UUID = {"uuid": "uuid"}
STAFF_SEE_APPLICANT = {INSTRUCTOR: ("e-mail", "last name"), ADMIN: ("e-mail", "last name")}
# Course material is for the learners and the team of the course: others are sent to enrol.
ENROL = "/courses/{slug}/enrol/"
OUTSIDE_THE_TEAM = row(LOGIN, OK, OK, OK, OK, elsewhere=to(ENROL))
TEAM_PAGE = "/staff/courses/{slug}/team/"

CORE_CASES: dict[str, Case] = {
    # ---------------------------------------------------------------------------- language
    "set_language": Case(
        NO_KWARGS,
        get=everyone(to(HOME)),
        post=everyone(to(HOME)),
        data={"language": "fr", "next": HOME},
    ),
    # ---------------------------------------------------------------------------- accounts
    "accounts:signup": Case(
        NO_KWARGS,
        get=signed_in(OK, to(DASHBOARD)),
        post=signed_in(OK, to(DASHBOARD)),  # an empty form: errors, no account
    ),
    # The link is a capability: whoever holds it may confirm that address (and nothing else).
    "accounts:verify_email": Case(
        {"uidb64": "uidb64", "token": "token"},
        get=everyone(OK),
        post=signed_in(to(SIGN_IN), to(DASHBOARD)),
    ),
    "accounts:resend_verification": Case(
        NO_KWARGS,
        get=signed_in(LOGIN, NOT_ALLOWED),
        post=signed_in(LOGIN, to(DASHBOARD)),
    ),
    "accounts:login": Case(
        NO_KWARGS,
        get=signed_in(OK, to(DASHBOARD)),
        post=signed_in(OK, to(DASHBOARD)),  # an empty form
    ),
    "accounts:logout": Case(NO_KWARGS, get=everyone(NOT_ALLOWED), post=everyone(to(HOME))),
    # Anyone may ask for a link for any address, the learner's included: the answer is the same
    # for every address, and the mail goes to the account's owner only.
    "accounts:password_reset": Case(
        NO_KWARGS,
        get=everyone(OK),
        post=everyone(to(RESET_SENT)),
        data=lambda world: {"email": world.learner.email},
    ),
    "accounts:password_reset_sent": Case(NO_KWARGS, get=everyone(OK)),
    # The reset link is a capability like the verification link: whoever holds it is sent on
    # to the form (the token moves into their session). The learner's own sign-in (the test
    # client's, which records `last_login`) ends a link mailed before it: 400 for them.
    "accounts:password_reset_confirm": Case(
        {"uidb64": "uidb64", "token": "reset_token"},
        get=row(
            to(SET_PASSWORD),
            to(SET_PASSWORD),
            BAD_REQUEST,
            to(SET_PASSWORD),
            to(SET_PASSWORD),
            elsewhere=to(SET_PASSWORD),
        ),
        post=row(
            to(SET_PASSWORD),
            to(SET_PASSWORD),
            BAD_REQUEST,
            to(SET_PASSWORD),
            to(SET_PASSWORD),
            elsewhere=to(SET_PASSWORD),
        ),
        data={"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    ),
    # Everyone signed in changes their own password (and only theirs).
    "accounts:password_change": Case(
        NO_KWARGS,
        get=signed_in(LOGIN, OK),
        post=signed_in(LOGIN, to(TWO_FACTOR)),
        data={
            "current_password": "correct horse battery staple",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ),
    "accounts:two_factor": Case(NO_KWARGS, get=signed_in(LOGIN, OK)),
    # Only the learner has an authenticator: others are sent to set one up; an anonymous
    # visitor without a pending sign-in is sent to sign in (no `next`).
    "accounts:two_factor_verify": Case(
        NO_KWARGS,
        get=row(
            to(SIGN_IN),
            to(TWO_FACTOR),
            OK,
            to(TWO_FACTOR),
            to(TWO_FACTOR),
            elsewhere=to(TWO_FACTOR),
        ),
        post=row(
            to(SIGN_IN),
            to(TWO_FACTOR),
            to(DASHBOARD),
            to(TWO_FACTOR),
            to(TWO_FACTOR),
            elsewhere=to(TWO_FACTOR),
        ),
        data=next_code,
    ),
    "accounts:two_factor_start": Case(
        NO_KWARGS, get=signed_in(LOGIN, NOT_ALLOWED), post=signed_in(LOGIN, to(TWO_FACTOR))
    ),
    "accounts:two_factor_confirm": Case(
        NO_KWARGS,
        get=signed_in(LOGIN, NOT_ALLOWED),
        post=signed_in(LOGIN, to(TWO_FACTOR)),
        data={"code": "123456"},
    ),
    # Even with the learner's valid code, nobody else can turn the learner's 2FA off.
    "accounts:two_factor_disable": Case(
        NO_KWARGS,
        get=signed_in(LOGIN, NOT_ALLOWED),
        post=signed_in(LOGIN, to(TWO_FACTOR)),
        data=next_code,
    ),
    "accounts:recovery_codes_regenerate": Case(
        NO_KWARGS,
        get=signed_in(LOGIN, NOT_ALLOWED),
        post=row(
            LOGIN, to(TWO_FACTOR), OK, to(TWO_FACTOR), to(TWO_FACTOR), elsewhere=to(TWO_FACTOR)
        ),
        data=next_code,
    ),
    # -------------------------------------------------------------------------------- demo
    # Only a site running as the demo has a mailbox (tests/web/test_demo_mailbox.py turns it on).
    "demo_mailbox": Case(NO_KWARGS, get=everyone(NOT_FOUND)),
    # ---------------------------------------------------------------------------- learning
    "learning:dashboard": Case(NO_KWARGS, get=signed_in(LOGIN, OK)),
    "learning:enrol": Case(
        {"slug": "slug"},
        get=signed_in(LOGIN, OK),
        # Both learners are enrolled already and staff cannot enrol: refused, nothing changes.
        post=signed_in(LOGIN, BAD_REQUEST),
        data={"accept_declaration": "on"},
    ),
    "learning:outline": Case({"slug": "slug"}, get=OUTSIDE_THE_TEAM),
    "learning:withdraw": Case(
        {"slug": "slug"},
        get=signed_in(LOGIN, NOT_ALLOWED),
        post=signed_in(LOGIN, to(DASHBOARD)),  # each withdraws their own enrolment, if any
    ),
    "learning:lesson": Case(LESSON, get=OUTSIDE_THE_TEAM),
    "learning:module_resource": Case(MODULE_RESOURCE, get=OUTSIDE_THE_TEAM),
    "learning:lesson_completion": Case(
        LESSON,
        get=signed_in(LOGIN, NOT_ALLOWED),
        # Learners record their own progress; the course's staff only preview.
        post=row(
            LOGIN,
            to("/learn/{slug}/{module}/{lesson}/"),
            to("/learn/{slug}/{module}/{lesson}/"),
            FORBIDDEN,
            FORBIDDEN,
            elsewhere=to(ENROL),
        ),
        data={"completed": "on"},
    ),
    "learning:evidence": Case(
        {"pk": "pk"},
        get=row(LOGIN, NOT_FOUND, OK, OK, OK, elsewhere=NOT_FOUND),
        reveals={
            LEARNER: ("evidence content", "evidence file name"),
            INSTRUCTOR: ("evidence content", "evidence file name"),
            ADMIN: ("evidence content", "evidence file name"),
        },
    ),
    # Another course's instructor gets the page, listing only their own course's applicant.
    "learning:review_queue": Case(
        NO_KWARGS,
        get=row(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, elsewhere=OK),
        prepare=make_pending,
        reveals=STAFF_SEE_APPLICANT,
    ),
    "learning:review": Case(
        {"pk": "pk"},
        get=row(LOGIN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED, elsewhere=NOT_ALLOWED),
        post=row(
            LOGIN,
            FORBIDDEN,
            FORBIDDEN,
            to("/instructor/enrolments/"),
            to("/instructor/enrolments/"),
            elsewhere=NOT_FOUND,
        ),
        data={"decision": "approve", "reason": ""},
        prepare=make_pending,
    ),
    # Course teams are the administrators' to change; instructors cannot add themselves.
    "learning:team": Case(
        {"slug": "slug"},
        get=row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, elsewhere=FORBIDDEN),
        post=row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, to(TEAM_PAGE), elsewhere=FORBIDDEN),
        data=lambda world: {"username": world.fields["newcomer"]},
    ),
    "learning:team_remove": Case(
        {"slug": "slug"},
        get=row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, elsewhere=FORBIDDEN),
        post=row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, to(TEAM_PAGE), elsewhere=FORBIDDEN),
        data=lambda world: {"username": world.fields["team_member"]},
    ),
    # -------------------------------------------------------------------------- curriculum
    "curriculum:catalogue": Case(NO_KWARGS, get=everyone(OK)),
    "curriculum:course": Case({"slug": "slug"}, get=everyone(OK)),
    "curriculum:export": Case({"slug": "slug", "export_format": "export_format"}, get=everyone(OK)),
    # ------------------------------------------------------------------------- credentials
    "credentials:did": Case(NO_KWARGS, get=everyone(OK)),
    "credentials:did_path": Case(NO_KWARGS, get=everyone(OK)),
    "credentials:status_list": Case({"slug": "status_slug"}, get=everyone(OK)),
    "credentials:verify": Case(
        NO_KWARGS,
        get=everyone(OK),
        post=everyone(OK),
        data=lambda world: {"credential": json.dumps(world.credential.openbadge)},
        public_capability=True,
    ),
    "credentials:verify_uuid": Case(
        UUID,
        get=everyone(OK),
        public_capability=True,
        reveals={persona: ("last name",) for persona in PERSONAS},
    ),
    "credentials:json": Case(UUID, get=everyone(OK), public_capability=True),
    "credentials:elm": Case(UUID, get=everyone(OK), public_capability=True),
    "credentials:pdf": Case(UUID, get=everyone(OK), public_capability=True),
    "credentials:png": Case(UUID, get=everyone(OK), public_capability=True),
    "credentials:svg": Case(UUID, get=everyone(OK), public_capability=True),
}


CASES: dict[str, Case] = CORE_CASES | ASSESSMENT_CASES | GRADEBOOK_CASES


# ----------------------------------------------------------------------------- the resolver


def url_patterns() -> dict[str, str]:
    """Every URL pattern of the project as {qualified name: route}; unnamed or duplicated
    names are reported by name so they cannot hide."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n)
                walk(pattern.url_patterns, route, inner)
                continue
            assert isinstance(pattern, URLPattern)
            name = ":".join(n for n in (namespace, pattern.name) if n) if pattern.name else ""
            key = name or f"<unnamed: {route}>"
            if key in found:
                key = f"<duplicate name {key}: {route}>"
            found[key] = route

    walk(get_resolver().url_patterns, "", "")
    return found


PATTERNS = url_patterns()
PRESENT = sorted(name for name in CASES if name in PATTERNS)
ASSESSMENT_PRESENT = any(name.startswith("assessment:") for name in PATTERNS)


def test_every_url_pattern_is_classified() -> None:
    patterns = url_patterns()
    missing = sorted(f"{name}  ({route})" for name, route in patterns.items() if name not in CASES)
    stale = sorted(
        name for name, case in CASES.items() if name not in patterns and not case.optional
    )
    assert not missing, (
        "URL patterns without a row in tests/web/test_authorization.py CASES (say who may use "
        "them):\n  " + "\n  ".join(missing)
    )
    assert not stale, f"CASES names patterns that no longer exist: {stale}"


# --------------------------------------------------------------------------------- the matrix


@pytest.fixture
def world(settings: SettingsWrapper, tmp_path: Path) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.PUBLIC_BASE_URL = PUBLIC_BASE_URL
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.MICROCRED_PRIVATE_DIR = tmp_path / "private"
    world = build_world()
    world.fields["export_format"] = "ob3-achievement"
    world.fields["reset_token"] = password_reset_token.make_token(world.learner)
    if ASSESSMENT_PRESENT:
        add_assessment_world(world)
        add_gradebook_world(world)
    return world


def body_of(response: HttpResponse) -> bytes:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        response.close()
        return content
    return response.content


def searchable(response: HttpResponse, content: bytes) -> str:
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    return headers + "\n" + content.decode("utf-8", errors="replace")


def check(
    world: World, case: Case, persona: str, method: str, path: str, expected: Expect
) -> list[str]:
    """One request in a rolled-back savepoint; returns what went wrong (empty when right)."""
    problems: list[str] = []
    data = case.data(world) if callable(case.data) else case.data
    where = f"{method} {path} as {persona}"
    with transaction.atomic():
        if case.prepare is not None:
            case.prepare(world)
        before = world.learner_state()
        client = world.client(persona)
        response = client.get(path) if method == "GET" else client.post(path, data)
        content = body_of(response)
        after = world.learner_state()
        transaction.set_rollback(True)

    location = response.headers.get("Location", "")
    actual = Expect(response.status_code, urlsplit(location).path if location else None)
    wanted = expected
    if expected.location == LOGIN_TARGET:
        wanted = Expect(302, SIGN_IN)
        if wanted.matches(actual) and parse_qs(urlsplit(location).query).get("next") != [path]:
            problems.append(f"{where}: sign-in redirect {location!r} does not come back here")
    elif expected.location:
        wanted = Expect(302, expected.location.format(**world.fields))
    if not wanted.matches(actual):
        problems.append(f"{where}: expected {wanted}, got {actual}")

    text = searchable(response, content)
    markers = world.private_markers(public_capability=case.public_capability)
    if persona in OUTSIDERS:
        leaked = [
            label
            for label, marker in markers.items()
            if marker and marker in text and label not in case.outsider_may_see
        ]
        if leaked:
            problems.append(f"{where}: the response contains the learner's {', '.join(leaked)}")
        if before != after:
            problems.append(f"{where}: changed data the learner owns")
    for label in case.reveals.get(persona, ()) if method == "GET" else ():
        all_markers = world.private_markers(public_capability=False)
        if all_markers[label] not in text:
            problems.append(f"{where}: should show the learner's {label} (positive control)")
    return problems


@pytest.mark.parametrize("name", PRESENT)
def test_authorization_matrix(world: World, name: str) -> None:
    case = CASES[name]
    path = reverse(name, kwargs={k: world.fields[v] for k, v in case.kwargs.items()})
    assert resolve(path).view_name == name
    problems: list[str] = []
    for method, expectations in (("GET", case.get), ("POST", case.post)):
        if expectations is None:
            continue
        assert set(expectations) == set(PERSONAS), f"{name} {method}: one column per persona"
        for persona in PERSONAS:
            problems += check(world, case, persona, method, path, expectations[persona])
    assert not problems, "\n".join(problems)


def test_the_learner_world_is_what_the_matrix_assumes(world: World) -> None:
    """Guards the fixture: the classmate is enrolled too, the learner has 2FA and a credential."""
    assert world.enrolment.is_active
    assert world.other_enrolment.is_active
    assert world.enrolment.evidence.read().startswith(b"%PDF")
    assert TOTPDevice.objects.get(user=world.learner).confirmed
    assert world.credential.learner_email == world.learner.email


def test_uploaded_evidence_has_no_file_url(world: World) -> None:
    """Evidence lives under MEDIA_ROOT with a random name and is only served by the view that
    checks who asks: no static or media URL reaches it, for anybody."""
    stored = world.enrolment.evidence.name
    assert stored.startswith("evidence/")
    for persona in PERSONAS:
        client = world.client(persona)
        for path in (f"/{stored}", f"/media/{stored}", f"/static/{stored}", f"/uploads/{stored}"):
            assert client.get(path).status_code == 404, (persona, path)


# Object ids in URLs, replaced by ids that name nothing.
MISSING_OBJECTS = {
    "pk": "987654",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "question": "00000000-0000-4000-8000-000000000001",
    "uidb64": "OTg3NjU0",
    "token": "cz5xyz-0123456789abcdef0123456789abcdef",
}


def test_ids_that_name_nothing_are_refused_for_everyone(world: World) -> None:
    """Every pattern with an object id, given an id that does not exist: nobody gets a page
    (and nobody a server error), staff included."""
    problems = []
    for name in PRESENT:
        case = CASES[name]
        kwargs = {k: world.fields[v] for k, v in case.kwargs.items()}
        replaced = {k: MISSING_OBJECTS[k] for k in kwargs if k in MISSING_OBJECTS}
        if not replaced:
            continue
        path = reverse(name, kwargs=kwargs | replaced)
        for persona in PERSONAS:
            for method in ("GET", "POST") if case.post else ("GET",):
                with transaction.atomic():
                    client = world.client(persona)
                    response = client.get(path) if method == "GET" else client.post(path, {})
                    transaction.set_rollback(True)
                if response.status_code not in (302, 400, 403, 404, 405):
                    problems.append(f"{method} {path} as {persona}: {response.status_code}")
    assert not problems, "\n".join(problems)


if ASSESSMENT_PRESENT:  # the assessment app is optional for this module (see authz_assessment)

    def test_a_peer_reviewer_does_not_learn_whose_capstone_it_is(world: World) -> None:
        """The classmate reviews the learner's capstone: the review page and both downloads
        work, and none of them names the learner (not even in a file name)."""
        client = world.client(OTHER)
        slug, capstone = world.fields["slug"], world.fields["capstone_pk"]
        review = reverse(
            "assessment:peer_review", kwargs={"slug": slug, "pk": world.fields["their_review_pk"]}
        )
        responses = {"review page": client.get(review)}
        for part in ("report", "code"):
            responses[part] = client.get(
                reverse("assessment:capstone_file", kwargs={"pk": capstone, "part": part})
            )
        markers = world.private_markers(public_capability=False)
        for what, response in responses.items():
            assert response.status_code == 200, what
            text = searchable(response, body_of(response))
            leaked = [
                label
                for label, marker in markers.items()
                if marker in text and label != "capstone content"
            ]
            assert not leaked, f"the peer reviewer's {what} shows the author's {leaked}"
        assert 'filename="capstone-report.pdf"' in responses["report"]["Content-Disposition"]
        assert 'filename="capstone-code.zip"' in responses["code"]["Content-Disposition"]

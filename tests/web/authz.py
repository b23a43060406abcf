"""The world of the authorization matrix: "the learner" and what belongs to them, a classmate,
staff, and the expectations vocabulary (200 / 302 to sign-in / 302 elsewhere / 403 / 404 / 405).

Staff are three personas: an instructor in the team of the learner's course, an instructor in the
team of another course only (an outsider to the learner, like the classmate), and an
administrator (every course, no team needed).

Every private thing the learner owns carries a distinctive marker, so a response that leaks it
is found by a plain substring search (see `World.private_markers`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from learning.teams import make_another_programme
from microcred.accounts import services as account_services
from microcred.accounts import totp
from microcred.accounts.models import RecoveryCode, TOTPDevice, User
from microcred.accounts.tokens import email_verification_token
from microcred.credentials import models as credential_models
from microcred.credentials import services as credential_services
from microcred.credentials.core.record import Learner
from microcred.curriculum.models import Lesson, Programme
from microcred.curriculum.services import sync_course
from microcred.learning.models import Enrolment, LessonProgress
from microcred.learning.services import assign_instructor

MINIMAL = Path(__file__).resolve().parents[1] / "curriculum" / "spec" / "fixtures" / "minimal"
PUBLIC_BASE_URL = "http://testserver"

ANONYMOUS, OTHER, LEARNER, INSTRUCTOR, ADMIN, ELSEWHERE = (
    "anonymous",
    "other learner",
    "learner",
    "instructor",
    "administrator",
    "instructor of another course",
)
PERSONAS = (ANONYMOUS, OTHER, LEARNER, INSTRUCTOR, ADMIN, ELSEWHERE)
# Must never see, or change, the learner's private data.
OUTSIDERS = (ANONYMOUS, OTHER, ELSEWHERE)

BIRTH_DATE = date(1815, 12, 10)
OWNER_EVIDENCE = (
    b"%PDF-1.4\n% EVIDENCE-OF-AUGUSTA-7f3c9e: a diploma only she and staff may see\n%%EOF\n"
)
OTHER_EVIDENCE = b"%PDF-1.4\n% the classmate's own diploma\n%%EOF\n"


def pdf_name(owner: str) -> str:
    return f"{owner}-bachelor-diploma.pdf"


# ------------------------------------------------------------------------------- expectations


@dataclass(frozen=True)
class Expect:
    """An expected response: a status, and for redirects the target path (query ignored).

    `LOGIN` means "302 to the sign-in page with `next` pointing back at the request"."""

    status: int
    location: str | None = None  # may hold `*` (a new object's id) and `{field}` placeholders

    def __str__(self) -> str:
        return f"{self.status} -> {self.location}" if self.location else str(self.status)

    def matches(self, other: Expect) -> bool:
        if self.status != other.status:
            return False
        if self.location is None or other.location is None:
            return self.location == other.location
        return fnmatchcase(other.location, self.location)


LOGIN_TARGET = "<sign-in with next>"
OK = Expect(200)
BAD_REQUEST = Expect(400)
LOGIN = Expect(302, LOGIN_TARGET)
FORBIDDEN = Expect(403)
NOT_FOUND = Expect(404)
NOT_ALLOWED = Expect(405)


def to(path: str) -> Expect:
    """302 to `path`; `{slug}`-style fields are filled from `World.fields`, `*` matches a new
    object's id."""
    return Expect(302, path)


def row(
    anonymous: Expect,
    other: Expect,
    learner: Expect,
    instructor: Expect,
    admin: Expect,
    *,
    elsewhere: Expect,
) -> dict[str, Expect]:
    """One expectation per persona; `elsewhere` is the instructor of another course, named
    explicitly in every row because for them "staff" and "outsider" pull in opposite ways."""
    values = (anonymous, other, learner, instructor, admin, elsewhere)
    return dict(zip(PERSONAS, values, strict=True))


def everyone(expect: Expect) -> dict[str, Expect]:
    return dict.fromkeys(PERSONAS, expect)


def signed_in(anonymous: Expect, expect: Expect) -> dict[str, Expect]:
    return row(anonymous, expect, expect, expect, expect, elsewhere=expect)


@dataclass(frozen=True)
class Case:
    """One URL pattern: how to build it from the learner's objects and who may do what."""

    kwargs: dict[str, str]  # URL kwarg -> `World.fields` key
    get: dict[str, Expect]
    post: dict[str, Expect] | None = None  # None: the view does nothing on POST
    data: dict[str, str] | Callable[[World], dict[str, str]] = field(default_factory=dict)
    prepare: Callable[[World], None] | None = None  # inside each request's savepoint
    # Anyone holding the credential's UUID may read the credential (that is how a verifier
    # checks it): the name and the credential are the point there, the rest is still private.
    public_capability: bool = False
    # Private markers an outsider may see here by design (an assigned peer reviewer reads the
    # capstone, anonymously).
    outsider_may_see: tuple[str, ...] = ()
    # Positive controls: personas whose GET response must contain these private markers, which
    # proves the leak check would notice them.
    reveals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Rows for an app that may not be installed (its patterns then simply do not exist).
    optional: bool = False


# ------------------------------------------------------------------------------------ world


@dataclass
class World:
    programme: Programme
    other_programme: Programme  # taught by the ELSEWHERE persona
    lesson: Lesson
    users: dict[str, User]
    enrolment: Enrolment  # the learner's, with evidence
    other_enrolment: Enrolment
    credential: credential_models.IssuedCredential
    totp_secret: str
    fields: dict[str, str] = field(default_factory=dict)
    # Added by optional apps' builders (see authz_assessment.py).
    extra_markers: dict[str, str] = field(default_factory=dict)
    extra_state: list[Callable[[], Any]] = field(default_factory=list)

    @property
    def learner(self) -> User:
        return self.users[LEARNER]

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != ANONYMOUS:
            client.force_login(self.users[persona])
        return client

    def private_markers(self, *, public_capability: bool) -> dict[str, str]:
        """What only the learner and staff may see. On a public-capability URL (anyone holding
        the credential's UUID may read the credential, as a verifier does) the name and the
        credential itself are the point, so only the rest is checked there."""
        learner = self.learner
        markers = {
            "e-mail": learner.email,
            "username": learner.username,
            "evidence content": OWNER_EVIDENCE.decode().split("% ", 1)[1].split(":")[0],
            "evidence file name": self.enrolment.evidence_name,
            "TOTP secret": self.totp_secret,
            "date of birth": BIRTH_DATE.isoformat(),
        }
        if not public_capability:
            markers |= {
                "first name": learner.first_name,
                "last name": learner.last_name,
                "credential id": str(self.credential.uuid),
                **self.extra_markers,
            }
        # A plain substring search finds a marker in HTML only if escaping leaves it alone.
        unsafe = [label for label, marker in markers.items() if html.escape(marker) != marker]
        assert not unsafe, f"markers must be HTML-safe to be found: {unsafe}"
        return markers

    def learner_state(self) -> tuple[Any, ...]:
        """A fingerprint of everything the learner owns; outsiders must not change it."""
        user = User.objects.get(pk=self.learner.pk)
        device = TOTPDevice.objects.filter(user=user).values_list(
            "secret", "confirmed_at", "last_used_step"
        )
        return (
            (user.password, user.email, user.email_verified_at, user.is_active, user.role),
            list(device),
            sorted(RecoveryCode.objects.filter(user=user).values_list("code_hash", "used_at")),
            sorted(
                Enrolment.objects.filter(learner=user).values_list(
                    "pk", "status", "evidence", "reviewer_id", "review_reason"
                )
            ),
            sorted(
                LessonProgress.objects.filter(learner=user).values_list(
                    "lesson_id", "completed_at", "last_opened_at"
                )
            ),
            list(
                credential_models.IssuedCredential.objects.filter(
                    learner_email=user.email
                ).values_list("uuid", "status")
            ),
            [part() for part in self.extra_state],
        )


def make_user(username: str, email: str, role: str, first: str = "", last: str = "") -> User:
    user = User(username=username, email=email, role=role, first_name=first, last_name=last)
    user.email_verified_at = timezone.now()
    user.set_password("correct horse battery staple")
    user.save()
    return user


def enrol(user: User, programme: Programme, evidence: bytes) -> Enrolment:
    enrolment = Enrolment(
        learner=user,
        programme=programme,
        status=Enrolment.Status.ACTIVE,
        declaration_text="I declare that I hold a Bachelor's degree.",
        declaration_accepted_at=timezone.now(),
        evidence_name=pdf_name(user.username),
        evidence_content_type="application/pdf",
        evidence_size=len(evidence),
    )
    enrolment.evidence.save(pdf_name(user.username), ContentFile(evidence), save=False)
    enrolment.save()
    return enrolment


def build_world() -> World:
    """The learner Augusta: enrolled with evidence, one lesson completed, 2FA on with recovery
    codes, a credential issued. A classmate enrolled in the same course, an instructor in the
    course's team, an instructor in the team of another course (with an applicant of its own, so
    their pages are not empty) and an administrator. Settings (data dir, media, base URL) are
    the caller's."""
    programme = sync_course(MINIMAL).programme
    other_programme = make_another_programme(programme)
    lesson = Lesson.objects.filter(module__programme=programme, status="published").first()
    assert lesson is not None
    users = {
        LEARNER: make_user(
            "augusta-owner",
            "augusta.byronsdottir@learner.example",
            User.Role.LEARNER,
            "Augusta",
            "Byronsdottir",
        ),
        OTHER: make_user(
            "grace-classmate", "grace@classmate.example", User.Role.LEARNER, "Grace", "Hopper"
        ),
        INSTRUCTOR: make_user("ines-staff", "ines@staff.example", User.Role.INSTRUCTOR),
        ADMIN: make_user("root-staff", "root@staff.example", User.Role.ADMINISTRATOR),
        ELSEWHERE: make_user("olga-elsewhere", "olga@elsewhere.example", User.Role.INSTRUCTOR),
    }
    assign_instructor("authz-test", programme, users[INSTRUCTOR].username)
    assign_instructor("authz-test", other_programme, users[ELSEWHERE].username)
    learner = users[LEARNER]
    enrolment = enrol(learner, programme, OWNER_EVIDENCE)
    other_enrolment = enrol(users[OTHER], programme, OTHER_EVIDENCE)
    applicant = make_user("petra-applicant", "petra@applicant.example", User.Role.LEARNER)
    elsewhere = enrol(applicant, other_programme, OTHER_EVIDENCE)
    Enrolment.objects.filter(pk=elsewhere.pk).update(status=Enrolment.Status.PENDING)
    now = timezone.now()
    LessonProgress.objects.create(
        learner=learner, lesson=lesson, last_opened_at=now, completed_at=now
    )
    device = account_services.start_two_factor_setup(learner)
    account_services.enable_two_factor(learner, totp.totp(device.secret))
    credential = credential_services.issue_credential(
        MINIMAL,
        Learner(learner.get_full_name(), learner.email, BIRTH_DATE, "Augusta", "Byronsdottir"),
        81,
        actor="authz-test",
    ).credential
    world = World(
        programme=programme,
        other_programme=other_programme,
        lesson=lesson,
        users=users,
        enrolment=enrolment,
        other_enrolment=other_enrolment,
        credential=credential,
        totp_secret=device.secret,
    )
    world.fields = {
        "slug": programme.slug,
        "module": lesson.module.slug,
        "lesson": lesson.slug,
        "resource_kind": "qa",
        "pk": str(enrolment.pk),
        "uuid": str(credential.uuid),
        "uidb64": urlsafe_base64_encode(force_bytes(learner.pk)),
        "token": email_verification_token.make_token(learner),
        "status_slug": credential.status_list.slug,
        "team_member": users[INSTRUCTOR].username,
        "newcomer": users[ELSEWHERE].username,
    }
    return world

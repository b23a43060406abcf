"""Reads of the gradebook. Each takes the acting user and returns only what they may see: a
learner their own grades and credentials, instructors the learners of the programmes they teach
(`learning.queries.teachable_programmes`), administrators every learner of every course."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from microcred.accounts.models import STAFF_ROLES, User
from microcred.assessment.models import QuizAnswer, QuizAttempt
from microcred.credentials.core.linkedin import linkedin_add_url
from microcred.credentials.models import IssuedCredential
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.curriculum.queries import live_programmes
from microcred.curriculum.spec.localize import localized_with_language
from microcred.learning.models import Enrolment
from microcred.learning.queries import teachable_programmes

from .grades import LearnerGrade, grade_of
from .models import Award, PrivacyEvent
from .plots import Histogram, histogram
from .policy import course_settings, policy_for
from .privacy import is_administrator
from .risk import Risk, Signals, risk_rules, risks
from .roster import cohort_scores
from .rules import ComponentGrade, Policy
from .stats import Paper, QuestionStats, Response, analyse

DECIDED = ("passed", "failed")


def is_staff(user: User) -> bool:
    return user.is_authenticated and user.has_role(*STAFF_ROLES)


# ------------------------------------------------------------------------- my credentials


@dataclass(frozen=True)
class MyCredential:
    row: IssuedCredential
    award: Award | None
    verify_url: str  # the share link: the public verification page
    linkedin_url: str  # "Add to profile"; empty unless the credential is valid

    @property
    def title(self) -> str:
        return str(self.row.openbadge.get("name", ""))

    @property
    def skills(self) -> list[dict[str, Any]]:
        return list(self.award.skills) if self.award is not None else []


@dataclass(frozen=True)
class Pending:
    award: Award  # being issued, or issuance failed (staff retry)


@dataclass(frozen=True)
class MyCredentials:
    credentials: list[MyCredential]
    pending: list[Pending]


def my_credentials(user: User, base_url: str) -> MyCredentials:
    """The reader's own credentials, in three queries: those the gradebook awarded to their
    enrolments, and those issued to their verified e-mail address (e.g. from the CLI).

    `base_url` makes the share link absolute (the instance's public URL when configured).
    """
    if not user.is_authenticated:
        return MyCredentials([], [])
    awards = list(Award.objects.filter(enrolment__learner=user).select_related("enrolment"))
    by_uuid = {award.credential_uuid: award for award in awards if award.credential_uuid}
    mine = Q(uuid__in=list(by_uuid))
    if user.email and user.email_verified:
        mine |= Q(learner_email__iexact=user.email)
    rows = list(
        IssuedCredential.objects.filter(mine)
        .select_related("programme")
        .defer("elm", "programme__description", "programme__exports")
        .annotate(has_elm=ExpressionWrapper(Q(elm__isnull=False), output_field=BooleanField()))
        .order_by("-issued_at", "-pk")
    )
    credentials = []
    for row in rows:
        verify = base_url.rstrip("/") + reverse("credentials:verify_uuid", args=[row.uuid])
        linkedin = ""
        if row.status == "valid":
            linkedin = linkedin_add_url(
                name=str(row.openbadge.get("name", "")),
                organization_name=str((row.openbadge.get("issuer") or {}).get("name", "")),
                issued_at=row.issued_at,
                cert_url=verify,
                cert_id=str(row.uuid),
            )
        credentials.append(MyCredential(row, by_uuid.get(row.uuid), verify, linkedin))
    pending = [Pending(award) for award in awards if not award.issued]
    return MyCredentials(credentials, pending)


# ------------------------------------------------------------------- instructors' gradebook


@dataclass(frozen=True)
class ComponentColumn:
    code: str
    title: Any  # localized text (the course description's)
    weight: float
    aggregation: str
    minimum_percent: float


@dataclass(frozen=True)
class GradebookRow:
    enrolment: Enrolment
    grade: LearnerGrade
    award: Award | None
    credential: IssuedCredential | None
    last_activity: datetime | None
    risks: list[Risk]

    @property
    def learner(self) -> User:
        return self.enrolment.learner

    @property
    def cells(self) -> list[ComponentGrade]:
        return list(self.grade.grade.components)


@dataclass(frozen=True)
class Gradebook:
    programme: Programme
    policy: Policy
    columns: list[ComponentColumn]
    rows: list[GradebookRow]
    items: list[AssessmentItem]  # scored items (quizzes and exam link to their analysis)
    distribution: Histogram
    lab_plots: list[Histogram]
    counts: dict[str, int]

    @property
    def at_risk(self) -> list[GradebookRow]:
        return [row for row in self.rows if row.risks]

    @property
    def analysable(self) -> list[AssessmentItem]:
        return [item for item in self.items if item.kind in ("quiz", "exam")]


def gradebook_programmes(user: User) -> list[Programme]:
    if not is_staff(user):
        return []
    return list(
        live_programmes()
        .filter(pk__in=teachable_programmes(user))
        .annotate(
            learners=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ACTIVE))
        )
        .defer("description", "exports")
    )


def _end_date(programme: Programme) -> date | None:
    offering = (programme.description or {}).get("offering") or {}
    try:
        return date.fromisoformat(str(offering.get("end_date")))
    except ValueError:
        return None


def gradebook(user: User, slug: str, *, now: datetime | None = None) -> Gradebook | None:
    """Every active learner of a programme: component percentages, final grade and status,
    award and credential, risks; in a constant number of queries (about a dozen).

    Raises `PolicyError` when the course's grading policy cannot be applied.
    """
    if not is_staff(user):
        return None
    programme = live_programmes().filter(slug=slug, pk__in=teachable_programmes(user)).first()
    if programme is None:
        return None
    now = now or timezone.now()
    policy = policy_for(programme)
    rules_of_risk = risk_rules(course_settings(programme))
    enrolments = list(
        Enrolment.objects.filter(programme=programme, status=Enrolment.Status.ACTIVE)
        .select_related("learner")
        .order_by("learner__last_name", "learner__first_name", "learner__username")
    )
    cohort = cohort_scores(programme, enrolments)
    awards = {a.enrolment_id: a for a in Award.objects.filter(enrolment__in=enrolments)}
    emails = [e.learner.email.lower() for e in enrolments if e.learner.email]
    uuids = [a.credential_uuid for a in awards.values() if a.credential_uuid]
    credentials = list(
        IssuedCredential.objects.filter(programme=programme)
        .filter(Q(uuid__in=uuids) | Q(learner_email__in=emails))
        .only("uuid", "status", "status_list_id", "learner_email", "final_grade", "issued_at")
    )
    by_uuid = {c.uuid: c for c in credentials}
    by_email = {c.learner_email: c for c in credentials}
    end = _end_date(programme)
    rows = []
    for enrolment in enrolments:
        enrolment.programme = programme
        grade = grade_of(enrolment, policy, cohort.scores[enrolment.pk])
        award = awards.get(enrolment.pk)
        credential = (
            by_uuid.get(award.credential_uuid) if award and award.credential_uuid else None
        ) or by_email.get(enrolment.learner.email.lower())
        last = cohort.last_activity.get(enrolment.pk)
        signals = Signals(
            enrolled_at=enrolment.reviewed_at or enrolment.created_at,
            last_activity=last,
            grade=grade.grade,
            has_exam=any(item.kind == "exam" for item in cohort.items),
            exam_started=enrolment.pk in cohort.exam_started,
        )
        found = [] if credential is not None else risks(signals, now, end, rules_of_risk)
        rows.append(GradebookRow(enrolment, grade, award, credential, last, found))
    description = programme.description or {}
    titles = {
        str(c.get("id")): c.get("title", {})
        for c in (description.get("assessment") or {}).get("components", [])
    }
    columns = [
        ComponentColumn(
            r.code, titles.get(r.code, r.code), r.weight, r.aggregation, r.minimum_percent
        )
        for r in policy.components
    ]
    decided = [row.grade.grade.percent for row in rows if row.grade.grade.status in DECIDED]
    distribution = histogram(
        "final",
        _("Final grades of learners with a result"),
        decided,
        marker=policy.minimum_total_percent,
        marker_label=_("pass mark"),
    )
    lab_plots = []
    for item in cohort.items:
        if item.kind != "lab":
            continue
        values = [
            100 * score.score
            for row in rows
            for score in row.grade.scores
            if score.item.pk == item.pk and score.score is not None
        ]
        title = localized_with_language(item.title, get_language() or "en")
        lab_plots.append(
            histogram(f"lab-{item.pk}", title.text, values, title_language=title.language)
        )
    counts = {status: 0 for status in ("passed", "failed", "pending", "incomplete")}
    for row in rows:
        counts[row.grade.grade.status] += 1
    return Gradebook(
        programme, policy, columns, rows, cohort.items, distribution, lab_plots, counts
    )


# ------------------------------------------------------------------------ item analysis


@dataclass(frozen=True)
class QuestionRow:
    stats: QuestionStats
    code: str
    stem: Any  # localized text of the question (from the course, else the code)


@dataclass(frozen=True)
class ItemAnalysis:
    programme: Programme
    item: AssessmentItem
    examinees: int
    questions: list[QuestionRow]
    scores: Histogram


def item_analysis(user: User, slug: str, item_id: int) -> ItemAnalysis | None:
    """Facility and discrimination of each question of a quiz or the exam, from each learner's
    first submitted attempt (a retake would count one person twice), in four queries."""
    if not is_staff(user):
        return None
    item = (
        AssessmentItem.objects.select_related("programme")
        .filter(
            pk=item_id,
            programme__slug=slug,
            programme__in=teachable_programmes(user),
            kind__in=["quiz", "exam"],
        )
        .first()
    )
    if item is None:
        return None
    first: dict[int, QuizAttempt] = {}
    for attempt in QuizAttempt.objects.filter(
        item=item, status=QuizAttempt.Status.SUBMITTED
    ).order_by("enrolment_id", "number"):
        first.setdefault(attempt.enrolment_id, attempt)
    responses: dict[int, list[Response]] = {a.pk: [] for a in first.values()}
    codes: dict[str, str] = {}
    for answer in (
        QuizAnswer.objects.filter(attempt_id__in=list(responses))
        .values("attempt_id", "question_uuid", "question_code", "correct", "points", "max_points")
        .order_by("attempt_id", "position")
    ):
        key = str(answer["question_uuid"])
        codes[key] = answer["question_code"]
        responses[answer["attempt_id"]].append(
            Response(
                key,
                bool(answer["correct"]),
                float(answer["points"] or 0),
                float(answer["max_points"] or 0),
            )
        )
    papers = [Paper(attempt_id, tuple(found)) for attempt_id, found in responses.items()]
    stems = {str(q.get("uuid")): q.get("stem", "") for q in item.spec.get("items", [])}
    questions = [
        QuestionRow(
            stats, codes[stats.question], stems.get(stats.question) or codes[stats.question]
        )
        for stats in analyse(papers)
    ]
    questions.sort(key=lambda row: row.code)
    scores = histogram(
        f"item-{item.pk}",
        _("Scores of first attempts"),
        [100 * paper.share for paper in papers],
    )
    return ItemAnalysis(item.programme, item, len(papers), questions, scores)


def credential_for_staff(user: User, credential_uuid: Any) -> IssuedCredential | None:
    """A credential of a programme the user teaches (its status is theirs to change)."""
    if not is_staff(user):
        return None
    return (
        IssuedCredential.objects.select_related("programme")
        .filter(uuid=credential_uuid, programme__in=teachable_programmes(user))
        .first()
    )


# --------------------------------------------------------------------------------- privacy


@dataclass(frozen=True)
class PrivacySubject:
    user: User
    enrolments: list[Enrolment]
    credentials: int
    events: list[PrivacyEvent]

    @property
    def erased(self) -> bool:
        return any(e.action == PrivacyEvent.Action.ERASURE for e in self.events)


def privacy_search(user: User, text: str) -> list[User]:
    """Administrators find learner accounts by username, name or e-mail (at most 50)."""
    if not is_administrator(user):
        return []
    text = text.strip()
    if not text:
        return []
    return list(
        User.objects.filter(role=User.Role.LEARNER)
        .filter(
            Q(username__icontains=text)
            | Q(email__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
        )
        .order_by("username")[:50]
    )


def privacy_subject(user: User, subject_id: int) -> PrivacySubject | None:
    if not is_administrator(user):
        return None
    subject = User.objects.filter(pk=subject_id, role=User.Role.LEARNER).first()
    if subject is None:
        return None
    enrolments = list(
        Enrolment.objects.filter(learner=subject).select_related("programme").order_by("pk")
    )
    credentials = IssuedCredential.objects.filter(
        Q(uuid__in=Award.objects.filter(enrolment__learner=subject).values("credential_uuid"))
        | Q(learner_email__iexact=subject.email or "-")
    ).count()
    events = list(
        PrivacyEvent.objects.filter(subject=subject).select_related("actor").order_by("pk")
    )
    return PrivacySubject(subject, enrolments, credentials, events)

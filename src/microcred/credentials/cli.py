"""``microcred credential ...``: issue, issue-batch, verify, revoke, suspend, reinstate.

Wired into ``microcred.cli`` by ``add_commands(subparsers)``. Exit codes follow the CLI
contract: 0 ok, 1 an invalid credential or a refused request (named), 2 usage errors (bad
arguments, unreadable files). Bad input never produces a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
PURPOSES = ["revocation", "suspension"]

__all__ = ["add_commands"]


def _django() -> None:
    """Set Django up for commands that use the database (migrating a fresh data dir)."""
    from django.apps import apps

    if apps.ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.web.settings")
    import django

    django.setup()
    from microcred.web.bootstrap import ensure_database

    ensure_database()


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text} is not a percentage between 0 and 100")
    return value


def _component(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{text!r}: expected COMPONENT=PERCENT")
    return name, _percent(value)


def _problem(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_PROBLEMS


def _issue(args: argparse.Namespace) -> int:
    from microcred.credentials.core.errors import CredentialError
    from microcred.credentials.core.record import Learner

    if not Path(args.course).is_dir():
        print(f"error: {args.course} is not a course folder", file=sys.stderr)
        return EXIT_USAGE
    _django()
    from microcred.credentials import services
    from microcred.credentials.batch import dumps

    learner = Learner(args.learner_name, args.learner_email)
    try:
        result = services.issue_credential(
            Path(args.course),
            learner,
            args.grade,
            component_percents=dict(args.component or []),
            did=args.did,
            status_purpose=args.status_purpose,
            actor=args.actor,
        )
    except (CredentialError, services.CredentialActionError, ValueError) as error:
        return _problem(str(error))
    row = result.credential
    if not result.created:
        print(
            f"{learner.email} already holds credential {row.uuid} for this course; "
            "returning it unchanged",
            file=sys.stderr,
        )
    if args.out:
        out = Path(args.out)
        out.write_text(dumps(row.openbadge), "utf-8")
        if row.elm is not None:
            stem = out.name[: -len(".json")] if out.name.endswith(".json") else out.name
            out.with_name(f"{stem}.elm.json").write_text(dumps(row.elm), "utf-8")
        print(f"{row.uuid} {out}", file=sys.stderr)
    else:
        sys.stdout.write(dumps(row.openbadge))
    return EXIT_OK


def _issue_batch(args: argparse.Namespace) -> int:
    from microcred.credentials.batch import (
        LearnersFileError,
        ProgressBar,
        compact,
        read_learners_csv,
        write_files,
    )
    from microcred.credentials.core.errors import CredentialError
    from microcred.curriculum.spec import validate_course

    course_dir = Path(args.course)
    if not course_dir.is_dir():
        print(f"error: {course_dir} is not a course folder", file=sys.stderr)
        return EXIT_USAGE
    result = validate_course(course_dir)
    if not result.ok or result.course.description is None:
        return _problem(f"{course_dir} has validation errors (microcred course validate)")
    components = [c.id for c in result.course.description.assessment.components]
    try:
        with open(args.learners, encoding="utf-8", newline="") as handle:
            rows = read_learners_csv(handle, components)
    except OSError as error:
        print(f"error: cannot read {args.learners}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    except LearnersFileError as error:
        return _problem(f"{args.learners}: {error}")
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _django()
    from microcred.credentials import services

    try:
        report = services.issue_batch(
            result.course,
            rows,
            did=args.did,
            status_purpose=args.status_purpose,
            with_elm=args.elm,
            workers=args.workers,
            actor=args.actor,
            progress=None if args.quiet else ProgressBar(),
            out_dir=out_dir,  # the workers write the files
        )
    except (CredentialError, services.CredentialActionError) as error:
        return _problem(str(error))
    for row in report.existing:
        elm = compact(row.elm) if args.elm and row.elm is not None else None
        write_files(out_dir, row.uuid, compact(row.openbadge), elm)
    for learner_row, message in report.failed:
        print(f"error: {learner_row.learner.email}: {message}", file=sys.stderr)
    rate = len(report.issued) / report.seconds if report.seconds else 0
    print(
        f"issued {len(report.issued)}, already held {len(report.existing)}, "
        f"failed {len(report.failed)} in {report.seconds:.1f} s ({rate:,.0f}/s) -> {out_dir}",
        file=sys.stderr,
    )
    return EXIT_PROBLEMS if report.failed else EXIT_OK


def _read_json_file(path: str) -> tuple[Any, int]:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        print(f"error: cannot read {path}: {error.strerror}", file=sys.stderr)
        return None, EXIT_USAGE
    return data, EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from microcred.credentials.core import ControllerDocumentResolver, verify_credential
    from microcred.credentials.core.baking import BakingError, unbake
    from microcred.credentials.core.keyring import Keyring

    data, code = _read_json_file(args.file)
    if code:
        return code
    if data[:1] in (b"\x89", b"<") or args.file.endswith((".png", ".svg")):
        try:
            data = unbake(data).encode("utf-8")
        except BakingError as error:
            return _problem(str(error))
    base = os.environ.get("MICROCRED_PUBLIC_BASE_URL", "").rstrip("/")
    data_dir = Path(os.environ.get("MICROCRED_DATA_DIR", "var"))
    documents: list[dict[str, Any]] = []
    notes: list[str] = []
    issuer = _issuer_of(data)
    if issuer.startswith("did:web:"):
        own = _own_did(base)
        if own == issuer and (data_dir / "credentials" / "keyring.json").exists():
            documents.append(Keyring(data_dir / "credentials").did_web_document(base))
        else:
            notes.append(
                f"{issuer} cannot be resolved offline: only this instance's own DID "
                f"({own or 'none: MICROCRED_PUBLIC_BASE_URL is not set'}) is resolved locally"
            )
    status_lists: dict[str, Any] = {}
    for path in args.status_list or []:
        raw, code = _read_json_file(path)
        if code:
            return code
        try:
            listed = json.loads(raw)
        except ValueError:
            return _problem(f"{path} is not JSON")
        if isinstance(listed, dict) and isinstance(listed.get("id"), str):
            status_lists[listed["id"]] = listed
    if base and not status_lists:
        status_lists.update(_local_status_lists(data, base))
    report = verify_credential(
        data, resolver=ControllerDocumentResolver(documents), status_lists=status_lists
    )
    if args.json:
        payload = report.to_dict()
        payload["notes"] = notes
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        marks = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip"}
        for check in report.checks:
            print(f"{marks[check.status.value]} {check.name}: {check.message}")
        for note in notes:
            print(f"note: {note}")
        if report.ok:
            print("valid", file=sys.stderr)
        else:
            print(f"INVALID: {', '.join(report.failures)}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _issuer_of(data: bytes) -> str:
    try:
        document = json.loads(data)
    except ValueError:
        return ""
    issuer = document.get("issuer") if isinstance(document, dict) else None
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else ""


def _own_did(base: str) -> str:
    from microcred.credentials.core.errors import CredentialError
    from microcred.credentials.core.issuer import did_web_for_base_url

    if not base:
        return ""
    try:
        return did_web_for_base_url(base)
    except CredentialError:
        return ""


def _local_status_lists(data: bytes, base: str) -> dict[str, Any]:
    """This instance's own lists, when the credential points at them and a database exists."""
    if f"{base}/credentials/status/".encode() not in data:
        return {}
    try:
        _django()
        from microcred.credentials import queries

        return dict(queries.local_status_lists())
    except Exception:  # no database yet, or the app is not installed: status stays unknown
        return {}


def _status_change(action: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        _django()
        from microcred.credentials import services

        change = {
            "revoke": services.revoke_credential,
            "suspend": services.suspend_credential,
            "reinstate": services.reinstate_credential,
        }[action]
        try:
            row = change(args.id, args.reason, args.actor)
        except services.CredentialActionError as error:
            return _problem(str(error))
        print(f"{row.uuid}: {row.status}")
        return EXIT_OK

    return run


def add_commands(subparsers: Any) -> None:
    """Add ``credential`` and its actions to the ``microcred`` argument parser."""
    credential = subparsers.add_parser("credential", help="issue, verify and revoke credentials")
    actions = credential.add_subparsers(dest="credential_command", metavar="ACTION", required=True)
    actor = os.environ.get("USER", "cli")

    issue = actions.add_parser("issue", help="issue one learner's signed credential")
    issue.add_argument("--course", required=True, metavar="DIR")
    issue.add_argument("--learner-name", required=True, metavar="NAME")
    issue.add_argument("--learner-email", required=True, metavar="EMAIL")
    issue.add_argument("--grade", required=True, type=_percent, metavar="PERCENT")
    issue.add_argument(
        "--component", action="append", type=_component, metavar="ID=PERCENT",
        help="a component's result (repeatable)",
    )  # fmt: skip
    issue.add_argument("--did", choices=["key", "web"], default=None)
    issue.add_argument(
        "--status-purpose", choices=["revocation", "suspension"], default="revocation"
    )
    issue.add_argument("--out", metavar="FILE", help="write FILE (and FILE.elm.json)")
    issue.add_argument("--actor", default=actor, help=argparse.SUPPRESS)
    issue.set_defaults(handler=_issue)

    batch = actions.add_parser("issue-batch", help="issue a cohort from a CSV on every core")
    batch.add_argument("--course", required=True, metavar="DIR")
    batch.add_argument("learners", metavar="LEARNERS.csv")
    batch.add_argument("--out-dir", required=True, metavar="DIR")
    batch.add_argument("--did", choices=["key", "web"], default=None)
    batch.add_argument(
        "--status-purpose", choices=["revocation", "suspension"], default="revocation"
    )
    batch.add_argument("--elm", action="store_true", help="also sign ELM credentials")
    batch.add_argument("--workers", type=int, default=None, help="default: every core")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    batch.add_argument("--actor", default=actor, help=argparse.SUPPRESS)
    batch.set_defaults(handler=_issue_batch)

    verify = actions.add_parser("verify", help="verify a credential file or baked badge")
    verify.add_argument("file", metavar="FILE")
    verify.add_argument("--json", action="store_true", help="machine-readable report")
    verify.add_argument(
        "--status-list", action="append", metavar="FILE",
        help="a signed BitstringStatusListCredential to check status against (repeatable)",
    )  # fmt: skip
    verify.set_defaults(handler=_verify)

    for name, text in (
        ("revoke", "revoke a credential for good"),
        ("suspend", "suspend a credential (issued with a suspension entry)"),
        ("reinstate", "lift a suspension"),
    ):
        command = actions.add_parser(name, help=text)
        command.add_argument("id", metavar="ID")
        command.add_argument("--reason", required=True, metavar="TEXT")
        command.add_argument("--actor", default=actor, help=argparse.SUPPRESS)
        command.set_defaults(handler=_status_change(name))

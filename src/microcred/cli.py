"""The `microcred` command: a stable, scriptable contract over the same services the web uses.

Exit codes are part of the contract: 0 success, 1 the input has problems (e.g. validation
errors, an invalid credential), 2 usage errors. Bad input never produces a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors, which is our contract; keep its messages short."""


def _course_validate(args: argparse.Namespace) -> int:
    from microcred.curriculum.spec import validate_course

    result = validate_course(Path(args.dir))
    if args.json:
        payload = {
            "course": str(args.dir),
            "ok": result.ok,
            "errors": len(result.errors),
            "warnings": len(result.warnings),
            "diagnostics": [d.as_dict() for d in result.diagnostics],
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for diagnostic in result.diagnostics:
            print(diagnostic.format())
        print(f"{len(result.errors)} error(s), {len(result.warnings)} warning(s)", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _load_or_report(directory: str) -> object | None:
    from microcred.curriculum.spec import validate_course

    result = validate_course(Path(directory))
    if not result.ok:
        for diagnostic in result.errors:
            print(diagnostic.format(), file=sys.stderr)
        print(
            f"{len(result.errors)} error(s): fix the course first "
            f"(microcred course validate {directory})",
            file=sys.stderr,
        )
        return None
    return result.course


def _course_export(args: argparse.Namespace) -> int:
    from microcred.curriculum.spec.course import Course
    from microcred.curriculum.spec.exporters import EXPORTERS

    course = _load_or_report(args.dir)
    if not isinstance(course, Course):
        return EXIT_PROBLEMS
    document = EXPORTERS[args.format](course)
    print(json.dumps(document, indent=2, ensure_ascii=False))
    return EXIT_OK


def _django(command: str, *extra: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["microcred", command, *extra])
    return EXIT_OK


def _course_sync(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.web.settings")
    import django

    django.setup()
    from microcred.curriculum.services import CourseInvalidError, sync_course
    from microcred.web.bootstrap import ensure_database

    ensure_database()
    try:
        report = sync_course(Path(args.dir))
    except CourseInvalidError as invalid:
        for diagnostic in invalid.errors:
            print(diagnostic.format(), file=sys.stderr)
        print(f"{len(invalid.errors)} error(s): nothing was synced", file=sys.stderr)
        return EXIT_PROBLEMS
    print(report.summary())
    return EXIT_OK


def _synced_programme(directory: str) -> object | None:
    """The synced programme of a course folder, found by the UUID in its microcredential.yaml
    (the key `course sync` uses), so a team follows the course whatever its folder is called.
    Only the description is read: a folder mid-edit elsewhere still names its course."""
    from microcred.curriculum.models import Programme
    from microcred.curriculum.spec.loader import load_course

    loaded = load_course(Path(directory))
    description = loaded.course.description
    if description is None:
        for diagnostic in loaded.errors:
            print(diagnostic.format(), file=sys.stderr)
        print(f"error: {directory} has no readable microcredential.yaml", file=sys.stderr)
        return None
    programme = Programme.objects.filter(uuid=description.uuid).first()
    if programme is None:
        print(
            f"error: the course in {directory} is not synced yet "
            f"(microcred course sync {directory})",
            file=sys.stderr,
        )
    return programme


def _course_team(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.web.settings")
    import django

    django.setup()
    from microcred.curriculum.models import Programme
    from microcred.learning import queries, services
    from microcred.web.bootstrap import ensure_database

    ensure_database()
    programme = _synced_programme(args.dir)
    if not isinstance(programme, Programme):
        return EXIT_PROBLEMS
    actor = f"cli:{os.environ.get('USER') or 'unknown'}"
    try:
        if args.team_command == "add":
            services.assign_instructor(actor, programme, args.username)
            print(f"{args.username.strip()} is now in the team of {programme.slug}")
        elif args.team_command == "remove":
            services.remove_instructor(actor, programme, args.username)
            print(f"{args.username.strip()} is no longer in the team of {programme.slug}")
    except services.LearningError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.team_command == "list":
        members = queries.team_members(programme)
        for member in members:
            user = member.instructor
            print(f"{user.username}\t{user.get_full_name()}\t{member.assigned_at:%Y-%m-%d}")
        print(f"{len(members)} instructor(s) in the team of {programme.slug}", file=sys.stderr)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from microcred.web.server import serve

    return serve(host=args.host, port=args.port, demo=False)


def _demo(args: argparse.Namespace) -> int:
    from microcred.web.server import serve

    return serve(host=args.host, port=args.port, demo=True)


def _skills_search(args: argparse.Namespace) -> int:
    from microcred.skills.esco import ESCO_ATTRIBUTION, shipped_subset

    subset = shipped_subset()
    matches = subset.search(args.text)
    for skill in matches:
        print(f"{skill.uri}  {skill.label}  ({skill.skill_type or 'unspecified'})")
    print(
        f"{len(matches)} skill(s) in the shipped ESCO {subset.version} subset; {ESCO_ATTRIBUTION}",
        file=sys.stderr,
    )
    return EXIT_OK if matches else EXIT_PROBLEMS


def _grade(args: argparse.Namespace) -> int:
    from microcred.grading.cli import main as grade_main

    return grade_main(args.grade_args)


def build_parser() -> argparse.ArgumentParser:
    from microcred.curriculum.spec.exporters import EXPORTERS

    parser = _Parser(prog="microcred", description=__doc__.splitlines()[0] if __doc__ else "")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    course = commands.add_parser(
        "course", help="validate, export and sync a course folder; manage its team"
    )
    course_commands = course.add_subparsers(dest="course_command", metavar="ACTION", required=True)
    validate = course_commands.add_parser("validate", help="report every problem of a course")
    validate.add_argument("dir", metavar="DIR")
    validate.add_argument("--json", action="store_true", help="machine-readable output")
    validate.set_defaults(handler=_course_validate)
    export = course_commands.add_parser("export", help="print the course as JSON-LD")
    export.add_argument("dir", metavar="DIR")
    export.add_argument("--format", required=True, choices=sorted(EXPORTERS))
    export.set_defaults(handler=_course_export)
    sync = course_commands.add_parser("sync", help="upsert the course into the database")
    sync.add_argument("dir", metavar="DIR")
    sync.set_defaults(handler=_course_sync)
    team = course_commands.add_parser(
        "team", help="list, add or remove the instructors who teach a synced course"
    )
    team.add_argument("dir", metavar="DIR")
    team_commands = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    team_commands.add_parser("list", help="print the team: username, name, member since")
    for name, text in (
        ("add", "add an instructor account to the team"),
        ("remove", "take an instructor out of the team"),
    ):
        change = team_commands.add_parser(name, help=text)
        change.add_argument("username", metavar="USERNAME")
    team.set_defaults(handler=_course_team)

    skills = commands.add_parser("skills", help="look up ESCO skills offline")
    skills_commands = skills.add_subparsers(dest="skills_command", metavar="ACTION", required=True)
    search = skills_commands.add_parser("search", help="find ESCO skills by label")
    search.add_argument("text", metavar="TEXT")
    search.set_defaults(handler=_skills_search)

    from microcred.credentials.cli import add_commands as add_credential_commands

    add_credential_commands(commands)

    for name, handler, text in (
        ("serve", _serve, "run the web server and the background worker"),
        ("demo", _demo, "seed the demo course and accounts, then serve"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=8000)
        command.set_defaults(handler=handler)

    grade = commands.add_parser(
        "grade", help="grade a lab submission in the sandbox", add_help=False
    )
    grade.add_argument("grade_args", nargs=argparse.REMAINDER)
    grade.set_defaults(handler=_grade)

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("manage_args", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=lambda a: _django(*(a.manage_args or ["help"])))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

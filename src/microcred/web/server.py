"""`microcred serve` and `microcred demo`: the web server and the task worker together.

One command runs a complete instance, as small providers need: waitress serves the site
(pure Python, production-grade, no system libraries) while a django-tasks database worker
runs background jobs in a child process that stops with the server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def _worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "microcred.cli", "manage", "db_worker", "--interval", "1"],
        env=os.environ.copy(),
    )


def prepare_environment(*, demo: bool) -> None:
    """Before the settings load; the worker inherits it. `microcred demo` turns demo mode on
    (the demo mailbox, docs/decisions/075); `serve` leaves the operator's setting alone."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.web.settings")
    if demo:
        os.environ["MICROCRED_DEMO"] = "true"


def serve(*, host: str, port: int, demo: bool) -> int:
    prepare_environment(demo=demo)
    import django

    django.setup()
    from waitress import serve as waitress_serve

    from microcred.web.bootstrap import ensure_database

    ensure_database()
    from microcred.web.wsgi import application

    if demo:
        from microcred.curriculum.services import CourseInvalidError
        from microcred.web.demo import DEMO_ACCOUNTS, seed_demo

        try:
            report = seed_demo()
        except CourseInvalidError as invalid:
            for diagnostic in invalid.errors:
                print(diagnostic.format(), file=sys.stderr)
            print("The demo course has errors; fix them and run again.", file=sys.stderr)
            return 1
        print(report.summary())
        print("Demo accounts (username / password):")
        for account in DEMO_ACCOUNTS:
            print(f"  {account.role:<14} {account.username} / {account.password}")
    url = f"http://{host}:{port}/"
    if demo:
        print(f"E-mail the demo sends (sign-up, password reset): {url}demo/mailbox/")
    print(f"microcred is serving on {url} (Ctrl+C to stop)", flush=True)
    worker = _worker()
    try:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        waitress_serve(application, host=host, port=port, threads=8, ident="microcred")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
    return 0

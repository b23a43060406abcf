"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

No browser is ever downloaded (`playwright install` is not used): Playwright's Python package
drives the Chromium that `make system-deps` installs from Debian. The browser is started once for
the `tests/e2e` package and stopped after its last test, because Playwright's synchronous API
keeps an asyncio loop running in the test thread while it is started (see `browser`).

Each journey keeps a screenshot of every step under `test-artifacts/e2e/<journey>/` (gitignored)
so a failure, or a reviewer, can see what a person would have seen. See
docs/decisions/060-browser-journeys-and-authorization-matrix.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

try:
    import playwright  # noqa: F401 - checked here for a clear message
except ImportError as missing:  # pragma: no cover - an installation problem
    raise ImportError(
        "the browser journeys need Playwright for Python: pip install -e '.[test]'. "
        "Never run `playwright install`: the tests use Debian's /usr/bin/chromium."
    ) from missing
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from microcred.accounts import services as account_services
from microcred.accounts import totp
from microcred.accounts.models import User
from microcred.accounts.two_factor import SESSION_KEY as TWO_FACTOR_KEY
from microcred.curriculum.models import Programme
from microcred.curriculum.services import sync_course

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_COURSE = ROOT / "courses" / "applied-ml-dl"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
STATIC = ROOT / "src" / "microcred" / "web" / "static" / "microcred"
AXE_JS = STATIC / "vendor" / "axe" / "axe.min.js"
CHROMIUM = Path(os.environ.get("MICROCRED_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "a long and unguessable passphrase 42"
# A small but well-formed PDF: the enrolment form checks the extension *and* the first bytes.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
TIMEOUT_MS = 15_000


# ------------------------------------------------------------------------------ the browser


@pytest.fixture(scope="package")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Chromium for the package; every persona gets its own fresh browser context.

    Playwright gives each launch a fresh user-data directory, created in the driver's TMPDIR:
    pointing TMPDIR at a pytest temporary directory keeps the profile out of the user's home and
    out of /tmp. While Playwright runs, its event loop is "running" in this thread, so Django's
    async-safety check would refuse the ORM calls the tests make to set up data; the tests are
    synchronous code, so DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that span.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium); "
            "browsers are never downloaded"
        )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)  # the default 5 s is short on a busy 2-core machine
    profiles = tmp_path_factory.mktemp("chromium-profiles")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(profiles))
        playwright = sync_playwright().start()
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class BrowserProblems:
    """JavaScript errors, failed same-origin requests and any request to another origin, seen
    by any page of a test."""

    origin: str
    seen: list[str] = field(default_factory=list)
    provoked: list[tuple[str, str, int]] = field(default_factory=list)

    def provoke(self, method: str, path: str, status: int) -> None:
        """Declare one refusal the journey causes on purpose (a form sent with a mistake, which
        the view answers with its status code): that one response is not a problem."""
        self.provoked.append((method, self.origin + path, status))

    def watch(self, page: Any) -> Any:
        page.on("pageerror", lambda error: self.seen.append(f"{page.url}: JS error {error}"))
        page.on("request", self._request)
        page.on("response", self._response)
        return page

    def _request(self, request: Any) -> None:
        # Pages load nothing from a third party (no CDN, no fonts, no analytics).
        url = request.url
        if not url.startswith((self.origin, "data:", "blob:", "about:")):
            self.seen.append(f"request to another origin: {request.method} {url}")

    def _response(self, response: Any) -> None:
        url = response.url
        # Chromium asks every site for /favicon.ico on its own; microcred has none (reported).
        if url.startswith(self.origin) and response.status >= 400 and "/favicon.ico" not in url:
            key = (response.request.method, url, response.status)
            if key in self.provoked:
                self.provoked.remove(key)
                return
            self.seen.append(f"{response.request.method} {url} -> {response.status}")


@pytest.fixture
def problems(live_server: LiveServer) -> Iterator[BrowserProblems]:
    found = BrowserProblems(live_server.url)
    yield found
    assert not found.seen, "the browser saw errors:\n" + "\n".join(found.seen)
    assert not found.provoked, f"refusals declared but not seen: {found.provoked}"


@pytest.fixture
def new_page(browser: Any, problems: BrowserProblems) -> Iterator[Callable[..., Any]]:
    """`new_page()` opens a page in a new, isolated context (a person on their own device)."""
    contexts: list[Any] = []

    def make(*, locale: str = "en-GB") -> Any:
        context = browser.new_context(
            locale=locale, viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return problems.watch(context.new_page())

    yield make
    for context in contexts:
        context.close()


# -------------------------------------------------------------------------------- artefacts


class Shots:
    """Numbered, readable screenshots: test-artifacts/e2e/a-learner/06-two-factor-qr-code.png."""

    def __init__(self, journey: str) -> None:
        self.folder = ARTIFACTS / journey
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, page: Any, step: str, *, full_page: bool = True) -> Path:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    def write_json(self, name: str, data: Any) -> Path:
        path = self.folder / name
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), "utf-8")
        return path


def shots_folder(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Name a test's screenshot folder when its module holds more than one journey."""

    def mark(test: Callable[..., None]) -> Callable[..., None]:
        test.SHOTS_FOLDER = name  # type: ignore[attr-defined]
        return test

    return mark


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    """Screenshots of the current test in `test-artifacts/e2e/<JOURNEY>[/<parameter>]`, where
    JOURNEY is named by the test module and SHOTS_FOLDER (optional) by the test."""
    folder = getattr(request.module, "JOURNEY", request.module.__name__.rsplit(".", 1)[-1])
    folder = getattr(request.function, "SHOTS_FOLDER", folder)
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None:
        folder = f"{folder}/{callspec.id}"
    return Shots(folder)


# ------------------------------------------------------------------------------ the instance


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped course, so edits in the work tree during a run change nothing."""
    target = tmp_path_factory.mktemp("courses") / SHIPPED_COURSE.name
    shutil.copytree(SHIPPED_COURSE, target)
    return target


@dataclass
class Site:
    live_server: LiveServer
    programme: Programme
    course_dir: Path

    def url(self, path: str) -> str:
        return self.live_server.url + path

    @property
    def course_path(self) -> str:
        return f"/courses/{self.programme.slug}/"


@pytest.fixture
def site(
    transactional_db: None,
    live_server: LiveServer,
    settings: SettingsWrapper,
    tmp_path: Path,
    course_copy: Path,
) -> Site:
    """The instance under test: its public URL, a private data directory and uploads, mail kept
    in memory, the shipped course synced (`sync_course`, the one write path for course data)."""
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.MICROCRED_PRIVATE_DIR = tmp_path / "private"  # capstone files
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_BASE_URL = live_server.url  # as configured in production: did:web, links
    programme = sync_course(course_copy).programme
    return Site(live_server=live_server, programme=programme, course_dir=course_copy)


@pytest.fixture
def make_account(site: Site) -> Callable[..., User]:
    def make(username: str, role: str = User.Role.LEARNER, **extra: Any) -> User:
        user = User(username=username, email=f"{username}@example.org", role=role, **extra)
        user.email_verified_at = timezone.now()
        user.set_password(PASSWORD)
        user.save()
        if role == User.Role.INSTRUCTOR:  # instructors see only the courses they teach
            from microcred.learning.services import assign_instructor

            assign_instructor("e2e", site.programme, username)
        return user

    return make


def turn_on_two_factor(user: User) -> str:
    """Give `user` a confirmed authenticator, as the set-up page does; returns its secret. The
    code used here is spent: sign in with the next time step's (see `next_code`)."""
    device = account_services.start_two_factor_setup(user)
    account_services.enable_two_factor(user, totp.totp(device.secret))
    return device.secret


def next_code(secret: str) -> str:
    """A code the server accepts once more after `turn_on_two_factor` spent the current step's:
    the next step's, inside the server's one-step drift window."""
    return totp.totp(secret, time.time() + totp.PERIOD)


def sign_in_as(
    context: Any, live_server: LiveServer, user: User, *, second_factor: bool = False
) -> None:
    """Put a signed-in session cookie into a browser context (for pages that are not about
    signing in; journey (a) signs in through the form). `second_factor`: the session has proved
    the user's authenticator, as after the code prompt (the user must have one)."""
    client = Client()
    client.force_login(user)
    if second_factor:
        session = client.session
        session[TWO_FACTOR_KEY] = int(time.time())
        session.save()
    name = django_settings.SESSION_COOKIE_NAME
    context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )


# -------------------------------------------------------------------------- the task worker


@pytest.fixture
def task_worker(site: Site, settings: SettingsWrapper) -> Callable[[], list[Any]]:
    """`task_worker()` runs the queued background work, as the worker `microcred serve` starts
    beside the web server would, and returns the tasks it finished (failing on any that failed).

    Production's path, not a shortcut: the live server enqueues into django-tasks-db's table
    (`DatabaseBackend`, the default backend) and this runs django-tasks-db's own `Worker` (what
    `manage db_worker` runs) in batch mode. So a lab submission really waits as "queued" and the
    page's htmx polling really brings the grade in, and the award task really goes through the
    queue. The `ImmediateBackend` would instead grade inside the submission's HTTP request: the
    learner would never see a queued submission and the polling would never run.

    It runs in the test thread, at the moments the journey has queued work, because pytest-
    django's live server shares the test thread's in-memory SQLite connection: a worker in its own
    process would see another (empty) database, and one in its own thread would meet shared-cache
    table locks. Meanwhile the browser only polls (GET, no transaction), so no transactions
    interleave on the shared connection. Tasks scheduled for later (an exam's deadline) stay
    queued, as they would on a real instance.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def run() -> list[Any]:
        finished_before = set(DBTaskResult.objects.finished().values_list("id", flat=True))
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="e2e-worker",
            excluded_queue_names=[],
        ).run()
        done = list(
            DBTaskResult.objects.finished()
            .exclude(id__in=finished_before)
            .order_by("finished_at", "enqueued_at")
        )
        failed = [row for row in done if row.status == "FAILED"]
        assert not failed, "\n\n".join(f"{row.task_path}:\n{row.traceback}" for row in failed)
        return done

    return run

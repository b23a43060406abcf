"""The demo mailbox: off (a 404 for everyone) unless the site runs as the demo; when on, every
e-mail the site wrote with the file backend, newest first, escaped, with working links; linked
from the pages that say "we sent you an e-mail", in demo mode only."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from microcred.accounts.models import User
from microcred.web import server
from microcred.web.mailbox import read_mailbox

pytestmark = pytest.mark.django_db

MAILBOX = "/demo/mailbox/"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
PASSWORD = "correct horse battery staple"
CaptureOnCommit = Callable[..., Any]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: SettingsWrapper) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def mail_dir(settings: SettingsWrapper, tmp_path: Path) -> Path:
    """Mail written to files, as a demo instance does."""
    settings.EMAIL_BACKEND = FILE_BACKEND
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    return tmp_path / "mail"


@pytest.fixture
def demo(settings: SettingsWrapper, mail_dir: Path) -> Path:
    settings.MICROCRED_DEMO = True
    return mail_dir


def make_user(username: str, role: str = User.Role.LEARNER, *, verified: bool = True) -> User:
    user = User(username=username, email=f"{username}@example.org", role=role)
    user.email_verified_at = timezone.now() if verified else None
    user.set_password(PASSWORD)
    user.save()
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ------------------------------------------------------------------------------------- off


def test_the_shipped_settings_have_no_demo_mailbox() -> None:
    assert django_settings.MICROCRED_DEMO is False


def test_off_the_mailbox_is_a_404_for_everyone(mail_dir: Path) -> None:
    send_mail("Secret link", "http://testserver/accounts/verify-email/x/y/", None, ["a@b.org"])
    admin = make_user("root", User.Role.ADMINISTRATOR)
    instructor = make_user("ines", User.Role.INSTRUCTOR)
    for client in (Client(), signed_in(make_user("ada")), signed_in(instructor), signed_in(admin)):
        for response in (client.get(MAILBOX), client.post(MAILBOX)):
            assert response.status_code == 404
            assert b"Secret link" not in response.content


def test_off_no_page_links_to_the_mailbox(
    mail_dir: Path, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/accounts/signup/",
            {
                "username": "newbie",
                "email": "newbie@example.org",
                "password1": "a long and unusual passphrase",
                "password2": "a long and unusual passphrase",
            },
        )
    assert "Check your e-mail" in done.content.decode()
    assert MAILBOX not in done.content.decode()
    assert MAILBOX not in client.get("/dashboard/").content.decode()
    assert MAILBOX not in client.get("/accounts/password/forgot/sent/").content.decode()


# -------------------------------------------------------------------------------------- on


def test_the_demo_command_turns_demo_mode_on_for_the_site_and_its_worker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`microcred demo` sets MICROCRED_DEMO before the settings load (the worker inherits the
    environment); the settings read it, and refuse a value that is not a boolean."""
    monkeypatch.delenv("MICROCRED_DEMO", raising=False)
    server.prepare_environment(demo=False)
    assert "MICROCRED_DEMO" not in os.environ
    server.prepare_environment(demo=True)
    assert os.environ["MICROCRED_DEMO"] == "true"

    def demo_setting(value: str | None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "MICROCRED_DEMO"}
        env["MICROCRED_DATA_DIR"] = str(tmp_path / "data")
        if value is not None:
            env["MICROCRED_DEMO"] = value
        code = "from microcred.web import settings; print(settings.MICROCRED_DEMO)"
        return subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
        )

    assert demo_setting(None).stdout.strip() == "False"
    assert demo_setting("true").stdout.strip() == "True"
    bad = demo_setting("perhaps")
    assert bad.returncode != 0
    assert "MICROCRED_DEMO='perhaps': expected true or false" in bad.stderr


def test_on_the_mailbox_lists_the_sent_mail_newest_first(demo: Path) -> None:
    """By the Date header: "First" is written last, but dated an hour earlier."""
    send_mail("Second", "Hello again.", None, ["two@example.org"])
    an_hour_ago = formatdate(time.time() - 3600)
    EmailMessage("First", "Hello.", None, ["one@example.org"], headers={"Date": an_hour_ago}).send()
    for client in (Client(), signed_in(make_user("ada"))):
        response = client.get(MAILBOX)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        page = response.content.decode()
        assert page.index("Second") < page.index("First")
        assert "two@example.org" in page
        assert "one@example.org" in page
        assert '<time datetime="' in page
        assert "<h1>Demo mailbox</h1>" in page


def test_bodies_are_escaped_and_links_are_clickable(demo: Path) -> None:
    send_mail(
        "<b>Subject</b>",
        "Click http://testserver/accounts/verify-email/MQ/abc-123/ now.\n"
        '<script>alert("owned")</script> & <a href="http://evil.example/">fake</a>',
        None,
        ["ada@example.org"],
    )
    page = Client().get(MAILBOX).content.decode()
    assert '<a href="http://testserver/accounts/verify-email/MQ/abc-123/"' in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp;" in page
    assert '<a href="http://evil.example/">' not in page
    assert "&lt;b&gt;Subject&lt;/b&gt;" in page


def test_encoded_and_batched_messages_are_decoded(demo: Path) -> None:
    """Non-ASCII bodies are quoted-printable or base64 on disk; several messages sent over one
    connection share one file."""
    long_line = "Ελληνικά και français: " + "é" * 200
    messages = [
        EmailMessage("Καλωσόρισμα", long_line, None, ["eleni@example.org"]),
        EmailMessage("Bienvenue", "Voilà, c'est fait.", None, ["zoe@example.org"]),
    ]
    assert get_connection().send_messages(messages) == 2
    assert len(list(demo.glob("*.log"))) == 1
    mails, more = read_mailbox(demo)
    assert not more
    assert [m.subject for m in mails] == ["Bienvenue", "Καλωσόρισμα"]  # later in the file first
    assert mails[1].body.rstrip("\n") == long_line
    assert mails[0].recipients == "zoe@example.org"


def test_an_empty_or_missing_mailbox_says_so(demo: Path) -> None:
    assert read_mailbox(demo / "nowhere") == ([], False)
    page = Client().get(MAILBOX).content.decode()
    assert "No e-mail has been sent yet." in page


def test_only_the_newest_messages_are_shown(demo: Path) -> None:
    for n in range(4):
        send_mail(f"Message {n}", "Body.", None, ["ada@example.org"])
    for n, path in enumerate(sorted(demo.glob("*.log"))):
        os.utime(path, ns=(n * 1_000_000_000, n * 1_000_000_000))
    mails, more = read_mailbox(demo, limit=3)
    assert more
    assert len(mails) == 3


def test_a_demo_that_does_not_write_mail_to_files_explains_the_empty_page(
    settings: SettingsWrapper,
) -> None:
    settings.MICROCRED_DEMO = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = Client().get(MAILBOX)
    assert response.status_code == 200
    assert "configured to send e-mail another way" in response.content.decode()


def test_on_the_pages_that_say_check_your_mail_link_the_mailbox(
    demo: Path, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/accounts/signup/",
            {
                "username": "newbie",
                "email": "newbie@example.org",
                "password1": "a long and unusual passphrase",
                "password2": "a long and unusual passphrase",
            },
        )
    assert f'href="{MAILBOX}"' in done.content.decode()
    assert f'href="{MAILBOX}"' in client.get("/dashboard/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post("/accounts/verify-email/resend/", follow=True)
    assert "We sent you a new verification link." in resent.content.decode()
    assert f'href="{MAILBOX}"' in resent.content.decode()
    assert f'href="{MAILBOX}"' in Client().get("/accounts/password/forgot/sent/").content.decode()
    # ...and the mailbox holds both verification mails, with their links.
    page = client.get(MAILBOX).content.decode()
    assert page.count("Confirm your e-mail address for microcred") == 2
    assert page.count('<a href="http://testserver/accounts/verify-email/') == 2


def test_a_demo_visitor_walks_from_sign_up_to_a_verified_address(
    demo: Path, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "username": "visitor",
                "email": "visitor@example.org",
                "password1": "a long and unusual passphrase",
                "password2": "a long and unusual passphrase",
            },
        )
    page = client.get(MAILBOX).content.decode()
    link = re.search(r'<a href="http://testserver(/accounts/verify-email/[^"]+)"', page)
    assert link
    assert client.post(link.group(1)).status_code == 302
    assert User.objects.get(username="visitor").email_verified

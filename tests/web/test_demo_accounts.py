"""The demo's sample accounts are on its sign-in page, and nowhere on a real site."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from microcred.web.demo import DEMO_ACCOUNTS, seed_demo

pytestmark = pytest.mark.django_db


def test_a_demo_visitor_finds_every_account_on_the_sign_in_page_and_can_use_it(
    settings: SettingsWrapper,
) -> None:
    settings.MICROCRED_DEMO = True
    seed_demo()
    page = html.unescape(Client().get("/accounts/login/").content.decode())
    assert "Demo accounts" in page
    for account in DEMO_ACCOUNTS:
        assert f"<code>{account.username}</code>" in page
        assert f"<code>{account.password}</code>" in page
        assert str(account.description) in page
        # what the page offers really signs in
        assert Client().login(username=account.username, password=account.password)


def test_a_real_site_shows_no_accounts(settings: SettingsWrapper) -> None:
    settings.MICROCRED_DEMO = False
    page = Client().get("/accounts/login/").content.decode()
    assert "Demo accounts" not in page
    for account in DEMO_ACCOUNTS:
        assert account.password not in page

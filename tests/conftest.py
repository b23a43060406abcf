"""Fixtures every test gets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Every test starts in the default language.

    Django's LocaleMiddleware activates the request's language in the thread that serves it
    and leaves it active; the test client serves requests in the test's own thread. Without
    this, a test that opened a French page would leave lazy strings French for the tests
    after it (a browser journey then looked for French labels on English pages).
    """
    translation.deactivate()
    yield
    translation.deactivate()

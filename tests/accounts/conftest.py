"""Fixtures for the accounts tests: personas (see personas.py)."""

from __future__ import annotations

from accounts.personas import (  # noqa: F401 - fixtures
    administrator,
    client_for,
    fast_password_hashing,
    instructor,
    learner,
    make_user,
    other_learner,
)

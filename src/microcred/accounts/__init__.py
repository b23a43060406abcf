"""Accounts: learners, instructors and administrators (verifiers need no account)."""

"""Web-test helpers on top of the shared fixtures (tests/conftest.py: `org`, `users`)."""

from __future__ import annotations

import pytest

@pytest.fixture
def client_as(client, users):
    """client_as("supervisor") → the test client signed in with that role; "anonymous" stays signed out."""

    def sign_in(role: str):
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return sign_in


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The shared `users` fixture hashes five passwords per test; Django's default hasher takes
    about 0.3 s each on purpose. A fast one keeps the role matrix (150+ tests) to seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

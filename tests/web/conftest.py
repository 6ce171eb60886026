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


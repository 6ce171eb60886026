"""The settings the tests run with (pyproject.toml): Caseweight's own, plus two things for tests only.

- A secret key, which Caseweight refuses to start without. It goes into the environment, not only
  into these settings, so that the `caseweight` commands tests run in a subprocess have it too.
- Sign-in lockout off: Django's test client signs in without a request (Client.login), which
  django-axes refuses. The tests of the lockout turn it back on (tests/web/test_security_sign_in.py).
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-by-a-real-server-0123456789")

from caseweight.settings import *  # noqa: E402, F403

AXES_ENABLED = False

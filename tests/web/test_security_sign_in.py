"""Sign-in lockout (django-axes) and password rules.

Lockout is by username and address together: 5 failures lock that username from that address for
15 minutes (settings.py; the environment variables are tested in test_security_settings.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone

LIMIT = 5
COOL_OFF = dt.timedelta(minutes=15)
WRONG = "not-the-password"


@pytest.fixture(autouse=True)
def lockout(settings):
    """Lockout on (the tests' settings turn it off for Client.login), with the default limits."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = COOL_OFF


def sign_in(client, username, password, *, url=None, address="10.0.0.1", **headers):
    data = {"username": username, "password": password}
    return client.post(url or reverse("login"), data, REMOTE_ADDR=address, **headers)


def fail(client, username, times, **kwargs):
    for _ in range(times):
        response = sign_in(client, username, WRONG, **kwargs)
    return response


def signed_in_as(client):
    response = client.get(reverse("home"))
    return response.context["user"].get_username() if response.status_code == 200 else None


def retry_time(username):
    """When the page must say the user may try again: the last recorded attempt plus the cool-off."""
    attempt = AccessAttempt.objects.get(username=username)
    return formats.time_format(timezone.localtime(attempt.attempt_time + COOL_OFF), "TIME_FORMAT")


def test_four_wrong_passwords_then_the_right_one_signs_in(client, users, password):
    assert fail(client, "officer", LIMIT - 1).status_code == 200
    response = sign_in(client, "officer", password)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_as(client) == "officer"


def test_five_wrong_passwords_lock_the_username_out_and_the_right_one_is_then_refused(client, users, password):
    assert fail(client, "officer", LIMIT).status_code == 429
    response = sign_in(client, "officer", password)
    assert response.status_code == 429
    body = response.content.decode()
    assert "After 5 failed sign-ins, this username is locked out from this network." in body
    assert f"You can try again at {retry_time('officer')}, in 15 minutes." in body
    assert signed_in_as(client) is None


def test_after_the_cool_off_the_right_password_signs_in(client, users, password):
    assert fail(client, "officer", LIMIT).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - COOL_OFF - dt.timedelta(seconds=1))
    response = sign_in(client, "officer", password)
    assert response.status_code == 302
    assert signed_in_as(client) == "officer"


def test_an_attempt_during_the_lockout_starts_the_wait_again(client, users, password):
    assert fail(client, "officer", LIMIT).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - COOL_OFF + dt.timedelta(minutes=1))
    assert sign_in(client, "officer", password).status_code == 429  # a minute early
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=2))
    assert sign_in(client, "officer", password).status_code == 429  # a minute after the first wait, not the second


def test_the_lockout_page_is_in_french_for_a_french_user(client, users, password):
    client.cookies["django_language"] = "fr"
    assert fail(client, "officer", LIMIT).status_code == 429
    response = sign_in(client, "officer", password)
    body = response.content.decode()
    assert response.status_code == 429
    assert "Connexion bloquée" in body
    assert "Après 5 échecs de connexion, ce nom d'utilisateur est bloqué depuis ce réseau." in body
    assert f"Vous pourrez réessayer à {retry_time('officer')}, dans 15 minutes." in body


def test_the_admin_sign_in_locks_out_too(client, users, password):
    admin_login = reverse("admin:login")
    assert fail(client, "analyst", LIMIT, url=admin_login).status_code == 429
    response = sign_in(client, "analyst", password, url=admin_login)
    assert response.status_code == 429
    assert "this username is locked out" in response.content.decode()


def test_a_locked_out_username_does_not_lock_out_a_colleague_at_the_same_address(client, users, password):
    assert fail(client, "officer", LIMIT).status_code == 429
    assert sign_in(client, "supervisor", password).status_code == 302
    assert signed_in_as(client) == "supervisor"


def test_a_locked_out_username_may_still_sign_in_from_another_address(client, users, password):
    assert fail(client, "officer", LIMIT, address="10.0.0.1").status_code == 429
    assert sign_in(client, "officer", password, address="10.0.0.2").status_code == 302


def test_behind_the_proxy_the_lockout_goes_by_the_address_the_proxy_forwards(client, users, password, settings):
    settings.AXES_CLIENT_IP_CALLABLE = "caseweight.security.forwarded_client_address"  # CASEWEIGHT_BEHIND_PROXY=1
    proxy = "127.0.0.1"
    # A client that forges its own X-Forwarded-For gets the proxy's real address appended after it.
    locked = fail(client, "officer", LIMIT, address=proxy, HTTP_X_FORWARDED_FOR="10.0.0.2, 10.0.0.1")
    assert locked.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "10.0.0.1"
    elsewhere = sign_in(client, "officer", password, address=proxy, HTTP_X_FORWARDED_FOR="10.0.0.2")
    assert elsewhere.status_code == 302


# --- passwords --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidate", "code"),
    [
        ("kingston-42", "password_too_short"),  # 11 characters
        ("password1234", "password_too_common"),
        ("482913570264", "password_entirely_numeric"),
        ("ana.tremblay.ott", "password_too_similar"),  # the account's username
    ],
)
def test_a_weak_password_is_refused(django_user_model, candidate, code):
    user = django_user_model(username="ana.tremblay.ott", role="officer")
    with pytest.raises(ValidationError) as refused:
        validate_password(candidate, user)
    assert code in {error.code for error in refused.value.error_list}


def test_a_long_uncommon_password_is_accepted(django_user_model):
    validate_password("slate-harbour-ferry", django_user_model(username="ana.tremblay.ott", role="officer"))


def test_the_admin_refuses_a_new_account_with_a_short_password(client_as, django_user_model):
    response = client_as("national_analyst").post(
        reverse("admin:accounts_user_add"),
        {"username": "new-officer", "usable_password": "true", "password1": "kingston-42",
         "password2": "kingston-42", "role": "officer"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in response.content.decode()
    assert not django_user_model.objects.filter(username="new-officer").exists()

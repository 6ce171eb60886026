"""Sessions end after an idle time (CASEWEIGHT_SESSION_IDLE_MINUTES, 30 by default): each request
pushes the expiry back. Idleness is made by moving the stored session's expiry, not by waiting."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone


def expire_at(client, when):
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=when)


def test_a_session_idle_past_the_limit_is_sent_to_sign_in(client_as):
    client = client_as("officer")
    expire_at(client, timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_request_before_the_limit_keeps_the_session_and_pushes_its_expiry_back(client_as):
    client = client_as("officer")
    expire_at(client, timezone.now() + dt.timedelta(minutes=1))
    before = timezone.now()
    response = client.get(reverse("home"))
    assert response.status_code == 200 and response.context["user"].get_username() == "officer"
    expiry = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expiry >= before + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_the_session_cookie_ends_with_the_browser(client, users, password):
    response = client.post(reverse("login"), {"username": "officer", "password": password})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""

"""Hardening for a shared server: the response headers Django does not set, the lockout page, and
the address a sign-in comes from behind a proxy.

Django's SecurityMiddleware sets nosniff, the referrer policy and HSTS; django-csp the Content
Security Policy; django-axes counts failed sign-ins (settings.py configures all three).
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_cache_control

# Browser features no Caseweight page uses: denied to the page and anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "bluetooth", "camera", "display-capture", "geolocation", "gyroscope", "hid",
        "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get", "serial", "usb",
    )
)  # fmt: skip


class SecurityHeadersMiddleware:
    """Every page and download holds personal data, so none may be kept by a browser or proxy cache.
    Static files never reach this middleware: WhiteNoise, before it, answers them (cacheable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def forwarded_client_address(request):
    """The address a sign-in comes from, behind the one proxy CASEWEIGHT_BEHIND_PROXY trusts
    (AXES_CLIENT_IP_CALLABLE): the last in X-Forwarded-For, the one that proxy added; the ones
    before it are whatever the client sent. Without it every sign-in would come from the proxy."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.rsplit(",", 1)[-1].strip() or request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response, credentials):
    """django-axes' answer to a sign-in from a locked-out username and address (AXES_LOCKOUT_CALLABLE).
    Each attempt during the lockout counts as a failure, so the wait runs from this one."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "retry_at": request.axes_attempt_time + cool_off,
        "minutes": round(cool_off.total_seconds() / 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/locked_out.html", context, status=429)

"""Every door throttled with one mechanism: DRF's rate throttles, counted in the shared
cache, for the API and the pages alike; django-axes for failed log-ins (settings.py).

- The client address is `client_address`: REMOTE_ADDR, unless TRUSTED_PROXIES (a count)
  says how many proxies in front of the site append to X-Forwarded-For. Both the throttles
  and axes use it, so rotating the header buys nothing.
- `throttle(*classes)` applies the same throttles to a Django view: the upload form counts
  against the API's upload budget of the same user (`UploadThrottle`, one cache key), and
  sign-up and password reset are limited per client address:

      path("accounts/password/reset/",
           throttle(PasswordResetThrottle)(auth_views.PasswordResetView.as_view()), ...)

Rates are REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (THROTTLE_* in the environment).
"""

from __future__ import annotations

import ipaddress
import math
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from competition.names import canonical


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXIES = N > 0 the N-th entry
    of X-Forwarded-For counted from the right (each trusted proxy appends the address it
    was called from; anything further left is the client's to forge)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries:
            candidate = entries[-min(proxies, len(entries))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass  # not an address: the proxy chain is not what TRUSTED_PROXIES says
    return remote


def login_username(request, credentials) -> str:
    """The user name failed log-ins are counted under: NFKC (as Django compares user
    names) and case folded, so `ａｌｉｃｅ` and `Alice` share alice's count."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field) is not None:
        name = credentials.get(field)
    else:
        name = request.POST.get(field, "") if request is not None else ""
    return canonical(str(name).strip())


class _ByClientAddress:
    def get_ident(self, request):
        return client_address(request)


class AnonThrottle(_ByClientAddress, AnonRateThrottle):
    """Anonymous requests, per client address."""


class UserThrottle(_ByClientAddress, UserRateThrottle):
    """Signed-in requests, per user (per address when anonymous)."""


class UploadThrottle(_ByClientAddress, UserRateThrottle):
    """Uploads have their own, tighter budget, shared by the API and the upload form;
    reading costs none of it."""

    scope = "uploads"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


class AddressThrottle(_ByClientAddress, SimpleRateThrottle):
    """Per client address, signed in or not (a subclass names the scope)."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignupThrottle(AddressThrottle):
    scope = "signup"


class PasswordResetThrottle(AddressThrottle):
    scope = "password_reset"


def throttle(*classes, methods=("POST",)):
    """Decorate a Django view: requests with these methods pass the throttles (each
    counts the request) or get a 429 page with Retry-After."""

    def decorate(view):
        @wraps(view)
        def throttled(request, *args, **kwargs):
            if request.method in methods:
                waits = []
                for cls in classes:
                    limiter = cls()
                    if not limiter.allow_request(request, None):
                        waits.append(limiter.wait() or 1)
                if waits:
                    return too_many_requests(request, max(waits))
            return view(request, *args, **kwargs)

        return throttled

    return decorate


def too_many_requests(request, wait_seconds: float, message: str | None = None):
    seconds = max(1, math.ceil(wait_seconds))
    minutes = max(1, math.ceil(seconds / 60))
    context = {
        "message": message or "You have sent too many requests in a short time.",
        "wait": f"{minutes} minute{'s' if minutes > 1 else ''}",
    }
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def lockout(request, original_response=None, credentials=None):
    """django-axes' answer while a user name or an address is locked out of logging in
    (the site's log-in and /admin/login/ alike)."""
    seconds = settings.AXES_COOLOFF_TIME.total_seconds()
    return too_many_requests(
        request,
        seconds,
        "Too many failed log-ins for this account or from your address. "
        "The password is not checked while the pause lasts.",
    )

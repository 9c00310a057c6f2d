"""Per-user (per-address when anonymous) API throttles; rates come from the settings'
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]. A throttled request answers 429 with
Retry-After (DRF sets the header from the throttle's wait)."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class UploadRateThrottle(UserRateThrottle):
    """Uploads have their own, tighter budget; reading costs none of it."""

    scope = "uploads"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


DEFAULT = [AnonRateThrottle, UserRateThrottle]
UPLOADS = [*DEFAULT, UploadRateThrottle]

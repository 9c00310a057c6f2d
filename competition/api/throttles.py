"""Per-user (per-address when anonymous) API throttles; rates come from the settings'
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]. A throttled request answers 429 with
Retry-After (DRF sets the header from the throttle's wait). The classes are
competition.throttling's, shared with the pages (the upload form counts against the
same upload budget)."""

from competition.throttling import AnonThrottle, UploadThrottle, UserThrottle

DEFAULT = [AnonThrottle, UserThrottle]
UPLOADS = [*DEFAULT, UploadThrottle]

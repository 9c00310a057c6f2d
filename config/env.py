"""Typed readers for settings from the environment.

Each refuses a malformed value loudly, naming the variable, rather than guessing.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer")
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [part.strip() for part in raw.split(",") if part.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name}={raw!r} lists nothing")
    return items


def env_size(name: str, default: int) -> int:
    """A byte count: 10485760, 10MB, 512KB, 1GB."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    text = raw.strip().upper().removesuffix("B")
    factor = 1
    for suffix, mult in (("K", 1024), ("M", 1024**2), ("G", 1024**3)):
        if text.endswith(suffix):
            text, factor = text[:-1], mult
            break
    try:
        value = int(text) * factor
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a size (e.g. 10MB, 524288)")
    if value <= 0:
        raise ImproperlyConfigured(f"{name}={raw!r} must be positive")
    return value


def env_rate(name: str, default: str) -> str:
    """A throttle rate as DRF reads it: NUMBER/second|minute|hour|day (e.g. 20/min)."""
    raw = os.environ.get(name, default)
    count, _, period = raw.strip().partition("/")
    if not count.isdigit() or not period or period[0] not in "smhd":
        raise ImproperlyConfigured(f"{name}={raw!r} is not a rate such as 20/min or 1000/day")
    return raw.strip()

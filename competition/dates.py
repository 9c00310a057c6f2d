"""Dates as the competition states them: always in UTC, and saying so."""

import math
from datetime import UTC, datetime, timedelta


def utc(moment: datetime | None) -> str:
    """'2026-01-31 23:59 UTC' (seconds shown only when there are some); '' for None."""
    if moment is None:
        return ""
    moment = moment.astimezone(UTC)
    text = f"{moment:%Y-%m-%d %H:%M:%S}" if moment.second else f"{moment:%Y-%m-%d %H:%M}"
    return f"{text} UTC"


def parse_when(text: str) -> datetime:
    """An ISO 8601 date and time, e.g. 2027-01-31T23:59 or 2027-01-31 23:59+09:00; UTC
    when no offset is given. ValueError names the expected form."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO 8601 date and time; write e.g. 2027-01-31T23:59 (UTC) "
            "or 2027-01-31T23:59+09:00."
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def next_utc_midnight(now: datetime) -> datetime:
    now = now.astimezone(UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def utc_midnight(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def seconds_until(moment: datetime, now: datetime) -> int:
    """Whole seconds from now until moment, rounded up (never less than 1)."""
    return max(1, math.ceil((moment - now).total_seconds()))


def duration(seconds: float) -> str:
    """'3 days 4 hours', '2 hours 5 minutes', '42 minutes', 'less than a minute'."""
    minutes = int(seconds // 60)
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    shown = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    if not shown:
        return "less than a minute"
    return " ".join(shown[:2])
